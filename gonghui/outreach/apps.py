from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "gonghui.outreach"
    label = "outreach"
    verbose_name = "服务职工进基层"

    def ready(self) -> None:
        from gonghui.outreach import todos

        todos.register()
        _labels_register()


def _labels_register() -> None:
    """Labels of the audit-detail codes written by outreach (caravans, stops, registrations,
    follow-ups, activities, contests, volunteers, exports)."""
    from gonghui.core.labels import labels_register
    from gonghui.outreach.activities.models import ActivityKind, ActivityStatus
    from gonghui.outreach.caravans.models import (
        CaravanKind,
        CaravanStatus,
        RegistrationChannel,
        RegistrationStatus,
        ServiceKind,
        StopStatus,
    )
    from gonghui.outreach.contests.models import ContestStatus, EntryStatus
    from gonghui.outreach.followups.models import FollowUpResult

    labels_register(
        keys={
            "caravan": None,
            "stop": None,
            "offer": None,
            "registration": None,
            "followups": None,
            "caravan_kind": "大篷车类型",
            "caravan_status": "大篷车状态",
            "stop_status": "站次状态",
            "offers": "服务项目数",
            "registrations": "涉及登记人数",
            "served": "服务人数合计",
            "service": "服务项目",
            "quota": "名额",
            "promoted": "候补递补",
            "registration_status": "登记状态",
            "channel": "登记方式",
            "consent": "本人同意登记身份证号和手机号",
            "followup_result": "回访结果",
            "final": "结案",
            "followup_assignee": "回访人(用户编号)",
            "offsets": "回访时间(天)",
            "working_days_only": "遇节假日顺延",
            "activity": None,
            "attendee": None,
            "activity_kind": "活动类型",
            "activity_status": "活动状态",
            "attendance": "参加人数",
            "checkin_open": "开放扫码签到",
            "judge": "评委(用户编号)",
            "categories": "征集类别数",
            "contest_status": "征集阶段",
            "entry_status": "作品状态",
            "assignments": "新分配评审份数",
            "images": "图片数",
            "value": "评分",
            "winners": "获奖作品数",
            "member": None,
            "hours": "服务时长(小时)",
        },
        values={
            "caravan_kind": CaravanKind,
            "caravan_status": CaravanStatus,
            "stop_status": StopStatus,
            "service": ServiceKind,
            "registration_status": RegistrationStatus,
            "channel": RegistrationChannel,
            "followup_result": FollowUpResult,
            "activity_kind": ActivityKind,
            "activity_status": ActivityStatus,
            "contest_status": ContestStatus,
            "entry_status": EntryStatus,
            "what": {
                "caravan": "大篷车",
                "stop": "安排站次",
                "stop_cancel": "取消站次",
                "stop_summary": "站次服务小结",
                "offer_add": "增加站次服务项目",
                "offer_quota": "调整名额",
                "offer_remove": "删除站次服务项目",
                "registration": "现场登记/网上预约",
                "registration_cancel": "取消登记",
                "followup": "记录跟踪回访",
                "followup_assign": "分派跟踪回访",
                "followup_settings": "回访时间设置",
                "outreach_registrations": "服务站次登记名单",
                "activity": "登记活动",
                "activity_record": "登记活动举办情况",
                "activity_cancel": "取消活动",
                "activity_checkin": "开放/关闭扫码签到",
                "attendee_add": "活动代签到",
                "activity_checkin_public": "活动扫码签到",
                "contest": "发布作品征集",
                "contest_status": "征集阶段变更",
                "judge_add": "添加评委",
                "entries_assign": "分配评审",
                "entry": "作品投稿",
                "entry_screen": "作品初审",
                "works_entry_withdraw": "征集作品撤回",
                "score": "评委评分",
                "contest_publish": "公布评审结果",
                "volunteer_team": "登记志愿服务队",
                "team_dissolve": "解散志愿服务队",
                "volunteer_add": "加入志愿者",
                "volunteer_leave": "志愿者退出",
                "volunteer_project": "登记志愿服务项目",
                "service_hours": "登记服务时长",
                "outreach_stats": "服务职工进基层统计",
            },
        },
        pairs=[
            "caravan_status",
            "stop_status",
            "quota",
            "offsets",
            "activity_status",
            "contest_status",
            "entry_status",
        ],
    )

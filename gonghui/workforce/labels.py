"""Chinese labels of the codes the workforce services write into audit details
(gonghui.core.labels; audit/tests/test_detail_labels.py scans the source for them)."""


def register() -> None:
    from gonghui.core.labels import labels_register
    from gonghui.workforce.choices import AppraisalResult, Channel, ContestLevel
    from gonghui.workforce.competitions.models import (
        CompetitionKind,
        CompetitionStatus,
        EntryStatus,
    )
    from gonghui.workforce.honours.models import HonourKind
    from gonghui.workforce.innovations.models import (
        InnovationAward,
        InnovationCategory,
        InnovationStatus,
        SuggestionStatus,
    )
    from gonghui.workforce.mentorships.models import MentorshipStatus
    from gonghui.workforce.pioneers.models import (
        ExcellentTeamStatus,
        IncidentKind,
        NominationKind,
        NominationStatus,
        ObjectionOutcome,
        TeamKind,
    )
    from gonghui.workforce.studios.models import OutcomeKind, StudioKind, StudioLevel, StudioRole

    # Outreach writes `channel` too, with other values: an entry's channel is scoped to it.
    labels_register(
        what="competition_entry", keys={"channel": "报名方式"}, values={"channel": Channel}
    )
    labels_register(
        keys={
            "level": "级别",
            "entries": None,  # ids of the entries moved up from the waiting list
            "unit": "单位",
            "trade": "工种",
            "places": "名额",
            "competition": "竞赛编号",
            "round": "轮次",
            "title": "称号",
            "grade_steps": "技能等级晋升(级)",
            "rank_from": "名次自",
            "rank_to": "名次至",
            "period": "考评期",
            "master": "师傅",
            "apprentice": "徒弟",
            "allowance": "带徒津贴(元)",
            "quarter": "季度",
            "not_checked": "未核查项目",
            "notice_until": "公示截止",
            "years": "限制年限",
            "funded_by_science_plan": "已获政府科技计划资助",
            "awarded_elsewhere": "已在其他评选中获奖",
            "award": "奖项",
            "innovation_category": "五小类别",
            "studio_role": "工作室角色",
            "basis": "评分依据",
            "max_score": "分值",
        },
        values={
            "level": ContestLevel,
            "award": InnovationAward,
            "innovation_category": InnovationCategory,
            "studio_role": StudioRole,
            "not_checked": {
                "contract": "集体合同",
                "wage": "欠薪问题",
                "legal_aid": "法律援助案件",
                "union": "建会",
            },
            "what": {
                "competition": "竞赛",
                "competition_step": "竞赛办理",
                "competition_results": "竞赛成绩",
                "competition_entry": "竞赛报名",
                "entry_withdraw": "退出竞赛",
                "entries_promoted": "候补递补",
                "quota": "报名名额",
                "scores": "竞赛成绩录入",
                "award": "竞赛称号授予",
                "award_remove": "撤销人工授予",
                "trade": "工种",
                "title": "称号",
                "title_rule": "称号与晋级规则",
                "participant": "重点工程参赛单位",
                "project_scores": "重点工程考评得分",
                "team": "班组",
                "nomination": "荣誉推荐",
                "nomination_step": "荣誉推荐办理",
                "objection": "公示异议",
                "incident": "用人单位不良记录",
                "bar_rule": "一票否决规则",
                "excellent_team": "优秀班组",
                "team_training": "班组培训",
                "studio": "创新工作室",
                "studio_name": "工作室命名",
                "studio_revoke": "撤销工作室",
                "studio_member": "工作室成员",
                "studio_member_leave": "工作室成员退出",
                "studio_report": "工作室季度报告",
                "studio_outcome": "工作室成果",
                "studio_standard": "工作室标准项",
                "studio_appraise": "工作室年度考评",
                "ceremony": "拜师仪式",
                "mentorship": "名师带徒协议",
                "mentorship_policy": "带徒津贴与奖励规则",
                "checkpoint": "带徒考核节点",
                "mentorship_appraise": "出师考评",
                "mentorship_terminate": "终止师徒协议",
                "innovation": "五小成果",
                "innovation_attachment": "五小成果附件",
                "innovation_exclusions": "五小评奖排除项",
                "innovation_review": "五小成果评审",
                "innovation_decide": "五小成果评定",
                "suggestion": "合理化建议",
                "suggestion_decide": "合理化建议处理",
                "honour_record": "记录荣誉",
                "honour_revoke": "撤销荣誉",
                "honours": "荣誉台账",
                "workforce_stats": "产业工人统计",
                "results_recompute": "重新计算名次",
            },
        },
    )
    # Codes whose meaning depends on the record ("kind", "status", "outcome", "result").
    scoped = {
        "competition": {"kind": CompetitionKind},
        "competition_step": {
            "status": CompetitionStatus,
            "step": {
                "approve": "立项",
                "start": "开始比赛",
                "publish": "公布成绩",
                "reopen": "撤回成绩公布",
                "commend": "表彰",
                "cancel": "撤销",
            },
        },
        "entry": {"status": EntryStatus},
        "entry_withdraw": {"status": EntryStatus},
        "team": {"kind": TeamKind},
        "nomination": {"kind": NominationKind},
        "nomination_step": {
            "status": NominationStatus,
            "step": {
                "review": "审核",
                "notice": "公示",
                "approve": "审批命名",
                "reject": "退回",
                "revoke": "摘牌",
            },
        },
        "objection": {"outcome": ObjectionOutcome},
        "incident": {"kind": IncidentKind},
        "bar_rule": {"kind": IncidentKind},
        "excellent_team": {"status": ExcellentTeamStatus},
        "studio": {"kind": StudioKind},
        "studio_name": {"level": StudioLevel},
        "studio_outcome": {"kind": OutcomeKind},
        "studio_appraise": {"result": AppraisalResult},
        "mentorship_appraise": {"result": AppraisalResult},
        "innovation_decide": {"status": InnovationStatus},
        "suggestion_decide": {"status": SuggestionStatus},
        "honour_record": {"kind": HonourKind},
        "mentorship_terminate": {"status": MentorshipStatus},
    }
    for what, values in scoped.items():
        labels_register(what=what, values=values)
    labels_register(pairs=["level"])

"""Chinese labels of the codes the rights module writes into audit details
(gonghui.core.labels), registered from RightsConfig.ready()."""


def register() -> None:
    from gonghui.core.labels import labels_register
    from gonghui.rights.bargaining.models import OfferDirection, OfferOutcome, OfferReply
    from gonghui.rights.contracts.models import ContractKind, ReviewResult
    from gonghui.rights.legalaid.models import AidKind, AidOutcome, AidSource
    from gonghui.rights.reminders.models import ReminderKind
    from gonghui.rights.supervision.models import InspectionResult
    from gonghui.rights.wagechecks.models import NoticeStep

    labels_register(
        keys={
            "employers": "覆盖单位数",
            "vote": "表决(应到、实到、赞成)",
            "late": "逾期",
            "number": "版本号",
            "direction": "要约方",
            "reply": "答复",
            "round": "轮次",
            "targets": "要约对象数",
            "failed": "不符合事项数",
            "workers": "涉及人数",
            "accepted": "受理",
            "assignee": "承办人",
            "score": "满意度",
        },
        values={
            "source": AidSource,
            "direction": OfferDirection,
            "reply": OfferReply,
            "what": {
                "contract": "登记集体合同",
                "contract_file": "集体合同报送审查",
                "contract_review": "集体合同审查意见",
                "contract_version": "集体合同文本新版本",
                "contract_attachment": "集体合同附件",
                "contract_renewal": "续订要约",
                "contract_terminate": "终止集体合同",
                "offer": "协商要约",
                "offer_reply": "要约答复",
                "offer_talk": "协商会议",
                "offer_outcome": "协商结果",
                "season": "开启要约行动",
                "season_close": "结束要约行动",
                "check_item": "工资支付检查事项",
                "notice_settings": "一函两书设置",
                "wagecheck": "工资支付检查",
                "wagecheck_close": "结束工资支付检查",
                "check_record": "检查记录",
                "finding": "登记检查发现的问题",
                "finding_resolve": "问题整改",
                "finding_photo": "问题照片",
                "notice_draft": "起草一函两书",
                "notice_edit": "修改一函两书",
                "notice_issue": "送达一函两书",
                "notice_reply": "一函两书回复",
                "legal_aid_case": "法律援助申请",
                "legal_aid_decide": "法律援助受理决定",
                "legal_aid_assign": "指派法律援助承办人",
                "legal_aid_note": "法律援助办理进展",
                "legal_aid_close": "法律援助结案",
                "legal_aid_attachment": "法律援助材料",
                "legal_aid_feedback": "法律援助评价",
                "lawyer": "援助律师",
                "legal_aid_settings": "法律援助设置",
                "supervisor": "劳动法律监督员",
                "supervisor_retire": "监督员离任",
                "inspection": "劳动法律监督检查",
                "reminder_close": "办结维权提醒",
                "rights_stats": "维权统计",
            },
        },
    )
    labels_register(what="contract", values={"kind": ContractKind})
    labels_register(what="legal_aid_case", values={"kind": AidKind})
    labels_register(what="reminder_close", values={"kind": ReminderKind})
    labels_register(what="contract_review", values={"result": ReviewResult})
    labels_register(what="inspection", values={"result": InspectionResult})
    labels_register(
        what="offer_outcome", keys={"outcome": "协商结果"}, values={"outcome": OfferOutcome}
    )
    labels_register(
        what="legal_aid_close", keys={"outcome": "结案结果"}, values={"outcome": AidOutcome}
    )
    labels_register(what="check_item", keys={"name": "检查事项"})
    for what in ("notice_draft", "notice_edit", "notice_issue", "notice_reply"):
        labels_register(what=what, keys={"step": "文书"}, values={"step": NoticeStep})

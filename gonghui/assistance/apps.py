from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = "困难帮扶"

    def ready(self) -> None:
        from gonghui.assistance import todos

        todos.register()
        _labels_register()


def _labels_register() -> None:
    """Labels of the audit-detail codes written by assistance (archives, monitoring,
    programmes and grants, visits, standards, spot checks, exports)."""
    from gonghui.assistance.choices import (
        ApplicationSource,
        ArchiveStatus,
        AttachmentKind,
        HardshipCategory,
        StepAction,
    )
    from gonghui.assistance.monitoring.definitions import (
        PARAMETER_LABELS,
        AlertOutcome,
        CareKind,
        DisasterKind,
        RiskLevel,
        RuleCode,
        RunTrigger,
        SchoolStage,
    )
    from gonghui.assistance.programmes.models import GrantStatus, PaymentMethod, ProgrammeKind
    from gonghui.assistance.visits.services import FLAGS
    from gonghui.core.labels import labels_register

    labels_register(
        keys={
            "archive": None,
            "attachment": None,
            "grants": None,
            "source": "申请来源",
            "step": "办理步骤",
            "from_status": "原状态",
            "to_status": "新状态",
            "category": "困难类别",
            "household": "家庭成员",
            "figures": "核查数据",
            "flags": "走访情况",
            "photos": "照片数",
            "budget": "预算(元)",
            "batch": "批次",
            "amount": "金额(元)",
            "method": "发放方式",
            "rule": "规则",
            "outcome": "处置结果",
            "on_time": "按时办结",
            "trigger": "触发方式",
            "opened": "新开预警",
            "counts": "各规则预警数",
            "from_version": "原版本",
            "parameters": "参数",
            "overrides": "本县参数",
            "enabled": "启用",
            "share": "抽查比例",
            "population": "在档户数",
            "drawn": "抽中户数",
            "seed": "随机种子",
            "monthly_amount": "月低保标准(元)",
            "values": "参数",
            "care": "就医类型",
            "self_paid": "自付金额(元)",
            "loss": "损失金额(元)",
            "stage": "学段",
        },
        values={
            "source": ApplicationSource,
            "step": StepAction,
            "from_status": ArchiveStatus,
            "to_status": ArchiveStatus,
            "category": HardshipCategory,
            "flags": FLAGS,
            "household": {"removed": "删除"},
            "method": PaymentMethod,
            "rule": RuleCode,
            "outcome": AlertOutcome,
            "trigger": RunTrigger,
            "care": CareKind,
            "stage": SchoolStage,
            "kind": {
                **dict(ProgrammeKind.choices),
                **dict(DisasterKind.choices),
                **dict(AttachmentKind.choices),
            },
            "parameter": PARAMETER_LABELS,
            "deadline_days": RiskLevel,
            "what": {
                "archive_stats": "帮扶统计",
                "programme": "帮扶项目",
                "programme_rule": "项目资格与金额规则",
                "budget": "项目预算",
                "programme_close": "结束项目",
                "grants_propose": "拟定发放名单",
                "grant_approve": "审批发放",
                "grant_disburse": "登记发放",
                "grant_cancel": "取消发放",
                "visit": "走访",
                "monitoring_rule": "监测规则新版本",
                "rule_setting": "本县规则设置",
                "monitoring_run": "运行监测",
                "alert_close": "办结预警",
                "spot_check_draw": "抽取抽查名单",
                "living_allowance_standard": "低保标准",
                "assistance_thresholds": "帮扶标准参数",
                "medical_expense": "登记医疗支出",
                "job_loss": "登记失业",
                "disaster_event": "登记灾害事故",
                "schooling_expense": "登记教育支出",
            },
        },
        nested={
            "counts": "rule",
            "parameters": "parameter",
            "overrides": "parameter",
            "values": "model:assistance.AssistanceThresholds",
            "figures": "model:assistance.HardshipArchive",
            "household": "model:assistance.HouseholdMember",
        },
    )
    # The same keys mean something else in a few details.
    labels_register(what="budget", keys={"org": None, "from": "原预算(元)", "to": "新预算(元)"})
    labels_register(what="grant_cancel", keys={"from": "原状态"}, values={"from": GrantStatus})
    for what in ("monitoring_rule", "rule_setting"):
        labels_register(what=what, keys={"code": "规则"}, values={"code": RuleCode})

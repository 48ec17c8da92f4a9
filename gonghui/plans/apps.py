from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "gonghui.plans"
    label = "plans"
    verbose_name = "年度目标与产改"

    def ready(self) -> None:
        from gonghui.plans import todos

        todos.register()
        _labels_register()


def _labels_register() -> None:
    """Labels of the audit-detail codes written by the plans services."""
    from gonghui.core.labels import labels_register
    from gonghui.plans.models import (
        Comparator,
        ManualStatus,
        PilotLevel,
        ReformAgentKind,
        ReformKind,
        ReformStatus,
    )

    labels_register(
        keys={
            "year": "年度",
            "measure_code": "统计指标",
            "comparator": "比较方式",
            "target_value": "目标值",
            "deadline": "截止日期",
            "shares": "分解(组织编号:目标值)",
            "manual_status": "完成情况",
            "evidence": "佐证说明",
            "progress": "进度(%)",
            "reform_kind": "清单",
            "reform_status": "状态",
            "pilot_level": "试点层级",
            "agent_kind": "三员类别",
            "agent_enterprise": "联系企业(编号)",
            "feedback_count": "收集意见(条)",
        },
        values={
            "comparator": Comparator,
            "manual_status": ManualStatus,
            "reform_kind": ReformKind,
            "reform_status": ReformStatus,
            "pilot_level": PilotLevel,
            "agent_kind": ReformAgentKind,
            "what": {
                "annual_plan": "年度工作计划",
                "target": "年度目标",
                "reform": "产改清单",
                "reform_pilot": "产改试点企业",
                "reform_agent": "产改三员",
                "reform_visit": "三员走访",
            },
        },
        pairs=["reform_status", "manual_status"],
    )

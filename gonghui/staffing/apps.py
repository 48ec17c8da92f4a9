from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "gonghui.staffing"
    label = "staffing"
    verbose_name = "社会化工会工作者"

    def ready(self) -> None:
        from gonghui.staffing import todos

        todos.register()
        _labels_register()


def _labels_register() -> None:
    """Labels of the audit-detail codes written by the staffing services and exports."""
    from gonghui.core.labels import labels_register
    from gonghui.staffing.models import AppraisalKind, AppraisalResult, RaterGroup

    labels_register(
        keys={
            "rater_group": "评议人类别",
            "rating_score": "评分",
            "appraisal_result": "考核等次",
            "total_score": "综合得分",
            "invites": "匿名评议链接数",
            "contract_review": "合同待复核",
            "pay_month": "月份",
            "course": "培训课程",
            "training_hours": "学时",
            "pay_grade": "岗级",
            "pay_band": "档次",
            "monthly_pay": "月工资(元)",
            "appraisal_kind": "考核类型",
            "stats_year": "统计年度",
        },
        values={
            "rater_group": RaterGroup,
            "appraisal_result": AppraisalResult,
            "appraisal_kind": AppraisalKind,
            "what": {
                "staffing_worker": "社会化工会工作者",
                "staffing_post": "社工岗位",
                "staffing_scheme": "社工管理规则",
                "staffing_pay_grade": "薪酬等级",
                "staffing_training": "培训记录",
                "staffing_appraisal": "社工考核",
                "staffing_rating": "考核评议",
                "staffing_anonymous_rating": "职工匿名评议",
                "staffing_objection": "考核异议",
                "staffing_objection_answer": "考核异议答复",
                "staffing_pay_sheet": "社工月度工资表",
                "staffing_promotion": "社工晋升推荐名单",
                "staffing_stats": "社工统计",
            },
        },
    )

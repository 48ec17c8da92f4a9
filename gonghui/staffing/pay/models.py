"""The county's rules for its social workers (StaffingScheme: rating weights, measures and
targets, cut-offs, bonus, training minimum, promotion rules) and its pay table (岗级 × 档次)."""

from django.db import models

from gonghui.orgs.models import OrgOwned

__all__ = [
    "DEFAULT_BONUS",
    "DEFAULT_RATER_WEIGHTS",
    "DEFAULT_TARGETS",
    "PayGrade",
    "StaffingScheme",
]

DEFAULT_RATER_WEIGHTS = {"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30}

# Measures the computed part reads (looked up in the metric registry by code; one no longer
# registered is skipped and the others' weights rescaled): the work the issue names — joins
# reviewed, members joined, hardship visits, alerts closed on time, transfers, caravan
# follow-ups, legal-aid cases, activities.
DEFAULT_TARGETS = [
    {"measure": "members.joins_reviewed", "target": 30, "weight": 25},
    {"measure": "members.joined", "target": 50, "weight": 20},
    {"measure": "assistance.visits_on_time", "target": 10, "weight": 15},
    {"measure": "assistance.alerts_closed_on_time", "target": 5, "weight": 10},
    {"measure": "members.transfers_decided", "target": 2, "weight": 5},
    {"measure": "outreach.followups.done", "target": 5, "weight": 10},
    {"measure": "rights.legal_aid.accepted", "target": 3, "weight": 5},
    {"measure": "outreach.activities.held", "target": 4, "weight": 10},
]


DEFAULT_BONUS = {"excellent": 600, "competent": 300, "basic": 0, "unfit": 0}


def _default_weights():
    return dict(DEFAULT_RATER_WEIGHTS)


def _default_targets():
    return [dict(t) for t in DEFAULT_TARGETS]


def _default_bonus():
    return dict(DEFAULT_BONUS)


class StaffingScheme(OrgOwned):
    """A county's rules for its social workers (org = the county federation). A county
    without one uses the defaults (`selectors.scheme_for`)."""

    computed_share = models.PositiveSmallIntegerField("实绩考核占比(%)", default=40)
    rater_weights = models.JSONField("评议权重(%)", default=_default_weights)
    targets = models.JSONField("实绩指标与目标", default=_default_targets)
    cutoff_excellent = models.DecimalField("优秀分数线", max_digits=5, decimal_places=2, default=90)
    cutoff_competent = models.DecimalField("称职分数线", max_digits=5, decimal_places=2, default=75)
    cutoff_basic = models.DecimalField("基本称职分数线", max_digits=5, decimal_places=2, default=60)
    bonus = models.JSONField("考核奖励(元/月)", default=_default_bonus)
    training_min_hours = models.PositiveSmallIntegerField("年度培训最低学时", default=40)
    objection_days = models.PositiveSmallIntegerField("异议期(天)", default=7)
    promotion_years = models.PositiveSmallIntegerField("晋档最低年限", default=2)
    promotion_needs_certificate = models.BooleanField("晋档须持职业资格证书", default=True)
    promotion_results = models.PositiveSmallIntegerField("晋档须连续称职以上年度数", default=2)

    class Meta:
        verbose_name = "社会化工会工作者管理规则"
        constraints = [models.UniqueConstraint(fields=["org"], name="staffing_scheme_one_per_org")]
        indexes = [models.Index(fields=["org_anchor", "id"], name="staffing_scheme_anchor")]

    def __str__(self) -> str:
        return f"{self.org.name}社会化工会工作者管理规则"


class PayGrade(OrgOwned):
    """One cell of a county's pay table: grade (岗级) × band (档次) → monthly pay."""

    grade = models.PositiveSmallIntegerField("岗级")
    band = models.PositiveSmallIntegerField("档次")
    monthly_pay = models.DecimalField("月薪(元)", max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = "薪酬等级"
        ordering = ["grade", "band"]
        constraints = [
            models.UniqueConstraint(fields=["org", "grade", "band"], name="staffing_paygrade_cell")
        ]
        indexes = [models.Index(fields=["org_anchor", "id"], name="staffing_paygrade_anchor")]

    def __str__(self) -> str:
        return f"{self.grade}岗{self.band}档"

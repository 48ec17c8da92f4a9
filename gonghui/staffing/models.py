"""Union social workers (社会化工会工作者): posts, the worker record, grades and pay,
training, and the appraisal (glossary §5: `UnionSocialWorker`, `Appraisal`)."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from gonghui.core.fields import EncryptedTextField
from gonghui.orgs.models import OrgOwned

__all__ = [
    "DEFAULT_RATER_WEIGHTS",
    "DEFAULT_TARGETS",
    "Appraisal",
    "AppraisalKind",
    "AppraisalResult",
    "AppraisalStatus",
    "Certificate",
    "Education",
    "FundingSource",
    "Objection",
    "PayGrade",
    "Post",
    "RaterGroup",
    "Rating",
    "RatingInvite",
    "SocialWorker",
    "StaffingScheme",
    "Training",
    "WorkerStatus",
]


class RaterGroup(models.TextChoices):
    CHAIR = "chair", "乡镇(街道)工会主席"
    DEPUTY = "deputy", "分管副主席"
    SUPERVISOR = "supervisor", "县总工会联系人"
    WORKERS = "workers", "职工(匿名)"


class AppraisalResult(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    UNFIT = "unfit", "不称职"


DEFAULT_RATER_WEIGHTS = {"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30}
# Measures the computed part reads (looked up in the metric registry by code; one not
# registered yet — its app has not landed — is skipped and the others' weights rescaled).
DEFAULT_TARGETS = [
    {"measure": "members.joins_reviewed", "target": 30, "weight": 30},
    {"measure": "members.joined", "target": 50, "weight": 20},
    {"measure": "assistance.visits_on_time", "target": 10, "weight": 15},
    {"measure": "assistance.alerts_closed_on_time", "target": 5, "weight": 10},
    {"measure": "outreach.caravan_follow_ups", "target": 5, "weight": 10},
    {"measure": "rights.legal_aid.accepted", "target": 3, "weight": 5},
    {"measure": "outreach.activities", "target": 4, "weight": 10},
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


class Post(OrgOwned):
    """A post for a social worker at a township / street / park union (org = where it sits)."""

    name = models.CharField("岗位名称", max_length=60)
    note = models.CharField("说明", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "社工岗位"
        ordering = ["org__path", "name"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="staffing_post_anchor")]

    def __str__(self) -> str:
        return self.name


class Education(models.TextChoices):
    HIGH_SCHOOL = "high_school", "高中(中专)"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生及以上"


class Certificate(models.TextChoices):
    ASSISTANT = "assistant", "助理社会工作师"
    SOCIAL_WORKER = "social_worker", "社会工作师"
    SENIOR = "senior", "高级社会工作师"


class FundingSource(models.TextChoices):
    SHARED = "shared", "县乡共担"
    COUNTY = "county", "县总工会经费"
    TOWNSHIP = "township", "乡镇(街道)财政"


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    LEFT = "left", "已离职"


class SocialWorker(OrgOwned):
    """A union social worker (社会化工会工作者); org = the union they serve."""

    name = models.CharField("姓名", max_length=40)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_worker",
    )
    phone = EncryptedTextField("手机号", blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices)
    certificates = models.JSONField("职业资格证书", default=list, blank=True)
    agency = models.CharField("用人(派遣)单位", max_length=100)
    post = models.OneToOneField(
        Post,
        verbose_name="岗位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holder",
    )
    hired_on = models.DateField("入职日期")
    contract_start = models.DateField("合同开始日期")
    contract_end = models.DateField("合同到期日期")
    funding_source = models.CharField(
        "经费来源", max_length=20, choices=FundingSource.choices, default=FundingSource.SHARED
    )
    county_share = models.PositiveSmallIntegerField("县级承担比例(%)", default=50)
    grade = models.PositiveSmallIntegerField("岗级", default=1)
    band = models.PositiveSmallIntegerField("档次", default=1)
    band_since = models.DateField("现档次起始日期")
    status = models.CharField(
        "状态", max_length=10, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE
    )
    contract_review = models.BooleanField("合同待复核", default=False)
    contract_review_reason = models.CharField("复核原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "社会化工会工作者"
        ordering = ["org__path", "name", "id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="staffing_worker_anchor"),
            models.Index(fields=["contract_end"], name="staffing_worker_contract_end"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def township_share(self) -> int:
        return 100 - self.county_share

    def certificate_labels(self) -> list[str]:
        labels = dict(Certificate.choices)
        return [labels.get(c, c) for c in self.certificates]


class Training(OrgOwned):
    worker = models.ForeignKey(
        SocialWorker, verbose_name="社工", on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.CharField("培训课程", max_length=100)
    day = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = "培训记录"
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="staffing_training_anchor")]

    def __str__(self) -> str:
        return self.course


class AppraisalKind(models.TextChoices):
    QUARTER = "quarter", "季度考核"
    YEAR = "year", "年度考核"


class AppraisalStatus(models.TextChoices):
    RATING = "rating", "评议中"
    PUBLISHED = "published", "已公布"


class Appraisal(OrgOwned):
    """One appraisal of one worker for a quarter or a year (org = the worker's org)."""

    worker = models.ForeignKey(
        SocialWorker, verbose_name="社工", on_delete=models.PROTECT, related_name="appraisals"
    )
    kind = models.CharField("考核类型", max_length=10, choices=AppraisalKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0)  # 0: a yearly appraisal
    period_start = models.DateField("考核期开始")
    period_end = models.DateField("考核期结束")
    status = models.CharField(
        "状态", max_length=10, choices=AppraisalStatus.choices, default=AppraisalStatus.RATING
    )
    evidence = models.JSONField("实绩明细", default=list)
    computed_score = models.DecimalField("实绩得分", max_digits=5, decimal_places=2, default=0)
    rated_score = models.DecimalField(
        "评议得分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    total = models.DecimalField("综合得分", max_digits=5, decimal_places=2, null=True, blank=True)
    result = models.CharField(
        "考核等次", max_length=10, choices=AppraisalResult.choices, blank=True
    )
    # Worker ratings are kept only as a tally: no row per rating exists to trace.
    worker_ratings = models.PositiveIntegerField("职工评议人数", default=0)
    worker_score_sum = models.DecimalField(
        "职工评分合计", max_digits=9, decimal_places=2, default=0
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    objection_until = models.DateField("异议截止日期", null=True, blank=True)

    class Meta:
        verbose_name = "考核"
        ordering = ["-period_end", "worker__name", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "kind", "year", "quarter"],
                name="staffing_appraisal_one_per_period",
            )
        ]
        indexes = [models.Index(fields=["org_anchor", "id"], name="staffing_appraisal_anchor")]

    def __str__(self) -> str:
        return f"{self.worker.name} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.kind == AppraisalKind.QUARTER:
            return f"{self.year}年第{self.quarter}季度"
        return f"{self.year}年度"


class RatingInvite(models.Model):
    """A one-time link for one anonymous worker rating. Only the token's hash is kept; the
    invite records neither who received it nor when it was used, and the score goes into
    the appraisal's tally (no row of its own), so a score can never be traced to the worker
    who gave it."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = "匿名评议链接"

    def __str__(self) -> str:
        return "匿名评议链接"


class Rating(models.Model):
    """A named rating (chair, deputy, supervisor): the rater is kept so that the same
    person cannot rate twice. Worker ratings are no rows (see Appraisal.worker_ratings)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="ratings")
    group = models.CharField("评议人类别", max_length=12, choices=RaterGroup.choices)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评议人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField("评分", max_digits=5, decimal_places=2)
    rated_at = models.DateTimeField("评议时间", auto_now_add=True)

    class Meta:
        verbose_name = "评议"
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "rater"], name="staffing_rating_once_per_rater"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}评议"


class Objection(models.Model):
    """The worker's objection to a published appraisal and the answer; both kept."""

    appraisal = models.OneToOneField(Appraisal, on_delete=models.CASCADE, related_name="objection")
    text = models.TextField("异议内容")
    submitted_at = models.DateTimeField("提出时间", auto_now_add=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核异议"

    def __str__(self) -> str:
        return f"{self.appraisal}的异议"


SCORE_MAX = Decimal(100)

"""Appraisals (绩效考核) of social workers for a quarter or a year: the computed part's
evidence, named and anonymous ratings (one-time links), the result and the objection."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from gonghui.orgs.models import OrgOwned
from gonghui.staffing.people.models import SocialWorker

__all__ = [
    "Appraisal",
    "AppraisalKind",
    "AppraisalResult",
    "AppraisalStatus",
    "Objection",
    "RaterGroup",
    "Rating",
    "RatingInvite",
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

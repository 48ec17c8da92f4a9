"""五小 innovations (小发明, 小创造, 小革新, 小设计, 小建议; 小改造 as used locally) with panel
review, exclusions and awards, and 合理化建议 (suggestions), counted separately."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned
from gonghui.workforce.choices import Channel

__all__ = [
    "InnovationAttachment",
    "InnovationAward",
    "InnovationCategory",
    "InnovationReview",
    "InnovationStatus",
    "SmallInnovation",
    "Suggestion",
    "SuggestionStatus",
]


class InnovationCategory(models.TextChoices):
    INVENTION = "invention", "小发明"
    CREATION = "creation", "小创造"
    INNOVATION = "innovation", "小革新"
    DESIGN = "design", "小设计"
    PROPOSAL = "proposal", "小建议"
    RENOVATION = "renovation", "小改造"


class InnovationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    REVIEWING = "reviewing", "评审中"
    AWARDED = "awarded", "获奖"
    NOT_AWARDED = "not_awarded", "未获奖"
    EXCLUDED = "excluded", "不予评奖"


class InnovationAward(models.TextChoices):
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    MERIT = "merit", "优秀奖"


class SmallInnovation(OrgOwned):
    """One 五小 result (org: the union of the submitter's employer)."""

    category = models.CharField("类别", max_length=12, choices=InnovationCategory.choices)
    title = models.CharField("成果名称", max_length=150)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="完成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "workforce.Team",
        verbose_name="完成班组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度")
    description = models.TextField("成果简介")
    claimed_benefit = models.DecimalField(
        "申报效益(元)", max_digits=14, decimal_places=2, default=0
    )
    # Exclusions (asked and recorded; None: not answered yet — no award until answered).
    funded_by_science_plan = models.BooleanField("已获政府科技计划资助", null=True, blank=True)
    awarded_elsewhere = models.BooleanField("已在其他评选中获奖", null=True, blank=True)
    channel = models.CharField("提交方式", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "状态", max_length=12, choices=InnovationStatus.choices, default=InnovationStatus.SUBMITTED
    )
    award = models.CharField("奖项", max_length=8, choices=InnovationAward.choices, blank=True)
    award_level = models.CharField("评奖级别", max_length=12, blank=True)
    decided_on = models.DateField("评定日期", null=True, blank=True)
    decision_note = models.CharField("评定说明", max_length=200, blank=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "五小成果"
        verbose_name_plural = "五小成果"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="innovation_anchor_id"),
            models.Index(fields=["org", "id"], name="innovation_org_id"),
            models.Index(fields=["member"], name="innovation_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(team__isnull=False),
                name="innovation_has_submitter",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def submitter_name(self) -> str:
        return self.team.name if self.team_id else self.member.name

    @property
    def exclusion_reasons(self) -> list[str]:
        reasons = []
        if self.funded_by_science_plan:
            reasons.append("已获政府科技计划资助")
        if self.awarded_elsewhere:
            reasons.append("已在其他评选中获奖")
        return reasons


class InnovationAttachment(models.Model):
    innovation = models.ForeignKey(
        SmallInnovation, on_delete=models.CASCADE, related_name="attachments"
    )
    # Stored under the random name core.attachments.file_check gives; `name` is the
    # uploaded name, given back on download.
    file = models.FileField("附件", upload_to="workforce/innovations/%Y/")
    name = models.CharField("文件名", max_length=150)
    content_type = models.CharField("类型", max_length=100, blank=True, default="")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "成果附件"
        verbose_name_plural = "成果附件"
        ordering = ["innovation_id", "id"]

    def __str__(self) -> str:
        return self.name


class InnovationReview(models.Model):
    """One panel member's score (0–100) of an innovation."""

    innovation = models.ForeignKey(
        SmallInnovation, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("评分", max_digits=5, decimal_places=1)
    comment = models.CharField("评审意见", max_length=300, blank=True)
    reviewed_at = models.DateTimeField("评审时间", auto_now=True)

    class Meta:
        verbose_name = "成果评审"
        verbose_name_plural = "成果评审"
        ordering = ["innovation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["innovation", "reviewer"], name="review_once"),
        ]

    def __str__(self) -> str:
        return f"{self.innovation_id}: {self.score}"


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    ADOPTED = "adopted", "已采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class Suggestion(OrgOwned):
    """A 合理化建议 (org: the union of the submitter)."""

    title = models.CharField("建议标题", max_length=150)
    content = models.TextField("建议内容")
    member = models.ForeignKey(
        "members.Member", verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度")
    channel = models.CharField("提交方式", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "状态", max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.SUBMITTED
    )
    benefit = models.DecimalField("产生效益(元)", max_digits=14, decimal_places=2, default=0)
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=200, blank=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "合理化建议"
        verbose_name_plural = "合理化建议"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="suggestion_anchor_id"),
            models.Index(fields=["member"], name="suggestion_member"),
        ]

    def __str__(self) -> str:
        return self.title

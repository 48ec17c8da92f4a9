"""Annual plans and their quantified targets (glossary: AnnualPlan, Target).

A target is bound to a measure of the metric registry (gonghui.core.metrics) by its code and
counts itself from it; a target no measure can count is manual (`measure_code` empty): its
status is set by hand with evidence. A county target is broken down to townships as child
targets (`parent`), whose values add up to the county's (checked by the services).
"""

from django.conf import settings
from django.db import models

from gonghui.orgs.models import OrgOwned

__all__ = ["AnnualPlan", "Basis", "Comparator", "ManualStatus", "Target", "TargetEvidence"]


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "不少于(≥)"
    AT_MOST = "lte", "不超过(≤)"


class Basis(models.TextChoices):
    PERIOD = "period", "统计期间内新增"
    STOCK = "stock", "截至统计日的总量"


class ManualStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    AT_RISK = "at_risk", "有风险"


class AnnualPlan(OrgOwned):
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=100)
    source_document = models.CharField("来源文件", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "年度工作计划"
        verbose_name_plural = "年度工作计划"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="annualplan_org_year"),
        ]
        indexes = [models.Index(fields=["org_anchor", "id"], name="annualplan_anchor_id")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Target(OrgOwned):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="targets")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级目标",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares",
    )
    name = models.CharField("目标名称", max_length=100)
    measure_code = models.CharField("统计指标", max_length=80, blank=True)
    comparator = models.CharField(
        "比较方式", max_length=3, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    basis = models.CharField("统计口径", max_length=6, choices=Basis.choices, default=Basis.PERIOD)
    value = models.DecimalField("目标值", max_digits=12, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField("统计起始日期")
    deadline = models.DateField("截止日期")
    lead_unit = models.CharField("牵头单位", max_length=100, blank=True)
    co_units = models.CharField("配合单位", max_length=200, blank=True)
    manual_status = models.CharField(
        "完成情况(手工)",
        max_length=12,
        choices=ManualStatus.choices,
        default=ManualStatus.NOT_STARTED,
    )
    position = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["plan_id", "position", "id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="plantarget_anchor_id"),
            models.Index(fields=["plan", "position"], name="target_plan_position"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return not self.measure_code

    @property
    def goal(self):
        """The target value as shown: a whole number without decimals."""
        if self.value is None:
            return None
        return int(self.value) if self.value == self.value.to_integral_value() else self.value


def evidence_path(instance, filename: str) -> str:
    # The stored name is random (services.target_manual_report); the uploaded name stays in
    # `file_name` only. Served only through the scoped download view, never from MEDIA_URL.
    return f"plans/evidence/{filename}"


class TargetEvidence(models.Model):
    """Evidence of a manual target's progress: a note of what was done, a document number
    and, optionally, the uploaded document itself (a scan, a photo, the minutes)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="evidence")
    recorded_on = models.DateField("日期")
    text = models.CharField("佐证说明", max_length=300)
    document = models.CharField("文件或链接", max_length=200, blank=True)
    file = models.FileField("佐证文件", upload_to=evidence_path, max_length=200, blank=True)
    file_name = models.CharField("文件名", max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "目标佐证材料"
        verbose_name_plural = "目标佐证材料"
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pk}"

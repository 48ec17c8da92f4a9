"""The annual statistical return of an org for a year: a snapshot of the items as of 09-30,
frozen once submitted so the same return can be re-opened and explained later."""

from django.conf import settings
from django.db import models

from gonghui.orgs.models import OrgOwned

__all__ = ["AnnualReturn", "ReturnStatus"]


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已上报"


class AnnualReturn(OrgOwned):
    year = models.PositiveSmallIntegerField("统计年度")
    status = models.CharField(
        "状态", max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    # {item code: number or null}: the values as of the snapshot (measures) or entered.
    values = models.JSONField("数值", default=dict)
    # {item code: "measure" | "manual" | "pending"}: where each value came from.
    sources = models.JSONField("来源", default=dict)
    snapshot_at = models.DateTimeField("取数时间")
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "工会统计年报"
        verbose_name_plural = "工会统计年报"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="annualreturn_org_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org_id}"

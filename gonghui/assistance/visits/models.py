"""Regular visits (常态化帮扶, 四季帮扶): every archived household is visited each quarter.

A visit may bring new facts: income or cost figures (applied to the archive through
`archive_update`, so the category is re-assessed and the assessment is linked here) and
flags (job loss, disaster, medical) that become monitoring facts where those exist; the flags
stay on the visit either way, with `facts` naming any fact records created.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from gonghui.orgs.models import OrgOwned

__all__ = [
    "Visit",
    "VisitPhoto",
]

MONEY = {"max_digits": 12, "decimal_places": 2}


class Visit(OrgOwned):
    """One visit to a household. `org` is the household's union at the time (scope)."""

    archive = models.ForeignKey(
        "assistance.HardshipArchive", on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    year = models.PositiveSmallIntegerField("年度", editable=False)
    quarter = models.PositiveSmallIntegerField("季度", editable=False)
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="走访人员(系统用户)", blank=True, related_name="+"
    )
    visitor_names = models.CharField("走访人员", max_length=200, blank=True)
    findings = models.TextField("走访情况")
    annual_income = models.DecimalField("新的家庭年可支配收入(元)", null=True, blank=True, **MONEY)
    medical_expense = models.DecimalField("新的年医疗支出(元)", null=True, blank=True, **MONEY)
    schooling_expense = models.DecimalField("新的年教育支出(元)", null=True, blank=True, **MONEY)
    disability_expense = models.DecimalField(
        "新的年残疾康复支出(元)", null=True, blank=True, **MONEY
    )
    job_loss = models.BooleanField("家庭成员失业", default=False)
    disaster = models.BooleanField("遭受灾害或意外", default=False)
    medical = models.BooleanField("新发大额医疗支出", default=False)
    assessment = models.ForeignKey(
        "assistance.ArchiveAssessment",
        verbose_name="据此重新测算",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    facts = models.JSONField("生成的监测事实", default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="visit_anchor_id"),
            models.Index(fields=["archive", "year", "quarter"], name="visit_archive_quarter"),
            models.Index(fields=["year", "quarter"], name="visit_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.archive_id} {self.visited_on}"

    @property
    def quarter_label(self) -> str:
        return f"{self.year} 年第 {self.quarter} 季度"


def visit_photo_path(instance: "VisitPhoto", filename: str) -> str:
    return f"assistance/visits/{instance.visit.archive_id}/{instance.stored_name}"


class VisitPhoto(models.Model):
    """A photo taken on a visit (JPEG/PNG/WebP ≤ 10 MB, checked by content); served only
    through a scoped view."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=visit_photo_path, max_length=200)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = "走访照片"
        verbose_name_plural = "走访照片"
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.original_name

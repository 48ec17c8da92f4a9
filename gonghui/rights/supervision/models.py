"""Labour-law supervision (劳动法律监督): the union's supervisors and their inspections of
employers; what an inspection finds is a `WageFinding` and runs the same 一函两书 ladder."""

from django.db import models

from gonghui.core.fields import EncryptedTextField
from gonghui.orgs.models import OrgOwned

__all__ = ["Inspection", "InspectionResult", "Supervisor"]


class Supervisor(OrgOwned):
    """工会劳动法律监督员, appointed by the union `org`."""

    name = models.CharField("姓名", max_length=50)
    phone = EncryptedTextField("联系电话", blank=True)
    certificate_no = models.CharField("监督员证号", max_length=30, blank=True)
    appointed_on = models.DateField("聘任日期")
    term_ends_on = models.DateField("聘期届满", null=True, blank=True)
    is_active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "劳动法律监督员"
        verbose_name_plural = "劳动法律监督员"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="supervisor_anchor_id")]

    def __str__(self) -> str:
        return self.name


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", "未发现问题"
    ISSUES = "issues", "发现问题"


class Inspection(OrgOwned):
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="被检查单位", on_delete=models.PROTECT, related_name="+"
    )
    supervisors = models.ManyToManyField(Supervisor, verbose_name="监督员", related_name="+")
    inspected_on = models.DateField("检查日期")
    subject = models.CharField("检查内容", max_length=200)
    result = models.CharField("结论", max_length=10, choices=InspectionResult.choices)
    summary = models.TextField("检查情况", blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "劳动法律监督检查"
        verbose_name_plural = "劳动法律监督检查"
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="inspection_anchor_id"),
            models.Index(fields=["enterprise", "inspected_on"], name="inspection_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}({self.inspected_on:%Y-%m-%d})"

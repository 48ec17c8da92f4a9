"""Collective contracts (集体合同规定): kinds, parties, covered employers, term, the workers'
congress vote, filing with the labour department and its review, text versions, attachments.

A contract is *in force* on a day when it was filed and the department raised no objection
(its 15-day review passed in silence, or it confirmed earlier: `effective_on`), and the day
lies within its term (`start_on` … `end_on`). `in_force_q` says it once for every query.
"""

import datetime

from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned
from gonghui.rights.attachments import StoredFile

__all__ = [
    "CollectiveContract",
    "ContractAttachment",
    "ContractCoverage",
    "ContractKind",
    "ContractStatus",
    "ContractVersion",
    "ReviewResult",
    "in_force_q",
]


class ContractKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "综合集体合同"
    WAGE = "wage", "工资专项集体合同"
    FEMALE = "female", "女职工权益保护专项集体合同"
    SAFETY = "safety", "安全生产专项集体合同"
    INDUSTRY = "industry", "行业性集体合同"
    REGIONAL = "regional", "区域性集体合同"


# Kinds signed for many employers at once (an industry or an area).
MULTI_EMPLOYER_KINDS = (ContractKind.INDUSTRY, ContractKind.REGIONAL)


class ContractStatus(models.TextChoices):
    SIGNED = "signed", "已签订待报送"
    FILED = "filed", "已报送审查"
    EFFECTIVE = "effective", "审查通过"
    OBJECTED = "objected", "审查有异议"
    TERMINATED = "terminated", "已终止"


class ReviewResult(models.TextChoices):
    PENDING = "pending", "审查中"
    APPROVED = "approved", "无异议"
    OBJECTED = "objected", "有异议"


class CollectiveContract(OrgOwned):
    """`org`: the union side (an enterprise union, or a township / industry union for the
    contracts that cover many employers)."""

    title = models.CharField("合同名称", max_length=150)
    kind = models.CharField("合同类型", max_length=16, choices=ContractKind.choices)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="用人单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="单一单位签订的合同；行业性、区域性合同在“覆盖单位”中列出",
    )
    union_party = models.CharField("工会方", max_length=150)
    employer_party = models.CharField("企业方", max_length=150)
    workers_covered = models.PositiveIntegerField("覆盖职工人数")
    start_on = models.DateField("期限开始")
    end_on = models.DateField("期限届满")
    signed_on = models.DateField("签订日期")
    # The workers' congress (职工代表大会 or all workers) that adopted the draft (Art. 36).
    congress_on = models.DateField("职代会日期")
    congress_total = models.PositiveIntegerField("应到代表人数")
    congress_present = models.PositiveIntegerField("实到代表人数")
    congress_for = models.PositiveIntegerField("赞成票数")
    filing_due = models.DateField("报送期限")
    filed_on = models.DateField("报送日期", null=True, blank=True)
    department = models.CharField("报送部门", max_length=100, blank=True)
    review_due = models.DateField("审查期限", null=True, blank=True)
    review_result = models.CharField(
        "审查结果", max_length=10, choices=ReviewResult.choices, default=ReviewResult.PENDING
    )
    reviewed_on = models.DateField("审查意见日期", null=True, blank=True)
    review_note = models.CharField("审查意见", max_length=300, blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ContractStatus.choices, default=ContractStatus.SIGNED
    )
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    termination_reason = models.CharField("终止原因", max_length=300, blank=True)
    renewal_requested_on = models.DateField("续签要约日期", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name="续签自",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
    )
    text = models.TextField("合同文本", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "集体合同"
        verbose_name_plural = "集体合同"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="contract_anchor_id"),
            models.Index(fields=["org", "id"], name="contract_org_id"),
            models.Index(fields=["end_on"], name="contract_end_on"),
            models.Index(fields=["status", "filing_due"], name="contract_status_filing"),
            models.Index(fields=["signed_on"], name="contract_signed_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gt=models.F("start_on")), name="contract_term"
            ),
            models.CheckConstraint(
                condition=Q(congress_present__lte=models.F("congress_total"))
                & Q(congress_for__lte=models.F("congress_present")),
                name="contract_vote_counts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, day: datetime.date) -> bool:
        live = self.status in (ContractStatus.FILED, ContractStatus.EFFECTIVE) or (
            self.status == ContractStatus.TERMINATED
            and self.terminated_on is not None
            and self.terminated_on > day
        )
        return (
            live
            and self.effective_on is not None
            and self.effective_on <= day
            and self.start_on <= day <= self.end_on
        )

    @property
    def is_multi_employer(self) -> bool:
        return self.kind in MULTI_EMPLOYER_KINDS


def in_force_q(day: datetime.date, prefix: str = "") -> Q:
    """Contracts in force on `day`; `prefix` for a relation ("contract__"). A contract
    terminated since was in force until the day before its termination (a past day's count)."""
    live = Q(**{f"{prefix}status__in": (ContractStatus.FILED, ContractStatus.EFFECTIVE)}) | Q(
        **{f"{prefix}status": ContractStatus.TERMINATED, f"{prefix}terminated_on__gt": day}
    )
    return live & Q(
        **{
            f"{prefix}effective_on__lte": day,
            f"{prefix}start_on__lte": day,
            f"{prefix}end_on__gte": day,
        }
    )


class ContractCoverage(models.Model):
    """An employer covered by a contract (one row for a single employer's contract)."""

    contract = models.ForeignKey(
        CollectiveContract, on_delete=models.CASCADE, related_name="coverage"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="覆盖单位", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "合同覆盖单位"
        verbose_name_plural = "合同覆盖单位"
        constraints = [
            models.UniqueConstraint(fields=["contract", "enterprise"], name="coverage_unique")
        ]
        indexes = [models.Index(fields=["enterprise", "contract"], name="coverage_enterprise")]

    def __str__(self) -> str:
        return f"{self.contract_id}/{self.enterprise_id}"


class ContractVersion(models.Model):
    """A saved text of the contract (drafts, the signed text, amendments), numbered."""

    contract = models.ForeignKey(
        CollectiveContract, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    text = models.TextField("文本")
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("保存时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "合同文本版本"
        verbose_name_plural = "合同文本版本"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique")
        ]

    def __str__(self) -> str:
        return f"第 {self.number} 版"


class ContractAttachment(StoredFile):
    contract = models.ForeignKey(
        CollectiveContract, on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        verbose_name = "合同附件"
        verbose_name_plural = "合同附件"
        ordering = ["id"]

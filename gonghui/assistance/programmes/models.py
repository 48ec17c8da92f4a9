"""Assistance programmes (帮扶项目), their budgets, rules and grants (帮扶发放), DESIGN §4.

A programme belongs to the county or a township (`org`, the owning org). Its money is a tree
of `ProgrammeBudget` rows: the owning org's row and sub-allocations to orgs below it. Each
row keeps `allocated` (the sum of its children's amounts) and `committed` (approved and
paid grants drawn on it); the database refuses `committed + allocated > amount`, and the
services change both under `select_for_update` of the row.

Eligibility and amount rules are data, not code: `ProgrammeRule` rows, one per version
(a change adds a row; the latest applies to new proposals; each grant keeps the row it was
proposed under). `programme_rules.py` validates, explains (in Chinese) and evaluates them.

The same need is never paid twice: every grant carries a `need_key` (need family, household,
period and subject, see grants.need_key) that is unique among grants that are not cancelled.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from gonghui.core.fields import EncryptedTextField
from gonghui.orgs.models import OrgOwned

__all__ = [
    "Grant",
    "GrantStatus",
    "PaymentMethod",
    "Programme",
    "ProgrammeBudget",
    "ProgrammeKind",
    "ProgrammeRule",
    "ProgrammeStatus",
]

MONEY = {"max_digits": 12, "decimal_places": 2}


class ProgrammeKind(models.TextChoices):
    WARMTH = "warmth", "送温暖"
    SCHOOLING = "schooling", "金秋助学"
    MEDICAL = "medical", "医疗救助"
    LIVING = "living", "生活救助"
    EMPLOYMENT = "employment", "就业援助"
    CUSTOM = "custom", "其他(自定义)"


class ProgrammeStatus(models.TextChoices):
    OPEN = "open", "实施中"
    CLOSED = "closed", "已结束"


class Programme(OrgOwned):
    """A programme run by `org` (the county federation or a township union)."""

    kind = models.CharField("项目类型", max_length=12, choices=ProgrammeKind.choices)
    name = models.CharField("项目名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    status = models.CharField(
        "状态", max_length=8, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN
    )
    description = models.CharField("项目说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "帮扶项目"
        verbose_name_plural = "帮扶项目"
        ordering = ["-year", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="programme_anchor_id"),
            models.Index(fields=["year", "kind"], name="programme_year_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年{self.name}"


class ProgrammeBudget(OrgOwned):
    """The money one org may commit under a programme. `parent` is None for the owning
    org's row; a sub-allocation's amount is carved out of its parent (`allocated`)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    amount = models.DecimalField("预算金额(元)", **MONEY)
    allocated = models.DecimalField("已下拨给下级(元)", default=0, editable=False, **MONEY)
    committed = models.DecimalField("已审批占用(元)", default=0, editable=False, **MONEY)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "项目预算"
        verbose_name_plural = "项目预算"
        ordering = ["programme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "org"], name="budget_one_per_org"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(allocated__gte=0) & Q(committed__gte=0),
                name="budget_not_negative",
            ),
            # Never overspent, whatever the code above does.
            models.CheckConstraint(
                condition=Q(committed__lte=F("amount") - F("allocated")),
                name="budget_never_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.org_id} {self.amount}"

    @property
    def available(self):
        return self.amount - self.allocated - self.committed


class ProgrammeRule(models.Model):
    """One version of a programme's eligibility and amount rules (never updated).

    `eligibility` and `amount` are structured configuration checked by
    programme_rules.rule_clean; see that module for the shapes.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rules")
    version = models.PositiveIntegerField("版本")
    eligibility = models.JSONField("资格条件", default=dict)
    amount = models.JSONField("金额规则", default=dict)
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "项目规则"
        verbose_name_plural = "项目规则"
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="rule_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version}"


class GrantStatus(models.TextChoices):
    PROPOSED = "proposed", "待审批"
    APPROVED = "approved", "已审批待发放"
    DISBURSED = "disbursed", "已发放"
    CANCELLED = "cancelled", "已取消"


# Grants that hold budget (committed on their budget row).
COMMITTED_STATUSES = (GrantStatus.APPROVED, GrantStatus.DISBURSED)


class PaymentMethod(models.TextChoices):
    BANK = "bank", "银行转账"
    CASH = "cash", "现金"


class Grant(OrgOwned):
    """Aid for one household (`archive`) under a programme. `org` is the household's union
    (scope follows the archive); `budget` is the row the money is drawn on."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="grants")
    budget = models.ForeignKey(ProgrammeBudget, on_delete=models.PROTECT, related_name="grants")
    rule = models.ForeignKey(ProgrammeRule, on_delete=models.PROTECT, related_name="+")
    archive = models.ForeignKey(
        "assistance.HardshipArchive", on_delete=models.PROTECT, related_name="grants"
    )
    household_member = models.ForeignKey(
        "assistance.HouseholdMember",
        verbose_name="受助家庭成员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField("帮扶事由", max_length=100, blank=True)
    need_key = models.CharField("需求标识", max_length=120)
    need_amount = models.DecimalField("核定费用(元)", null=True, blank=True, **MONEY)
    amount = models.DecimalField("金额(元)", **MONEY)
    reason = models.TextField("符合条件说明")
    status = models.CharField(
        "状态", max_length=10, choices=GrantStatus.choices, default=GrantStatus.PROPOSED
    )
    proposed_on = models.DateField("提出日期")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField("审批日期", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_batch = models.CharField("审批批次", max_length=32, blank=True)
    disbursed_on = models.DateField("发放日期", null=True, blank=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField("发放方式", max_length=6, choices=PaymentMethod.choices, blank=True)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = EncryptedTextField("收款账号", blank=True)
    bank_account_last4 = models.CharField(max_length=4, blank=True, editable=False)
    handled_by = models.CharField("经办人/领款人", max_length=100, blank=True)
    disbursement_note = models.CharField("发放说明", max_length=200, blank=True)
    cancelled_on = models.DateField("取消日期", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "帮扶发放"
        verbose_name_plural = "帮扶发放"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="grant_anchor_id"),
            models.Index(fields=["programme", "status"], name="grant_programme_status"),
            models.Index(fields=["archive", "id"], name="grant_archive_id"),
            models.Index(fields=["status", "disbursed_on"], name="grant_status_paid_on"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["need_key"],
                condition=~Q(status=GrantStatus.CANCELLED),
                name="grant_one_per_need",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.archive_id} {self.amount}"

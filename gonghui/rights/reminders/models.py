"""Reminders (维权提醒): the to-dos the daily run opens when a clock runs out — a contract
expiring (renewal may be asked within 3 months before expiry), a contract not filed within
its 10 days, a bargaining offer whose 20-day reply is overdue, a 一函两书 step whose deadline
passed with the finding unresolved, a legal-aid case past its deadline.

One reminder per kind and target, ever (partial unique constraints): a re-run opens nothing
new, and a reminder closed by hand is not reopened for the same clock."""

from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned

__all__ = ["Reminder", "ReminderKind", "ReminderRun", "ReminderStatus"]


class ReminderKind(models.TextChoices):
    CONTRACT_EXPIRING = "contract_expiring", "集体合同即将到期"
    FILING_OVERDUE = "filing_overdue", "集体合同逾期未报送"
    REPLY_OVERDUE = "reply_overdue", "要约逾期未答复"
    NOTICE_DUE = "notice_due", "一函两书到期待跟进"
    CASE_OVERDUE = "case_overdue", "法律援助逾期未结案"


TARGET_FIELDS = {
    ReminderKind.CONTRACT_EXPIRING: "contract",
    ReminderKind.FILING_OVERDUE: "contract",
    ReminderKind.REPLY_OVERDUE: "offer",
    ReminderKind.NOTICE_DUE: "notice",
    ReminderKind.CASE_OVERDUE: "case",
}


class ReminderStatus(models.TextChoices):
    OPEN = "open", "待办"
    DONE = "done", "已办"


class Reminder(OrgOwned):
    kind = models.CharField("事项", max_length=20, choices=ReminderKind.choices)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="用人单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    contract = models.ForeignKey(
        "rights.CollectiveContract",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    offer = models.ForeignKey(
        "rights.BargainingOffer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notice = models.ForeignKey(
        "rights.WageNotice", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "rights.LegalAidCase", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due_on = models.DateField("法定/约定日期")
    opened_on = models.DateField("提醒日期")
    deadline = models.DateField("办理时限")
    assigned_to = models.ForeignKey(
        "accounts.User",
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=6, choices=ReminderStatus.choices, default=ReminderStatus.OPEN
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    closed_note = models.CharField("办理情况", max_length=300, blank=True)
    run = models.ForeignKey(
        "rights.ReminderRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "维权提醒"
        verbose_name_plural = "维权提醒"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="reminder_anchor_id"),
            models.Index(fields=["org", "id"], name="reminder_org_id"),
            models.Index(fields=["status", "deadline"], name="reminder_status_deadline"),
            models.Index(fields=["assigned_to", "status"], name="reminder_assignee_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "contract"],
                condition=Q(contract__isnull=False),
                name="reminder_once_contract",
            ),
            models.UniqueConstraint(
                fields=["kind", "offer"],
                condition=Q(offer__isnull=False),
                name="reminder_once_offer",
            ),
            models.UniqueConstraint(
                fields=["kind", "notice"],
                condition=Q(notice__isnull=False),
                name="reminder_once_notice",
            ),
            models.UniqueConstraint(
                fields=["kind", "case"], condition=Q(case__isnull=False), name="reminder_once_case"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ReminderRun(models.Model):
    """One daily run: when, for which day, what it opened and closed, how long it took."""

    on = models.DateField("提醒日期")
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    duration_ms = models.PositiveIntegerField("耗时(毫秒)", default=0)
    opened = models.PositiveIntegerField("新开提醒", default=0)
    closed = models.PositiveIntegerField("自动办结", default=0)
    counts = models.JSONField("各事项新开数", default=dict)
    trigger = models.CharField("触发方式", max_length=10, default="scheduled")

    class Meta:
        verbose_name = "提醒运行"
        verbose_name_plural = "提醒运行"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d}"

"""Follow-ups (跟踪回访, DESIGN §4 "Outreach"): each confirmed registration gets follow-ups at
the county's offsets (*configurable*, default 7, 30 and 90 days after the stop; a due date on a
rest day or holiday moves to the next working day), assigned to staff in scope, each recording
a result until a final outcome (trained, employed with employer and pay, still looking,
unreachable; gonghui.outreach.caravans.models.Outcome)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned

__all__ = [
    "DEFAULT_OFFSETS",
    "FollowUp",
    "FollowUpResult",
    "FollowUpSettings",
    "FollowUpStatus",
]

DEFAULT_OFFSETS = (7, 30, 90)


class FollowUpSettings(OrgOwned):
    """A county's follow-up schedule: days after the stop (ascending), and whether a due date
    falling on a rest day or statutory holiday moves to the next working day."""

    offsets = models.JSONField("回访时间(天)", default=list)
    working_days_only = models.BooleanField("遇休息日顺延到工作日", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "跟踪回访设置"
        verbose_name_plural = "跟踪回访设置"
        constraints = [
            models.UniqueConstraint(fields=["org"], name="followup_settings_one_per_org")
        ]


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", "待回访"
    DONE = "done", "已回访"
    CLOSED = "closed", "无需回访"  # the registration reached its outcome, or was cancelled


class FollowUpResult(models.TextChoices):
    TRAINING_STARTED = "training_started", "已开始培训"
    TRAINING_FINISHED = "training_finished", "已完成培训"
    EMPLOYED = "employed", "已就业"
    STILL_LOOKING = "still_looking", "仍在求职"
    UNREACHABLE = "unreachable", "无法联系"


class FollowUp(OrgOwned):
    """One scheduled follow-up of a registration (`org` = the registration's org)."""

    registration = models.ForeignKey(
        "outreach.OnSiteRegistration",
        verbose_name="登记",
        on_delete=models.CASCADE,
        related_name="followups",
    )
    number = models.PositiveSmallIntegerField("第几次")
    offset_days = models.PositiveSmallIntegerField("间隔天数")
    due_on = models.DateField("应回访日期")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回访人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    done_on = models.DateField("回访日期", null=True, blank=True)
    result = models.CharField("回访结果", max_length=18, choices=FollowUpResult.choices, blank=True)
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="就业单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    employer_name = models.CharField("就业单位名称", max_length=150, blank=True)
    monthly_pay = models.PositiveIntegerField("月工资(元)", null=True, blank=True)
    note = models.CharField("情况说明", max_length=300, blank=True)
    is_final = models.BooleanField("结案", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)

    class Meta:
        verbose_name = "跟踪回访"
        verbose_name_plural = "跟踪回访"
        ordering = ["due_on", "id"]
        indexes = [
            # The due list: pending follow-ups by due date, in scope (bench/outreach.py).
            models.Index(
                fields=["org_anchor", "due_on", "id"],
                condition=Q(status="pending"),
                name="followup_pending_anchor_due",
            ),
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status="pending"),
                name="followup_pending_due",
            ),
            models.Index(
                fields=["assigned_to", "due_on"],
                condition=Q(status="pending"),
                name="followup_pending_assignee",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "number"], name="followup_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} 第{self.number}次回访"

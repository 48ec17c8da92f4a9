"""Monitoring and early warning (监测预警, DESIGN §4): rules, county settings, facts, runs, alerts.

- MonitoringRule: one row per rule *version*. Changing a rule's parameters adds a row
  (version + 1) and marks the previous one superseded; alerts keep the row that fired.
- RuleSetting: a county's enablement and parameter overrides, appended with the date they
  take effect (the latest on or before a day is in force; none = enabled, no overrides).
- MedicalExpense, DisasterEvent, JobLossReport, SchoolingExpense: recorded facts about a
  household (archive) or a member who has no live archive, entered by staff, pushed through
  the API or imported from a department's list. `org` is the target's union when recorded.
  `id_number_hash` is the HMAC of the ID number the fact was recorded under: with the fact's
  own figures it is the natural key that makes recording (or importing) the same fact twice
  a no-op.
- MonitoringRun: one evaluation of the rule set, scheduled or on demand.
- Alert: a rule that fired on a target, with the exact facts, risk, assignee and deadline.
  At most one OPEN alert per rule and target (partial unique constraints): a run inserts
  with ON CONFLICT DO NOTHING, so repeated and concurrent runs never duplicate.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonghui.assistance.monitoring.definitions import (
    SCHOOLING_STAGE_CHOICES,
    AlertOutcome,
    AlertStatus,
    CareKind,
    DisasterKind,
    FactSource,
    RiskLevel,
    RuleCode,
    RunStatus,
    RunTrigger,
)
from gonghui.core.fields import KeyedHashField
from gonghui.orgs.models import OrgOwned

__all__ = [
    "Alert",
    "DisasterEvent",
    "JobLossReport",
    "MedicalExpense",
    "MonitoringRule",
    "MonitoringRun",
    "RuleSetting",
    "SchoolingExpense",
]

MONEY = {"max_digits": 12, "decimal_places": 2}
_ONE_TARGET = (Q(archive__isnull=False) & Q(member__isnull=True)) | (
    Q(archive__isnull=True) & Q(member__isnull=False)
)


class MonitoringRule(models.Model):
    code = models.CharField("规则代码", max_length=32, choices=RuleCode.choices)
    version = models.PositiveIntegerField("版本")
    name = models.CharField("规则名称", max_length=50)
    description = models.TextField("规则说明")
    parameters = models.JSONField("参数", default=dict)
    is_current = models.BooleanField("现行版本", default=True)
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "监测预警规则"
        verbose_name_plural = "监测预警规则"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rule_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="rule_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}(v{self.version})"


class RuleSetting(OrgOwned):
    """A county's setting for a rule from a date on (`org` is the county federation)."""

    rule_code = models.CharField("规则", max_length=32, choices=RuleCode.choices)
    enabled = models.BooleanField("启用", default=True)
    overrides = models.JSONField("本县参数", default=dict, blank=True)
    effective_from = models.DateField("执行日期")
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "规则县级设置"
        verbose_name_plural = "规则县级设置"
        ordering = ["org", "rule_code", "-effective_from", "-id"]
        indexes = [
            models.Index(fields=["org", "rule_code", "effective_from"], name="rule_setting_lookup")
        ]

    def __str__(self) -> str:
        state = "启用" if self.enabled else "停用"
        return f"{self.get_rule_code_display()} {state}({self.effective_from} 起)"


class _Fact(OrgOwned):
    archive = models.ForeignKey(
        "assistance.HardshipArchive",
        verbose_name="困难职工档案",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # (archive, date) indexes below lead with it
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="会员",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    # The HMAC of the ID number as recorded ("" on facts recorded before it was kept).
    id_number_hash = KeyedHashField(byte_order=False, blank=True)
    source = models.CharField(
        "来源", max_length=8, choices=FactSource.choices, default=FactSource.MANUAL
    )
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class MedicalExpense(_Fact):
    occurred_on = models.DateField("就诊(结算)日期")
    care = models.CharField("类别", max_length=10, choices=CareKind.choices)
    self_paid = models.DecimalField("个人自付(元)", **MONEY)

    class Meta:
        verbose_name = "医疗支出记录"
        verbose_name_plural = "医疗支出记录"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["occurred_on"], name="medical_on"),
            models.Index(fields=["archive", "occurred_on"], name="medical_archive_on"),
            models.Index(fields=["member", "occurred_on"], name="medical_member_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=_ONE_TARGET, name="medical_one_target"),
            models.CheckConstraint(condition=Q(self_paid__gt=0), name="medical_positive"),
            models.UniqueConstraint(
                fields=["id_number_hash", "occurred_on", "care", "self_paid"],
                condition=~Q(id_number_hash=""),
                name="medical_once_per_person_bill",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_care_display()}自付 {self.self_paid} 元({self.occurred_on})"


class DisasterEvent(_Fact):
    occurred_on = models.DateField("发生日期")
    kind = models.CharField("类型", max_length=16, choices=DisasterKind.choices)
    loss = models.DecimalField("损失(元)", default=0, **MONEY)

    class Meta:
        verbose_name = "灾害或意外事故记录"
        verbose_name_plural = "灾害或意外事故记录"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["occurred_on"], name="disaster_on"),
            models.Index(fields=["archive", "occurred_on"], name="disaster_archive_on"),
            models.Index(fields=["member", "occurred_on"], name="disaster_member_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=_ONE_TARGET, name="disaster_one_target"),
            models.CheckConstraint(condition=Q(loss__gte=0), name="disaster_loss_not_negative"),
            models.UniqueConstraint(
                fields=["id_number_hash", "occurred_on", "kind"],
                condition=~Q(id_number_hash=""),
                name="disaster_once_per_person_day_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}({self.occurred_on})"


class JobLossReport(_Fact):
    lost_on = models.DateField("失业日期")
    employer_name = models.CharField("原工作单位", max_length=150, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "失业报告"
        verbose_name_plural = "失业报告"
        ordering = ["-lost_on", "-id"]
        indexes = [
            models.Index(fields=["lost_on"], name="job_loss_on"),
            models.Index(fields=["archive", "lost_on"], name="job_loss_archive_on"),
            models.Index(fields=["member", "lost_on"], name="job_loss_member_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=_ONE_TARGET, name="job_loss_one_target"),
            models.UniqueConstraint(
                fields=["id_number_hash", "lost_on"],
                condition=~Q(id_number_hash=""),
                name="job_loss_once_per_person_day",
            ),
        ]

    def __str__(self) -> str:
        return f"失业({self.lost_on})"


class SchoolingExpense(_Fact):
    """A non-compulsory schooling cost a household bears (a student's fees for a term or year),
    recorded for any member or hardship household, not only on an archive's figures."""

    paid_on = models.DateField("缴费日期")
    stage = models.CharField("学段", max_length=16, choices=SCHOOLING_STAGE_CHOICES)
    amount = models.DecimalField("个人负担费用(元)", **MONEY)
    student_name = models.CharField("学生姓名", max_length=50, blank=True)
    school = models.CharField("学校", max_length=100, blank=True)

    class Meta:
        verbose_name = "教育支出记录"
        verbose_name_plural = "教育支出记录"
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["paid_on"], name="schooling_on"),
            models.Index(fields=["archive", "paid_on"], name="schooling_archive_on"),
            models.Index(fields=["member", "paid_on"], name="schooling_member_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=_ONE_TARGET, name="schooling_one_target"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="schooling_positive"),
            models.UniqueConstraint(
                fields=["id_number_hash", "paid_on", "stage", "student_name", "amount"],
                condition=~Q(id_number_hash=""),
                name="schooling_once_per_person_bill",
            ),
        ]

    def __str__(self) -> str:
        who = f"{self.student_name} " if self.student_name else ""
        return f"{who}{self.get_stage_display()}教育支出 {self.amount} 元({self.paid_on})"


class MonitoringRun(models.Model):
    trigger = models.CharField("触发方式", max_length=10, choices=RunTrigger.choices)
    status = models.CharField(
        "状态", max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    county = models.ForeignKey(
        "orgs.Org",
        verbose_name="县级工会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空表示全部县。",
    )
    on = models.DateField("监测日期")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    queued_at = models.DateTimeField("提交时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("耗时(毫秒)", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    counts = models.JSONField("各规则结果", default=dict, blank=True)
    opened = models.PositiveIntegerField("新开预警", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "监测运行记录"
        verbose_name_plural = "监测运行记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"监测运行 #{self.pk}({self.get_status_display()})"


class Alert(OrgOwned):
    rule_code = models.CharField("规则", max_length=32, choices=RuleCode.choices)
    # Alerts are inserted in bulk: no index where a composite one leads with the column.
    rule = models.ForeignKey(
        MonitoringRule,
        verbose_name="规则版本",
        on_delete=models.PROTECT,
        related_name="alerts",
        db_index=False,
    )
    archive = models.ForeignKey(
        "assistance.HardshipArchive",
        verbose_name="困难职工档案",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_index=False,
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="会员",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    risk = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    facts = models.JSONField("触发事实", default=dict)
    status = models.CharField(
        "状态", max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    opened_on = models.DateField("预警日期")
    deadline = models.DateField("办理时限")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    run = models.ForeignKey(
        MonitoringRun,
        verbose_name="监测运行",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    outcome = models.CharField("处置结果", max_length=10, choices=AlertOutcome.choices, blank=True)
    close_reason = models.CharField("处置说明", max_length=500, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="alert_anchor_id"),
            models.Index(fields=["org", "id"], name="alert_org_id"),
            models.Index(fields=["status", "deadline"], name="alert_status_deadline"),
            models.Index(fields=["assigned_to", "status"], name="alert_assignee_status"),
            models.Index(fields=["opened_on"], name="alert_opened_on"),
            models.Index(fields=["archive", "rule_code"], name="alert_archive_rule"),
            models.Index(fields=["member", "rule_code"], name="alert_member_rule"),
        ]
        constraints = [
            models.CheckConstraint(condition=_ONE_TARGET, name="alert_one_target"),
            models.UniqueConstraint(
                fields=["rule_code", "archive"],
                condition=Q(status="open"),
                name="alert_one_open_per_archive",
            ),
            models.UniqueConstraint(
                fields=["rule_code", "member"],
                condition=Q(status="open"),
                name="alert_one_open_per_member",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(outcome="") & ~Q(close_reason="")),
                name="alert_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_code_display()}预警 #{self.pk}"

    @property
    def target_name(self) -> str:
        target = self.archive or self.member
        return target.name if target is not None else ""

    def is_overdue(self, on) -> bool:
        return self.status == AlertStatus.OPEN and self.deadline < on

    @property
    def closed_on_time(self) -> bool | None:
        if self.closed_at is None:
            return None
        return timezone.localdate(self.closed_at) <= self.deadline

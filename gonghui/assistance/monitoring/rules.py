"""The rules: each is ONE set-based query over a county's archives and members.

A rule function takes a RuleContext (county, day, the rule version, its parameters merged
with the county's overrides, the 低保 standard and thresholds in force) and returns Hits:
(target, org, risk, facts). The query already leaves out targets that have an OPEN alert
for the rule (an anti-join), so a re-run with nothing new returns nothing; the unique
partial constraints on Alert remain the guard against concurrent runs.

Not re-alerting what was dealt with:
- fact rules (medical, disaster, job loss) ignore a fact recorded before an alert of the
  rule for the same target was closed — a closed alert has handled it;
- state rules (income near the line, schooling cost, review overdue, exited household)
  stay quiet for `quiet_days` after an alert was closed, then fire again if still true.

Python only shapes the rows the database returned (the alerts to open); it never walks
all archives or members.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from gonghui.assistance.choices import ArchiveStatus, HardshipCategory
from gonghui.assistance.models import (
    Alert,
    AssistanceThresholds,
    DisasterEvent,
    HardshipArchive,
    JobLossReport,
    MedicalExpense,
    MonitoringRule,
)
from gonghui.assistance.monitoring.definitions import (
    AlertStatus,
    CareKind,
    DisasterKind,
    RiskLevel,
    RuleCode,
)
from gonghui.members.models import MemberStatus
from gonghui.orgs.models import Org

EXITED_STATUSES = (ArchiveStatus.EXITED, ArchiveStatus.WATCHED)
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
RISK_LEVELS = frozenset(RiskLevel.values)  # looked up once per alert: not the enum each time
DEFAULT_QUIET_DAYS = 30


@dataclass(frozen=True)
class RuleContext:
    county: Org
    on: datetime.date
    rule: MonitoringRule
    params: dict
    standard: Decimal | None  # 低保 yuan per person per month in force; None: not set
    thresholds: AssistanceThresholds

    def county_orgs(self) -> QuerySet:
        return Org.objects.filter(path__startswith=self.county.path).values("id")

    def param(self, name, default=None):
        value = self.params.get(name)
        return default if value is None else value

    def money(self, name, default) -> Decimal:
        return Decimal(str(self.param(name, default)))

    def days(self, name, default) -> int:
        return int(self.param(name, default))

    def risk(self, name="risk", default=RiskLevel.MEDIUM) -> str:
        value = self.param(name, default)
        return value if value in RISK_LEVELS else default


@dataclass
class Hit:
    archive_id: int | None
    member_id: int | None
    org_id: int
    risk: str
    facts: dict


def money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- shared filters ---------------------------------------------------------------------------


def _open_alert(ctx: RuleContext, field: str, ref: str) -> Exists:
    return Exists(
        Alert.objects.filter(
            rule_code=ctx.rule.code, status=AlertStatus.OPEN, **{field: OuterRef(ref)}
        )
    )


def _recently_closed(ctx: RuleContext, field: str, ref: str) -> Exists:
    quiet = ctx.days("quiet_days", DEFAULT_QUIET_DAYS)
    since = datetime.datetime.combine(
        ctx.on - datetime.timedelta(days=quiet), datetime.time.min, tzinfo=datetime.UTC
    )
    return Exists(
        Alert.objects.filter(
            rule_code=ctx.rule.code,
            status=AlertStatus.CLOSED,
            closed_at__gte=since,
            **{field: OuterRef(ref)},
        )
    )


def _handled_fact(ctx: RuleContext, field: str) -> Exists:
    """A fact that an alert of this rule, closed after the fact was recorded, dealt with."""
    return Exists(
        Alert.objects.filter(
            rule_code=ctx.rule.code,
            status=AlertStatus.CLOSED,
            closed_at__gte=OuterRef("created_at"),
            **{field: OuterRef(field + "_id")},
        )
    )


def _archives(ctx: RuleContext) -> QuerySet:
    """The county's live archives without an open alert for the rule or a recently closed one."""
    return (
        HardshipArchive.objects.filter(org__in=ctx.county_orgs())
        .exclude(status=ArchiveStatus.REJECTED)
        .filter(~_open_alert(ctx, "archive", "pk"), ~_recently_closed(ctx, "archive", "pk"))
    )


def _facts(
    ctx: RuleContext, model, date_field: str, since: datetime.date, *, only: Q | None = None
) -> QuerySet:
    """The county's fact rows in the window whose target has no open alert for the rule and
    that no closed alert has handled, grouped per target (archive or member); `only` narrows
    the rows before the joins."""
    county = ctx.county_orgs()
    return (
        model.objects.filter(**{f"{date_field}__gt": since, f"{date_field}__lte": ctx.on})
        .filter(only or Q())
        .filter(
            Q(archive__org__in=county, archive__status__in=_live_statuses())
            | Q(member__org__in=county, member__status=MemberStatus.ACTIVE)
        )
        .filter(
            ~_open_alert(ctx, "archive", "archive_id"),
            ~_open_alert(ctx, "member", "member_id"),
            ~_handled_fact(ctx, "archive"),
            ~_handled_fact(ctx, "member"),
        )
        .values("archive_id", "member_id")
        .annotate(
            target_org=Coalesce(Max("archive__org_id"), Max("member__org_id")),
            archive_status=Max("archive__status"),
            records=Count("id"),
            latest=Max(date_field),
        )
        .order_by()
    )


def _live_statuses() -> list[str]:
    return [s for s in ArchiveStatus.values if s != ArchiveStatus.REJECTED]


def _window(since: datetime.date, on: datetime.date) -> dict:
    return {"from": (since + datetime.timedelta(days=1)).isoformat(), "to": on.isoformat()}


# --- the rules ----------------------------------------------------------------------------------


def income_near_line(ctx: RuleContext) -> list[Hit]:
    if ctx.standard is None:
        return []  # no 低保 standard in force: nothing to compare with (shown on the run)
    multiplier = Decimal(str(ctx.param("multiplier", ctx.thresholds.near_line_multiplier)))
    high_multiplier = Decimal(str(ctx.param("high_multiplier", "1")))
    yearly_line = ctx.standard * multiplier * 12
    net = ExpressionWrapper(
        F("annual_income")
        - F("medical_expense")
        - F("schooling_expense")
        - F("disability_expense"),
        output_field=MONEY_FIELD,
    )
    rows = (
        _archives(ctx)
        .filter(Q(status__in=EXITED_STATUSES) | Q(category=HardshipCategory.NONE))
        .alias(net=net)
        .filter(net__lte=F("household_size") * Value(yearly_line, output_field=MONEY_FIELD))
        .values_list(
            "pk",
            "org_id",
            "annual_income",
            "medical_expense",
            "schooling_expense",
            "disability_expense",
            "household_size",
            "status",
        )
    )
    hits = []
    for pk, org_id, income, medical, schooling, disability, size, status in rows:
        per_capita = ((income - medical - schooling - disability) / 12 / size).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        high = per_capita <= ctx.standard * high_multiplier
        facts = {
            "annual_income": money(income),
            "essential_expenditure": money(medical + schooling + disability),
            "household_size": size,
            "per_capita_monthly_net": money(per_capita),
            "standard": money(ctx.standard),
            "multiplier": str(multiplier),
            "line": money(ctx.standard * multiplier),
            "archive_status": status,
        }
        risk = RiskLevel.HIGH if high else ctx.risk()
        hits.append(Hit(pk, None, org_id, risk, facts))
    return hits


def medical_cost(ctx: RuleContext) -> list[Hit]:
    since = ctx.on - datetime.timedelta(days=ctx.days("window_days", 365))
    out_since = ctx.on - datetime.timedelta(days=ctx.days("outpatient_window_days", 30))
    exited_line = ctx.money("inpatient_exited", 5000)
    other_line = ctx.money("inpatient_other", 20000)
    out_line = ctx.money("outpatient_month", 500)
    sums = {
        "inpatient": Sum("self_paid", filter=Q(care=CareKind.INPATIENT)),
        "outpatient": Sum(
            "self_paid", filter=Q(care=CareKind.OUTPATIENT, occurred_on__gt=out_since)
        ),
    }
    # Most targets' costs stay below every line: find the few that could reach one from the
    # costs alone before joining households and members. Amounts are positive, so leaving out
    # handled facts below only lowers a sum: the same alerts, from far fewer rows.
    in_window = MedicalExpense.objects.filter(occurred_on__gt=since, occurred_on__lte=ctx.on)
    could_fire = Q(outpatient__gte=out_line) | Q(inpatient__gte=min(exited_line, other_line))

    def could_fire_for(target: str) -> QuerySet:
        return (
            in_window.filter(**{f"{target}__isnull": False})
            .values(target)
            .annotate(**sums)
            .filter(could_fire)
            .values(target)
        )

    rows = (
        _facts(
            ctx,
            MedicalExpense,
            "occurred_on",
            since,
            only=Q(archive_id__in=could_fire_for("archive_id"))
            | Q(member_id__in=could_fire_for("member_id")),
        )
        .annotate(**sums)
        .filter(
            Q(outpatient__gte=out_line)
            | Q(inpatient__gte=other_line)
            | Q(inpatient__gte=exited_line, archive_status__in=EXITED_STATUSES)
        )
    )
    hits = []
    for row in rows:
        inpatient = row["inpatient"] or Decimal(0)
        outpatient = row["outpatient"] or Decimal(0)
        exited = row["archive_status"] in EXITED_STATUSES
        line = exited_line if exited else other_line
        by_inpatient = inpatient >= line
        facts = {
            "inpatient_self_paid": money(inpatient),
            "inpatient_line": money(line),
            "inpatient_window": _window(since, ctx.on),
            "outpatient_self_paid": money(outpatient),
            "outpatient_line": money(out_line),
            "outpatient_window": _window(out_since, ctx.on),
            "exited_household": exited,
            "records": row["records"],
            "latest": row["latest"].isoformat(),
            "fired_by": [
                *(["inpatient"] if by_inpatient else []),
                *(["outpatient"] if outpatient >= out_line else []),
            ],
        }
        risk = ctx.risk() if by_inpatient else ctx.risk("outpatient_risk")
        hits.append(Hit(row["archive_id"], row["member_id"], row["target_org"], risk, facts))
    return hits


def schooling_cost(ctx: RuleContext) -> list[Hit]:
    yearly = ctx.money("yearly", 10000)
    rows = (
        _archives(ctx)
        .filter(schooling_expense__gte=yearly)
        .values_list("pk", "org_id", "schooling_expense", "annual_income", "household_size")
    )
    return [
        Hit(
            pk,
            None,
            org_id,
            ctx.risk(),
            {
                "schooling_expense": money(expense),
                "line": money(yearly),
                "annual_income": money(income),
                "household_size": size,
            },
        )
        for pk, org_id, expense, income, size in rows
    ]


def disaster(ctx: RuleContext) -> list[Hit]:
    since = ctx.on - datetime.timedelta(days=ctx.days("days", 30))
    high_loss = ctx.money("high_loss", 10000)
    rows = _facts(ctx, DisasterEvent, "occurred_on", since).annotate(
        loss_total=Sum("loss"), kind_last=Max("kind")
    )
    hits = []
    for row in rows:
        loss = row["loss_total"] or Decimal(0)
        facts = {
            "events": row["records"],
            "loss": money(loss),
            "high_loss": money(high_loss),
            "latest": row["latest"].isoformat(),
            "kind": DisasterKind(row["kind_last"]).label if row["kind_last"] else "",
            "window": _window(since, ctx.on),
        }
        risk = RiskLevel.HIGH if loss >= high_loss else ctx.risk()
        hits.append(Hit(row["archive_id"], row["member_id"], row["target_org"], risk, facts))
    return hits


def job_loss(ctx: RuleContext) -> list[Hit]:
    since = ctx.on - datetime.timedelta(days=ctx.days("days", 60))
    rows = _facts(ctx, JobLossReport, "lost_on", since)
    return [
        Hit(
            row["archive_id"],
            row["member_id"],
            row["target_org"],
            ctx.risk(),
            {
                "reports": row["records"],
                "latest": row["latest"].isoformat(),
                **_window_of(since, ctx),
            },
        )
        for row in rows
    ]


def _window_of(since, ctx) -> dict:
    return {"window": _window(since, ctx.on)}


def review_overdue(ctx: RuleContext) -> list[Hit]:
    medium_after = ctx.days("medium_after_days", 90)
    rows = (
        _archives(ctx)
        .filter(status=ArchiveStatus.ARCHIVED, next_review_due__lt=ctx.on)
        .values_list("pk", "org_id", "next_review_due", "last_review_on")
    )
    hits = []
    for pk, org_id, due, last in rows:
        overdue_days = (ctx.on - due).days
        facts = {
            "next_review_due": due.isoformat(),
            "last_review_on": last.isoformat() if last else None,
            "overdue_days": overdue_days,
        }
        risk = RiskLevel.MEDIUM if overdue_days > medium_after else ctx.risk(default=RiskLevel.LOW)
        hits.append(Hit(pk, None, org_id, risk, facts))
    return hits


def exited_adverse(ctx: RuleContext) -> list[Hit]:
    def since_exit(model, date_field):
        return Exists(
            model.objects.filter(
                archive=OuterRef("pk"),
                **{f"{date_field}__gte": OuterRef("exited_on"), f"{date_field}__lte": ctx.on},
            )
        )

    rows = (
        _archives(ctx)
        .filter(status__in=EXITED_STATUSES, exited_on__isnull=False)
        .filter(Q(watch_until__isnull=True) | Q(watch_until__gte=ctx.on))
        .annotate(
            has_medical=since_exit(MedicalExpense, "occurred_on"),
            has_disaster=since_exit(DisasterEvent, "occurred_on"),
            has_job_loss=since_exit(JobLossReport, "lost_on"),
        )
        .filter(Q(has_medical=True) | Q(has_disaster=True) | Q(has_job_loss=True))
        .values_list(
            "pk",
            "org_id",
            "exited_on",
            "watch_until",
            "has_medical",
            "has_disaster",
            "has_job_loss",
        )
    )
    hits = []
    for pk, org_id, exited_on, watch_until, medical, disaster_, job in rows:
        facts = {
            "exited_on": exited_on.isoformat(),
            "watch_until": watch_until.isoformat() if watch_until else None,
            "adverse": [
                *(["medical"] if medical else []),
                *(["disaster"] if disaster_ else []),
                *(["job_loss"] if job else []),
            ],
        }
        hits.append(Hit(pk, None, org_id, ctx.risk(default=RiskLevel.HIGH), facts))
    return hits


RULES: dict[str, Callable[[RuleContext], list[Hit]]] = {
    RuleCode.INCOME_NEAR_LINE: income_near_line,
    RuleCode.MEDICAL_COST: medical_cost,
    RuleCode.SCHOOLING_COST: schooling_cost,
    RuleCode.DISASTER: disaster,
    RuleCode.JOB_LOSS: job_loss,
    RuleCode.REVIEW_OVERDUE: review_overdue,
    RuleCode.EXITED_ADVERSE: exited_adverse,
}

FACT_LABELS = {
    "annual_income": "家庭年可支配收入(元)",
    "essential_expenditure": "年刚性支出(元)",
    "household_size": "家庭人口",
    "per_capita_monthly_net": "人均月净收入(元)",
    "standard": "低保标准(元/人·月)",
    "multiplier": "临界倍数",
    "line": "预警线(元)",
    "archive_status": "档案状态",
    "inpatient_self_paid": "住院自付合计(元)",
    "inpatient_line": "住院自付阈值(元)",
    "inpatient_window": "住院统计区间",
    "outpatient_self_paid": "门诊自付合计(元)",
    "outpatient_line": "门诊自付阈值(元)",
    "outpatient_window": "门诊统计区间",
    "exited_household": "已脱困家庭",
    "records": "记录数",
    "latest": "最近日期",
    "fired_by": "触发项",
    "schooling_expense": "年教育支出(元)",
    "events": "事件数",
    "loss": "损失合计(元)",
    "high_loss": "高风险损失线(元)",
    "kind": "类型",
    "window": "统计区间",
    "reports": "报告数",
    "next_review_due": "复核截止日期",
    "last_review_on": "最近复核日期",
    "overdue_days": "逾期天数",
    "exited_on": "脱困日期",
    "watch_until": "监测截止",
    "adverse": "脱困后新情况",
}
FACT_VALUE_LABELS = {
    "inpatient": "住院",
    "outpatient": "门诊",
    "medical": "医疗支出",
    "disaster": "灾害或意外事故",
    "job_loss": "失业",
    True: "是",
    False: "否",
}


def facts_display(facts: dict) -> list[tuple[str, str]]:
    """(label, text) pairs for a facts snapshot, in its stored order."""
    rows = []
    for key, value in facts.items():
        if key == "archive_status" and value in ArchiveStatus.values:
            text = ArchiveStatus(value).label
        elif isinstance(value, dict) and {"from", "to"} <= set(value):
            text = f"{value['from']} 至 {value['to']}"
        elif isinstance(value, list):
            text = "、".join(str(FACT_VALUE_LABELS.get(v, v)) for v in value) or "—"
        elif isinstance(value, bool):
            text = FACT_VALUE_LABELS[value]
        elif value is None:
            text = "—"
        else:
            text = str(value)
        rows.append((FACT_LABELS.get(key, key), text))
    return rows

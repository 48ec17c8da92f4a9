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

from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import (
    Alert,
    AssistanceThresholds,
    DisasterEvent,
    EmploymentReport,
    HardshipArchive,
    HouseholdMember,
    JobLossReport,
    MedicalExpense,
    MonitoringRule,
    SchoolingExpense,
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


def _percent(share: Decimal) -> str:
    """0.2 → "20%", 0.0512 → "5.1%" (one decimal at most)."""
    value = (Decimal(share) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}%"


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


def _known_not_helped(ctx: RuleContext) -> QuerySet:
    """The county's households the system knows but does not help: exited (or watched) ones,
    and applications found not eligible (未予建档) — the latest per person, and only while the
    person holds no live archive (as worker or household member), which the other rules watch.
    Without an open alert for the rule or a recently closed one."""
    later = HardshipArchive.objects.filter(id_number_hash=OuterRef("id_number_hash")).filter(
        ~Q(status=ArchiveStatus.REJECTED) | Q(pk__gt=OuterRef("pk"))
    )
    in_household = HouseholdMember.objects.filter(
        id_number_hash=OuterRef("id_number_hash"), archive__status__in=_live_statuses()
    )
    rejected = Q(status=ArchiveStatus.REJECTED) & ~Exists(later) & ~Exists(in_household)
    return (
        HardshipArchive.objects.filter(org__in=ctx.county_orgs())
        .filter(Q(status__in=EXITED_STATUSES) | rejected)
        .filter(~_open_alert(ctx, "archive", "pk"), ~_recently_closed(ctx, "archive", "pk"))
    )


def income_near_line(ctx: RuleContext) -> list[Hit]:
    """A household outside help whose per-capita monthly net income is at or above the entry
    line (relative_multiplier × 低保: 相对困难 is *below* it) and at most `near_line_margin`
    above it. Compared exactly, in yuan a year for the household (no rounding)."""
    if ctx.standard is None:
        return []  # no 低保 standard in force: nothing to compare with (shown on the run)
    entry_line = ctx.standard * ctx.thresholds.relative_multiplier
    margin = ctx.thresholds.near_line_margin
    upper_line = entry_line * (1 + margin)
    net = ExpressionWrapper(
        F("annual_income")
        - F("medical_expense")
        - F("schooling_expense")
        - F("disability_expense"),
        output_field=MONEY_FIELD,
    )

    def yearly(line: Decimal):
        return F("household_size") * Value(line * 12, output_field=MONEY_FIELD)

    rows = (
        _known_not_helped(ctx)
        .alias(net=net)
        .filter(net__gte=yearly(entry_line), net__lte=yearly(upper_line))
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
        per_capita = (income - medical - schooling - disability) / 12 / size
        facts = {
            "annual_income": money(income),
            "essential_expenditure": money(medical + schooling + disability),
            "household_size": size,
            "per_capita_monthly_net": money(per_capita),
            "standard": money(ctx.standard),
            "relative_multiplier": f"{ctx.thresholds.relative_multiplier.normalize():f}",
            "entry_line": money(entry_line),
            "margin": _percent(margin),
            "upper_line": money(upper_line),
            "above_entry_line": _percent(per_capita / entry_line - 1),
            "archive_status": status,
        }
        hits.append(Hit(pk, None, org_id, ctx.risk(), facts))
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
    """Recorded schooling costs (facts, for any member or household) summing to `yearly` in
    the window; and households whose archive records yearly schooling costs of `yearly`. A
    household reached both ways gets one alert naming both figures."""
    yearly = ctx.money("yearly", 10000)
    since = ctx.on - datetime.timedelta(days=ctx.days("days", 365))
    # Few targets reach the line: find them from the costs alone before the joins (amounts are
    # positive, so leaving handled facts out below only lowers a sum, as for medical costs).
    in_window = SchoolingExpense.objects.filter(paid_on__gt=since, paid_on__lte=ctx.on)

    def could_fire_for(target: str) -> QuerySet:
        return (
            in_window.filter(**{f"{target}__isnull": False})
            .values(target)
            .annotate(total=Sum("amount"))
            .filter(total__gte=yearly)
            .values(target)
        )

    recorded = (
        _facts(
            ctx,
            SchoolingExpense,
            "paid_on",
            since,
            only=Q(archive_id__in=could_fire_for("archive_id"))
            | Q(member_id__in=could_fire_for("member_id")),
        )
        .annotate(total=Sum("amount"))
        .filter(total__gte=yearly)
    )
    hits: dict[tuple, Hit] = {}
    for row in recorded:
        facts = {
            "schooling_expense": money(row["total"]),
            "line": money(yearly),
            "counted_from": "records",
            "window": _window(since, ctx.on),
            "records": row["records"],
            "latest": row["latest"].isoformat(),
        }
        key = (row["archive_id"], row["member_id"])
        hits[key] = Hit(row["archive_id"], row["member_id"], row["target_org"], ctx.risk(), facts)
    on_archive = (
        _archives(ctx)
        .filter(schooling_expense__gte=yearly)
        .values_list("pk", "org_id", "schooling_expense", "annual_income", "household_size")
    )
    for pk, org_id, expense, income, size in on_archive:
        figures = {
            "archive_schooling_expense": money(expense),
            "annual_income": money(income),
            "household_size": size,
        }
        hit = hits.get((pk, None))
        if hit is not None:
            hit.facts.update(figures)
            continue
        facts = {
            "schooling_expense": money(expense),
            "line": money(yearly),
            "counted_from": "archive",
            **figures,
        }
        hits[(pk, None)] = Hit(pk, None, org_id, ctx.risk(), facts)
    return list(hits.values())


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
    # A job loss followed by a job found (up to the run's day) is over.
    found_later = EmploymentReport.objects.filter(
        archive=OuterRef("archive"), found_on__gte=OuterRef("lost_on"), found_on__lte=ctx.on
    )
    rows = _facts(
        ctx, JobLossReport, "lost_on", since, only=Q(archive__isnull=True) | ~Exists(found_later)
    )
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
    "relative_multiplier": "相对困难线倍数",
    "entry_line": "建档线(相对困难线，元/人·月)",
    "margin": "收入临界幅度",
    "upper_line": "临界上限(元/人·月)",
    "above_entry_line": "高出建档线",
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
    "counted_from": "计算依据",
    "archive_schooling_expense": "档案登记的年教育支出(元)",
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
# Stored string values shown as words, by fact key.
FACT_CHOICE_LABELS = {
    "archive_status": dict(ArchiveStatus.choices),
    "counted_from": {
        "records": "登记或导入的教育支出记录",
        "archive": "困难职工档案中的年教育支出",
    },
}
FACT_VALUE_LABELS = {
    "inpatient": "住院",
    "outpatient": "门诊",
    "medical": "医疗支出",
    "disaster": "灾害或意外事故",
    "job_loss": "失业",
    "schooling": "教育支出",
    True: "是",
    False: "否",
}


def facts_display(facts: dict) -> list[tuple[str, str]]:
    """(label, text) pairs for a facts snapshot, in its stored order."""
    rows = []
    for key, value in facts.items():
        if key in FACT_CHOICE_LABELS and value in FACT_CHOICE_LABELS[key]:
            text = FACT_CHOICE_LABELS[key][value]
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
        rows.append((FACT_LABELS.get(key, "其他"), text))
    return rows

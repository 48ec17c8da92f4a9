"""Reads of alerts, rules, runs and facts, always through the user's scope (module `assistance`).

`alert_stats(user, *, year)` is the figure set the statistics page uses:
    {"year", "opened", "closed", "closed_on_time", "closed_late", "open", "overdue",
     "on_time_rate" (0–100, one decimal, None when nothing closed),
     "by_rule": [{"code", "name", "opened", "closed_on_time", "closed_late", "open", "overdue"}],
     "by_risk": [{"risk", "name", "opened", "overdue"}]}
"opened" counts alerts opened in the year; the closed/on-time figures count those of them
closed (on time: closed on or before the deadline); "open"/"overdue" are alerts opened that
year still open now, overdue when past the deadline today.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404

from gonghui.assistance.models import (
    Alert,
    DisasterEvent,
    JobLossReport,
    MedicalExpense,
    MonitoringRule,
    MonitoringRun,
    RuleSetting,
    SchoolingExpense,
)
from gonghui.assistance.monitoring.definitions import AlertStatus, RiskLevel, RuleCode
from gonghui.assistance.monitoring.rules import facts_display
from gonghui.assistance.standards.selectors import today
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.core.workdays import working_days_after
from gonghui.orgs.models import Org

MODULE = "assistance"


def alert_scoped(user, action: str = Action.VIEW) -> QuerySet[Alert]:
    return scope_queryset(Alert.objects.all(), user, MODULE, action)


def _within(alerts: QuerySet, org: Org) -> QuerySet:
    if org.anchor_id == org.pk:
        return alerts.filter(org_anchor=org.pk)
    return alerts.filter(org__in=Org.objects.filter(path__startswith=org.path).values("id"))


def alert_list(
    user,
    *,
    rule: str = "",
    risk: str = "",
    status: str = "",
    org: Org | None = None,
    overdue: bool | str = False,
    mine: bool | str = False,
    on: datetime.date | None = None,
) -> QuerySet[Alert]:
    """Alerts the user may see, filtered; newest first."""
    alerts = alert_scoped(user).select_related("org", "rule", "archive", "member", "assigned_to")
    if org is not None:
        alerts = _within(alerts, org)
    if rule in RuleCode.values:
        alerts = alerts.filter(rule_code=rule)
    if risk in RiskLevel.values:
        alerts = alerts.filter(risk=risk)
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    if overdue in (True, "1", "on", "true"):
        alerts = alerts.filter(status=AlertStatus.OPEN, deadline__lt=on or today())
    elif overdue == DUE_SOON:
        alerts = alerts_due_soon(alerts, on=on)
    if mine in (True, "1", "on", "true"):
        alerts = alerts.filter(assigned_to=user)
    return alerts.order_by("-id")


DUE_SOON = "soon"
DUE_SOON_WORKING_DAYS = 3


def alerts_due_soon(alerts: QuerySet[Alert], *, on: datetime.date | None = None) -> QuerySet:
    """Open alerts not yet overdue whose deadline is within 3 working days."""
    day = on or today()
    return alerts.filter(
        status=AlertStatus.OPEN,
        deadline__gte=day,
        deadline__lte=working_days_after(day, DUE_SOON_WORKING_DAYS),
    )


def alerts_overdue(user, *, on: datetime.date | None = None) -> QuerySet[Alert]:
    """Open alerts past their deadline, the longest overdue first."""
    return alert_list(user, overdue=True, on=on).order_by("deadline", "id")


def alert_get(user, pk, action: str = Action.VIEW) -> Alert:
    return get_in_scope_or_404(
        Alert.objects.select_related(
            "org", "rule", "archive", "member", "assigned_to", "closed_by", "run"
        ),
        user,
        MODULE,
        action,
        pk=pk,
    )


@dataclass
class AlertDetail:
    alert: Alert
    facts: list[tuple[str, str]]
    records: list  # the target's fact records around the alert (medical, disaster, job, school)


def alert_detail(user, pk) -> AlertDetail:
    alert = alert_get(user, pk)
    target = (
        {"archive_id": alert.archive_id} if alert.archive_id else {"member_id": alert.member_id}
    )
    since = alert.opened_on - datetime.timedelta(days=400)
    records: list = []
    if alert.rule_code in (RuleCode.MEDICAL_COST, RuleCode.EXITED_ADVERSE):
        records += list(
            MedicalExpense.objects.filter(**target, occurred_on__gte=since).order_by(
                "-occurred_on"
            )[:20]
        )
    if alert.rule_code in (RuleCode.DISASTER, RuleCode.EXITED_ADVERSE):
        records += list(
            DisasterEvent.objects.filter(**target, occurred_on__gte=since).order_by("-occurred_on")[
                :20
            ]
        )
    if alert.rule_code in (RuleCode.JOB_LOSS, RuleCode.EXITED_ADVERSE):
        records += list(
            JobLossReport.objects.filter(**target, lost_on__gte=since).order_by("-lost_on")[:20]
        )
    if alert.rule_code == RuleCode.SCHOOLING_COST:
        records += list(
            SchoolingExpense.objects.filter(**target, paid_on__gte=since).order_by("-paid_on")[:20]
        )
    shown = {k: v for k, v in alert.facts.items() if k != "parameters"}
    return AlertDetail(alert=alert, facts=facts_display(shown), records=records)


# --- the alert map by org ------------------------------------------------------------------------


@dataclass
class OrgAlertCount:
    org: Org
    open: int
    overdue: int
    high: int


def alert_map(user, *, on: datetime.date | None = None) -> list[OrgAlertCount]:
    """Open / overdue / high-risk open alerts per org, rolled up to the top orgs of the user's
    scope and the level below them (townships under a county), largest first."""
    on = on or today()
    open_alerts = alert_scoped(user).filter(status=AlertStatus.OPEN)
    rows = open_alerts.values("org_id").annotate(
        n=Count("id"),
        late=Count("id", filter=Q(deadline__lt=on)),
        high=Count("id", filter=Q(risk=RiskLevel.HIGH)),
    )
    per_org = {r["org_id"]: r for r in rows}
    if not per_org:
        return []
    paths = dict(Org.objects.filter(pk__in=per_org).values_list("pk", "path"))
    roots = scope_queryset(Org.objects.all(), user, MODULE, Action.VIEW, org_field="")
    # Buckets: each org at the second level of the user's visible tree (or the root itself).
    top_depth = min(roots.values_list("depth", flat=True), default=0)
    buckets = {
        o.path: o for o in roots.filter(depth__in=(top_depth, top_depth + 1)).order_by("path")
    }
    totals: dict[str, list[int]] = {}
    for org_id, row in per_org.items():
        path = paths.get(org_id, "")
        best = max((p for p in buckets if path.startswith(p)), key=len, default=None)
        if best is None:
            continue
        t = totals.setdefault(best, [0, 0, 0])
        t[0] += row["n"]
        t[1] += row["late"]
        t[2] += row["high"]
    result = [OrgAlertCount(buckets[p], *t) for p, t in totals.items()]
    return sorted(result, key=lambda r: (-r.open, r.org.path))


# --- statistics ------------------------------------------------------------------------------------


def alert_stats(user, *, year: int, on: datetime.date | None = None) -> dict:
    on = on or today()
    alerts = alert_scoped(user).filter(opened_on__year=year)
    closed_on_time = Q(status=AlertStatus.CLOSED, closed_day__lte=F("deadline"))
    closed_late = Q(status=AlertStatus.CLOSED, closed_day__gt=F("deadline"))
    overdue = Q(status=AlertStatus.OPEN, deadline__lt=on)
    figures = dict(
        opened=Count("id"),
        closed=Count("id", filter=Q(status=AlertStatus.CLOSED)),
        closed_on_time=Count("id", filter=closed_on_time),
        closed_late=Count("id", filter=closed_late),
        open=Count("id", filter=Q(status=AlertStatus.OPEN)),
        overdue=Count("id", filter=overdue),
    )
    annotated = alerts.annotate(closed_day=TruncDate("closed_at"))
    totals = annotated.aggregate(**figures)
    by_rule = {
        r["rule_code"]: r for r in annotated.values("rule_code").annotate(**figures).order_by()
    }
    by_risk = {
        r["risk"]: r
        for r in alerts.values("risk")
        .annotate(opened=Count("id"), overdue=Count("id", filter=overdue))
        .order_by()
    }
    names = dict(MonitoringRule.objects.filter(is_current=True).values_list("code", "name"))
    closed = totals["closed"]
    return {
        "year": year,
        **totals,
        "on_time_rate": round(100 * totals["closed_on_time"] / closed, 1) if closed else None,
        "by_rule": [
            {
                "code": code,
                "name": names.get(code, RuleCode(code).label),
                **{k: by_rule.get(code, {}).get(k, 0) for k in figures},
            }
            for code in RuleCode.values
        ],
        "by_risk": [
            {
                "risk": risk,
                "name": RiskLevel(risk).label,
                "opened": by_risk.get(risk, {}).get("opened", 0),
                "overdue": by_risk.get(risk, {}).get("overdue", 0),
            }
            for risk in (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)
        ],
    }


# --- rules and runs -----------------------------------------------------------------------------------


@dataclass
class RuleRow:
    current: MonitoringRule
    history: list[MonitoringRule]
    settings: dict[int, list[RuleSetting]]  # county id → settings, newest first


def rules_overview(counties: list[Org]) -> list[RuleRow]:
    """Rules are installation-wide and not personal data: anyone with the module sees them."""
    from gonghui.assistance.monitoring.services import rules_ensure

    if not MonitoringRule.objects.exists():
        rules_ensure()
    versions: dict[str, list[MonitoringRule]] = {}
    for rule in MonitoringRule.objects.select_related("created_by").order_by("code", "-version"):
        versions.setdefault(rule.code, []).append(rule)
    settings: dict[str, dict[int, list[RuleSetting]]] = {}
    for s in (
        RuleSetting.objects.filter(org__in=counties)
        .select_related("set_by")
        .order_by("-effective_from", "-id")
    ):
        settings.setdefault(s.rule_code, {}).setdefault(s.org_id, []).append(s)
    order = {code: i for i, code in enumerate(RuleCode.values)}
    return [
        RuleRow(
            current=next((r for r in history if r.is_current), history[0]),
            history=history,
            settings=settings.get(code, {}),
        )
        for code, history in sorted(versions.items(), key=lambda kv: order.get(kv[0], 99))
    ]


def runs_recent(user, *, limit: int = 10) -> list[MonitoringRun]:
    """Recent runs of the counties the user can see (and installation-wide runs)."""
    from gonghui.assistance.standards.selectors import counties_for

    counties = [c.pk for c in counties_for(user)]
    return list(
        MonitoringRun.objects.filter(Q(county__in=counties) | Q(county__isnull=True))
        .select_related("by", "county")
        .order_by("-id")[:limit]
    )


def run_get(user, pk) -> MonitoringRun:
    from gonghui.assistance.standards.selectors import counties_for

    counties = [c.pk for c in counties_for(user)]
    run = (
        MonitoringRun.objects.filter(Q(county__in=counties) | Q(county__isnull=True), pk=pk)
        .select_related("by", "county")
        .first()
    )
    if run is None or not counties:
        raise Http404
    return run

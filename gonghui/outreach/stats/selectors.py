"""Outreach statistics by org and period, read from the metric registry (so every figure
here is the registered measure's) plus two breakdowns (people served per service, the
registrations by channel)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count as CountAggregate
from django.db.models import Sum
from django.utils import timezone

from gonghui.core.metrics import Period, evaluate
from gonghui.core.modules import Action
from gonghui.core.reports import report_order
from gonghui.core.scope import scope_queryset, scope_roots
from gonghui.orgs.models import Org, OrgStatus
from gonghui.outreach.caravans.models import ServiceKind, StopOffer, StopStatus

MODULE = "outreach"
# The report's columns: (measure code, short header).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("outreach.stops.held", "服务站次"),
    ("outreach.people_served", "服务人次"),
    ("outreach.registrations.total", "登记人数"),
    ("outreach.registrations.followed", "跟踪对象"),
    ("outreach.registrations.trained", "参加培训"),
    ("outreach.registrations.employed_30d", "30天内就业"),
    ("outreach.registrations.employed_90d", "90天内就业"),
    ("outreach.activities.held", "活动场次"),
    ("outreach.activities.attendance", "活动人次"),
    ("outreach.entries", "征集作品"),
    ("outreach.volunteer_hours", "志愿服务时长(小时)"),
)
FUNNEL = (
    ("outreach.registrations.followed", "登记(跟踪对象)"),
    ("outreach.registrations.trained", "参加培训"),
    ("outreach.registrations.employed_30d", "30 天内就业"),
    ("outreach.registrations.employed_90d", "90 天内就业"),
)


@dataclass
class Row:
    org_id: int
    name: str
    code: str = ""
    own_only: bool = False
    values: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(self.values.values())

    def cells(self) -> list:
        return [self.values.get(code, 0) for code, _ in COLUMNS]


@dataclass
class OutreachStats:
    period: Period
    rows: list[Row]
    total: Row
    served: list[tuple[str, int]]  # (service label, people served)
    funnel: list[tuple[str, int]]


def period_of(year: int | None, start: datetime.date | None, end: datetime.date | None) -> Period:
    if start or end:
        today = datetime.date.today()
        return Period(start or datetime.date(today.year, 1, 1), end or today)
    return Period.year(year or datetime.date.today().year)


def outreach_stats(user, *, period: Period) -> OutreachStats:
    """One query per measure for the scope roots and their direct children, folded into
    rows: each child (its subtree), the root's own records, and the total."""
    roots = scope_roots(user, MODULE, Action.VIEW)
    root_orgs = list(Org.objects.filter(pk__in=[r.org_id for r in roots]).order_by("code"))
    children = list(
        Org.objects.filter(parent__in=root_orgs, status=OrgStatus.ACTIVE).order_by("code")
    )
    orgs = root_orgs + children
    figures = {code: evaluate(code, orgs=orgs, period=period) for code, _ in COLUMNS}

    def value(code, pk):
        return figures[code][pk].value or 0

    rows = []
    for child in children:
        rows.append(
            Row(
                child.pk, child.name, child.code, values={c: value(c, child.pk) for c, _ in COLUMNS}
            )
        )
    total = Row(0, "合计")
    for root in root_orgs:
        own = Row(root.pk, f"{root.name}(直属)", root.code, own_only=True)
        kids = [c for c in children if c.parent_id == root.pk]
        for code, _ in COLUMNS:
            whole = value(code, root.pk)
            own.values[code] = whole - sum(value(code, c.pk) for c in kids)
            total.values[code] = total.values.get(code, 0) + whole
        rows.append(own)
    served = _served_by_service(user, period)
    funnel = [(label, total.values.get(code, 0)) for code, label in FUNNEL]
    return OutreachStats(
        period=period,
        rows=report_order(rows, is_empty=lambda r: r.is_empty),
        total=total,
        served=served,
        funnel=funnel,
    )


def _starts_within(period: Period) -> dict:
    """The stop's start in the period, read in Asia/Shanghai (as the metric registry does)."""
    zone = timezone.get_default_timezone()
    bounds = {
        "stop__starts_at__lt": datetime.datetime.combine(
            period.end + datetime.timedelta(days=1), datetime.time(), zone
        )
    }
    if period.start is not None:
        bounds["stop__starts_at__gte"] = datetime.datetime.combine(
            period.start, datetime.time(), zone
        )
    return bounds


def _served_by_service(user, period: Period) -> list[tuple[str, int]]:
    rows = (
        scope_queryset(StopOffer.objects.all(), user, MODULE, Action.VIEW, org_field="stop__org")
        .filter(stop__status=StopStatus.DONE, served__isnull=False, **_starts_within(period))
        .values("service")
        .annotate(people=Sum("served"), offers=CountAggregate("id"))
        .order_by("-people")
    )
    labels = dict(ServiceKind.choices)
    return [(labels.get(r["service"], r["service"]), r["people"] or 0) for r in rows]

"""Statistics of the service sites in a user's scope: sites by kind, status and township,
feedback handled, usage (check-ins) by site and month over the last 12 months."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.sites.models import (
    CheckIn,
    FeedbackStatus,
    SiteKind,
    SiteStatus,
)
from gonghui.sites.selectors import feedback_scoped, site_scoped

MONTHS = 12
# Target for handling a report: closed within this many days of its submission.
FEEDBACK_CLOSE_TARGET_DAYS = 7
NO_TOWNSHIP = "未填写乡镇"


def months_back(today: datetime.date, n: int = MONTHS) -> list[datetime.date]:
    """The first days of the last n months, oldest first, ending with today's month."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(n):
        firsts.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return firsts[::-1]


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


@dataclass
class SiteUsage:
    site_id: int
    name: str
    code: str
    kind: str
    status: str
    township: str
    org: str
    monthly: list[int]
    feedback: int = 0
    answered: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return sum(self.monthly)


@dataclass
class SiteStats:
    months: list[datetime.date]
    total_sites: int
    by_kind: list[tuple[str, str, dict[str, int]]]  # (code, label, {status: n})
    by_status: list[tuple[str, str, int]]
    by_township: list[tuple[str, dict[str, int]]]
    usage: list[SiteUsage]
    usage_by_month: list[int]
    feedback_by_month: list[dict[str, int]]  # {"opened", "answered", "closed"} per month
    feedback_totals: dict[str, int] = field(default_factory=dict)

    @property
    def usage_total(self) -> int:
        return sum(self.usage_by_month)

    @property
    def on_time_share(self) -> float | None:
        closed = self.feedback_totals.get("closed", 0)
        return self.feedback_totals.get("closed_on_time", 0) / closed if closed else None


def _status_counts(rows) -> dict[str, int]:
    counts = dict.fromkeys(SiteStatus.values, 0)
    counts.update(rows)
    counts["total"] = sum(counts[s] for s in SiteStatus.values)
    return counts


def site_stats(user, action: str = Action.VIEW, *, today: datetime.date | None = None) -> SiteStats:
    """Counts over the sites (and their feedback and check-ins) in the user's scope for action."""
    today = today or timezone.localdate()
    months = months_back(today)
    since = months[0]
    month_index = {m: i for i, m in enumerate(months)}
    sites = site_scoped(user, action)

    grouped = sites.values("kind", "status", "township__name").annotate(n=Count("id"))
    kinds: dict[str, Counter] = defaultdict(Counter)
    townships: dict[str, Counter] = defaultdict(Counter)
    statuses: Counter = Counter()
    for row in grouped:
        kinds[row["kind"]][row["status"]] += row["n"]
        townships[row["township__name"] or NO_TOWNSHIP][row["status"]] += row["n"]
        statuses[row["status"]] += row["n"]
    by_kind = [(code, label, _status_counts(kinds[code])) for code, label in SiteKind.choices]
    by_status = [(code, label, statuses[code]) for code, label in SiteStatus.choices]
    by_township = sorted(
        ((name, _status_counts(c)) for name, c in townships.items()),
        key=lambda item: (item[0] == NO_TOWNSHIP, -item[1]["total"], item[0]),
    )

    usage = {
        s["id"]: SiteUsage(
            site_id=s["id"],
            name=s["name"],
            code=s["site_code"],
            kind=SiteKind(s["kind"]).label,
            status=SiteStatus(s["status"]).label,
            township=s["township__name"] or "",
            org=s["org__name"],
            monthly=[0] * len(months),
        )
        for s in sites.values(
            "id", "name", "site_code", "kind", "status", "township__name", "org__name"
        ).order_by("site_code")
    }
    checkins = (
        CheckIn.objects.filter(site__in=sites.values("pk"), day__gte=since, day__lte=today)
        .annotate(month=TruncMonth("day"))
        .values("site_id", "month")
        .annotate(total=Sum("count"))
    )
    usage_by_month = [0] * len(months)
    for row in checkins:
        index = month_index.get(_month(row["month"]))
        if index is None or row["site_id"] not in usage:
            continue
        usage[row["site_id"]].monthly[index] += row["total"]
        usage_by_month[index] += row["total"]

    feedback_by_month = [{"opened": 0, "answered": 0, "closed": 0} for _ in months]
    totals = Counter()
    reports = feedback_scoped(user, action).filter(site__in=sites.values("pk"))
    for site_id, status, created, answered, closed in reports.values_list(
        "site_id", "status", "created_at", "answered_at", "closed_at"
    ):
        # Totals and per-site counts cover all time; the monthly series the last 12 months.
        totals["opened"] += 1
        entry = usage.get(site_id)
        if entry is not None:
            entry.feedback += 1
        if answered is not None:
            totals["answered"] += 1
            if entry is not None:
                entry.answered += 1
        if status == FeedbackStatus.CLOSED and closed is not None:
            totals["closed"] += 1
            if entry is not None:
                entry.closed += 1
            if closed - created <= datetime.timedelta(days=FEEDBACK_CLOSE_TARGET_DAYS):
                totals["closed_on_time"] += 1
        else:
            totals["pending" if status == FeedbackStatus.OPEN else "in_progress"] += 1
        for key, moment in (("opened", created), ("answered", answered), ("closed", closed)):
            if moment is None:
                continue
            index = month_index.get(_month(moment))
            if index is not None:
                feedback_by_month[index][key] += 1

    return SiteStats(
        months=months,
        total_sites=sum(statuses.values()),
        by_kind=by_kind,
        by_status=by_status,
        by_township=by_township,
        usage=sorted(usage.values(), key=lambda u: (-u.total, u.code)),
        usage_by_month=usage_by_month,
        feedback_by_month=feedback_by_month,
        feedback_totals=dict(totals),
    )


def month_label(month: datetime.date) -> str:
    return f"{month.year}-{month.month:02d}"


def export_rows(stats: SiteStats) -> tuple[list[str], list[list]]:
    """One row per site: what it is, its feedback and its monthly check-ins (no personal data)."""
    headers = [
        "站点名称",
        "站点编码",
        "类型",
        "状态",
        "所在乡镇",
        "管理单位",
        "反馈(累计)",
        "已答复",
        "已关闭",
        *[f"{month_label(m)}打卡" for m in stats.months],
        "近12个月打卡合计",
    ]
    rows = [
        [
            u.name,
            u.code,
            u.kind,
            u.status,
            u.township,
            u.org,
            u.feedback,
            u.answered,
            u.closed,
            *u.monthly,
            u.total,
        ]
        for u in stats.usage
    ]
    return headers, rows

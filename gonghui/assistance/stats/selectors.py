"""Statistics of hardship archives (issue 4 "Statistics"), over the user's scope.

Measures (DESIGN §4; 帮扶中 = the open statuses, applied … archived, see choices.OPEN_STATUSES):
- households 帮扶中 by category (深度困难 / 相对困难 / 意外致困), by main cause (and by any cause,
  main or secondary), by org, and split 城镇职工 / 农民工 (`is_migrant_worker`);
- for a year Y:
  - 增量: archives first filed (建档, the first FILE step) in Y;
  - 存量: archives first filed before Y and not exited before 1 January Y (an exited
    household that relapsed has its exit cleared, so it counts again);
  - 返困: archives with a relapse step dated in Y.
- alerts (opened / closed on time / overdue) and aid paid by programme and org come from the
  monitoring and programmes selectors when those exist (`alert_stats`, `aid_paid_stats`).

Set-based: one grouped query per measure over the scoped archives; the groups are folded
into rows for the direct children of each scope root by their materialised path (as
members/stats.py does). No query per org or per archive.
"""

import datetime
from dataclasses import dataclass, field
from importlib import import_module

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from gonghui.assistance.choices import (
    OPEN_STATUSES,
    ArchiveStatus,
    HardshipCategory,
    HardshipCause,
    StepAction,
)
from gonghui.assistance.models import ArchiveStep, HardshipArchive
from gonghui.core.modules import Action
from gonghui.core.reports import report_order
from gonghui.core.scope import scope_queryset, scope_roots
from gonghui.orgs.models import Org

MODULE = "assistance"
CATEGORIES = (HardshipCategory.DEEP, HardshipCategory.RELATIVE, HardshipCategory.ACCIDENTAL)
COUNTED = ("live", *CATEGORIES, "urban", "migrant", "new", "existing", "relapsed")

# The yearly figures of the other parts of issue 4: (module, selector), each called as
# selector(user, year=year) and returning a dict (see _alert_tables / _aid_tables).
EXTERNAL_STATS = {
    "alerts": ("gonghui.assistance.monitoring.selectors", "alert_stats"),
    "aid": ("gonghui.assistance.programmes.selectors", "aid_paid_stats"),
}


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]


@dataclass
class OrgRow:
    """One org and the totals of its whole subtree."""

    org_id: int
    name: str
    own_only: bool = False  # the scope root itself: archives held directly there
    code: str = ""
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    causes: dict = field(default_factory=lambda: dict.fromkeys(HardshipCause.values, 0))

    @property
    def label(self) -> str:
        return f"{self.name}(本级)" if self.own_only else self.name

    @property
    def is_empty(self) -> bool:
        """No archives counted: the row adds nothing to the report."""
        return not any(self.counts.values())

    def add(self, other: "OrgRow") -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, value in other.causes.items():
            self.causes[key] += value


@dataclass
class ArchiveStats:
    year: int
    rows: list[OrgRow] = field(default_factory=list)
    total: OrgRow = field(default_factory=lambda: OrgRow(0, "合计"))
    by_category: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, n
    by_cause: list[tuple[str, str, int, int]] = field(default_factory=list)  # main, any
    groups: list[tuple[str, dict]] = field(default_factory=list)  # 城镇/农民工 × category
    flows: dict = field(default_factory=dict)  # new / existing / relapsed for the year
    external: dict = field(default_factory=dict)  # name → [Table] or None (not available)


def _row_key(path: str, roots) -> tuple[int, int] | None:
    for root in roots:
        if path.startswith(root.path):
            rest = path[len(root.path) :].strip("/")
            child = int(rest.split("/", 1)[0]) if rest else root.org_id
            return root.org_id, child
    return None


def _rows(roots) -> dict[tuple[int, int], OrgRow]:
    root_ids = [r.org_id for r in roots]
    orgs = {
        o.pk: o
        for o in Org.objects.filter(Q(pk__in=root_ids) | Q(parent_id__in=root_ids)).only(
            "id", "name", "parent_id", "code"
        )
    }
    rows: dict[tuple[int, int], OrgRow] = {}
    for root in roots:
        root_org = orgs[root.org_id]
        rows[(root.org_id, root.org_id)] = OrgRow(root.org_id, root_org.name, True, root_org.code)
        for child in (o for o in orgs.values() if o.parent_id == root.org_id):
            rows[(root.org_id, child.pk)] = OrgRow(child.pk, child.name, code=child.code)
    return rows


def _year_annotated(archives: QuerySet, year: int) -> QuerySet:
    first_filed = (
        ArchiveStep.objects.filter(archive=OuterRef("pk"), action=StepAction.FILE)
        .order_by("on", "id")
        .values("on")[:1]
    )
    relapsed = ArchiveStep.objects.filter(
        archive=OuterRef("pk"), action=StepAction.RELAPSE, on__year=year
    )
    return archives.annotate(
        first_filed_on=Subquery(first_filed), relapsed_in_year=Exists(relapsed)
    )


def _measures(year: int) -> dict:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    live = Q(status__in=OPEN_STATUSES)
    measures = {
        "live": Count("id", filter=live),
        "urban": Count("id", filter=live & Q(is_migrant_worker=False)),
        "migrant": Count("id", filter=live & Q(is_migrant_worker=True)),
        "new": Count("id", filter=Q(first_filed_on__gte=start, first_filed_on__lte=end)),
        "existing": Count(
            "id",
            filter=Q(first_filed_on__lt=start)
            & ~Q(status=ArchiveStatus.REJECTED)
            & (Q(exited_on__isnull=True) | Q(exited_on__gte=start)),
        ),
        "relapsed": Count("id", filter=Q(relapsed_in_year=True)),
    }
    for category in CATEGORIES:
        measures[category] = Count("id", filter=live & Q(category=category))
    return measures


def _any_cause(cause: str) -> Q:
    return (
        Q(main_cause=cause)
        | Q(secondary_cause_1=cause)
        | Q(secondary_cause_2=cause)
        | Q(secondary_cause_3=cause)
    )


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _alert_tables(data: dict) -> list[Table]:
    figures = ("opened", "closed_on_time", "closed_late", "open", "overdue")
    labels = ["预警数", "按期办结", "逾期办结", "未办结", "已逾期"]
    summary = Table(
        "预警发出与办结",
        [*labels, "按期办结率"],
        [[*(data.get(k, 0) for k in figures), _pct(data.get("on_time_rate"))]],
    )
    by_rule = Table(
        "按预警规则",
        ["预警规则", *labels],
        [
            [r.get("name", r.get("code", "")), *(r.get(k, 0) for k in figures)]
            for r in data.get("by_rule", [])
            if r.get("opened")
        ],
    )
    return [summary, by_rule]


def _aid_tables(data: dict) -> list[Table]:
    summary = Table(
        "帮扶资金发放",
        ["发放金额(元)", "发放笔数", "受助户数"],
        [[data.get("total", 0), data.get("count", 0), data.get("households", 0)]],
    )
    by_programme = Table(
        "按帮扶项目",
        ["帮扶项目", "类型", "项目所属组织", "发放金额(元)", "笔数"],
        [
            [r["name"], r["kind_display"], r["org_name"], r["amount"], r["count"]]
            for r in data.get("by_programme", [])
        ],
    )
    by_org = Table(
        "按受助家庭所属组织",
        ["组织", "发放金额(元)", "笔数"],
        [[r["org_name"], r["amount"], r["count"]] for r in data.get("by_org", [])],
    )
    return [summary, by_programme, by_org]


_TABLES = {"alerts": _alert_tables, "aid": _aid_tables}


def _external(user, year: int) -> dict[str, list[Table] | None]:
    """name → tables, or None where that part of the platform is not installed."""
    found: dict[str, list[Table] | None] = {}
    for name, (module_path, function) in EXTERNAL_STATS.items():
        try:
            selector = getattr(import_module(module_path), function)
        except (ImportError, AttributeError):
            found[name] = None
            continue
        found[name] = _TABLES[name](selector(user, year=year))
    return found


def archive_stats(user, *, year: int, action: str = Action.VIEW) -> ArchiveStats:
    """The statistics of the archives in the user's scope for (assistance, action)."""
    stats = ArchiveStats(year=year)
    roots = scope_roots(user, MODULE, action)
    if not roots:
        return stats
    archives = scope_queryset(HardshipArchive.objects.all(), user, MODULE, action)
    rows = _rows(roots)
    grouped = (
        _year_annotated(archives, year).values("org__path").annotate(**_measures(year)).order_by()
    )
    for group in grouped:
        key = _row_key(group["org__path"], roots)
        if key in rows:
            for name in COUNTED:
                rows[key].counts[name] += group[name]
    causes = (
        archives.filter(status__in=OPEN_STATUSES)
        .values("org__path", "main_cause")
        .annotate(n=Count("id"))
        .order_by()
    )
    for group in causes:
        key = _row_key(group["org__path"], roots)
        if key in rows and group["main_cause"] in rows[key].causes:
            rows[key].causes[group["main_cause"]] += group["n"]
    # Rows with figures first in org-code order, the empty ones last (core.reports).
    stats.rows = report_order(
        (
            row
            for row in rows.values()
            if not row.own_only or any(row.counts.values()) or len(roots) > 1
        ),
        is_empty=lambda row: row.is_empty,
    )
    for row in rows.values():
        stats.total.add(row)

    total = stats.total
    stats.by_category = [(c, HardshipCategory(c).label, total.counts[c]) for c in CATEGORIES]
    live = archives.filter(status__in=OPEN_STATUSES)
    any_cause = live.aggregate(
        **{c: Count("id", filter=_any_cause(c)) for c in HardshipCause.values}
    )
    stats.by_cause = [
        (c, HardshipCause(c).label, total.causes[c], any_cause[c]) for c in HardshipCause.values
    ]
    split = live.aggregate(
        **{
            f"{group}_{c}": Count("id", filter=Q(is_migrant_worker=migrant, category=c))
            for group, migrant in (("urban", False), ("migrant", True))
            for c in CATEGORIES
        }
    )
    stats.groups = [
        (
            label,
            {
                "total": total.counts[group],
                **{c: split[f"{group}_{c}"] for c in CATEGORIES},
            },
        )
        for group, label in (("urban", "城镇职工"), ("migrant", "农民工"))
    ]
    stats.flows = {name: total.counts[name] for name in ("new", "existing", "relapsed")}
    stats.external = _external(user, year)
    return stats


def stats_table(stats: ArchiveStats, *, with_causes: bool = True) -> tuple[list[str], list[list]]:
    """The standard report: one row per org (and the total). The .xlsx carries the main-cause
    columns too; the page shows causes in their own table (`with_causes=False`)."""
    year = stats.year
    headers = [
        "组织",
        "帮扶中(户)",
        *(HardshipCategory(c).label for c in CATEGORIES),
        "城镇职工",
        "农民工",
        f"{year}年增量",
        f"{year}年存量",
        f"{year}年返困",
        *(f"主要原因：{label}" for label in HardshipCause.labels),
    ]
    rows = [
        [
            row.label,
            row.counts["live"],
            *(row.counts[c] for c in CATEGORIES),
            row.counts["urban"],
            row.counts["migrant"],
            row.counts["new"],
            row.counts["existing"],
            row.counts["relapsed"],
            *(row.causes[c] for c in HardshipCause.values),
        ]
        for row in [*stats.rows, stats.total]
    ]
    if not with_causes:
        width = len(headers) - len(HardshipCause.values)
        return headers[:width], [row[:width] for row in rows]
    return headers, rows

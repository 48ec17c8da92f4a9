"""Reads of annual returns, scoped; the rows of a return with each item's source."""

from dataclasses import dataclass

from django.db.models import QuerySet

from gonghui.core import metrics
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.dashboard.returns.items import (
    GRASSROOTS,
    ITEM_BY_CODE,
    ITEMS,
    Failure,
    Item,
    items_for,
    run_checks,
)
from gonghui.dashboard.returns.models import AnnualReturn, ReturnStatus
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "plans"
SOURCE_LABELS = {
    "measure": "统计指标取数",
    "manual": "手工填报",
    "pending": "指标未接入，手工填报",
    "grassroots": "基层工会调查表汇总",
}


def returns_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(AnnualReturn.objects.select_related("org"), user, MODULE, action)


def return_get(user, pk: int, action: str = Action.VIEW) -> AnnualReturn:
    return get_in_scope_or_404(
        AnnualReturn.objects.select_related("org"), user, MODULE, action, pk=pk
    )


@dataclass
class Row:
    item: Item
    value: object
    source: str
    measure_name: str
    above: bool = True  # the return is of a union above the grassroots
    records: str = ""  # the records the measure counts (its drill-down), if it offers one

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def to_fill(self) -> bool:
        """Typed in by hand (no measure counts it, no grassroots table sums it)."""
        return self.source in ("manual", "pending")

    @property
    def who(self) -> str:
        """Who must fill an item typed in by hand."""
        if not self.to_fill:
            return ""
        if self.item.form == GRASSROOTS and self.above:
            return "各基层工会在基层工会调查表中填报(上报后自动汇总)；未在平台收集的由本级填报合计"
        return "本级工会填报"


def return_rows(annual: AnnualReturn) -> list[Row]:
    rows = []
    above = annual.org.level < OrgLevel.GRASSROOTS
    for item in items_for(annual.org):
        name = ""
        source = annual.sources.get(item.code, "manual")
        if item.measure:
            try:
                name = metrics.measure_get(item.measure).name
            except metrics.MetricError:
                name = ""
        link = _item_link(annual, item) if source == "measure" else None
        rows.append(
            Row(
                item,
                annual.values.get(item.code),
                source,
                name,
                above,
                link[1] if link else "",
            )
        )
    return rows


@dataclass
class CheckFailure:
    """A failed logic check with where to look: for each item it reads, the records its
    measure counts (the measure's drill-down), the grassroots unions' tables it sums, or the
    item's own entry on the return."""

    failure: Failure
    links: list[tuple[str, str]]

    @property
    def check(self):
        return self.failure.check

    @property
    def message(self) -> str:
        return self.failure.message


def _item_link(annual: AnnualReturn, item: Item) -> tuple[str, str] | None:
    from django.urls import reverse

    from gonghui.dashboard.returns.services import _period

    name = item.name.removeprefix("其中：")
    source = annual.sources.get(item.code)
    if source == "measure":
        try:
            measure = metrics.measure_get(item.measure)
        except metrics.MetricError:
            return None
        if measure.drilldown is None:
            return None
        return (f"{name}的记录", measure.drilldown(annual.org, _period(item, annual.year)))
    if source == "grassroots":
        url = reverse("dashboard:return_grassroots", args=[annual.pk])
        return (f"{name}(各基层工会上报)", f"{url}?show=all")
    return (f"{name}(本表填报)", f"#item-{item.code}")


def return_failures(annual: AnnualReturn) -> list[CheckFailure]:
    """The return's failed logic checks, each with links to the records behind its items."""
    failures = []
    for failure in run_checks(annual.values):
        links = [_item_link(annual, ITEM_BY_CODE[code]) for code in failure.items]
        failures.append(CheckFailure(failure, [link for link in links if link is not None]))
    return failures


STATE_LABELS = {"none": "未填报", "draft": "填报中", "submitted": "已上报"}


@dataclass
class GrassrootsRow:
    """A grassroots union under a return's org and where its 基层工会调查表 stands."""

    org: Org
    annual: AnnualReturn | None
    missing: list[Item]  # items it still must fill
    failures: list[Failure]  # checks it still must fix

    @property
    def state(self) -> str:
        if self.annual is None:
            return "none"
        return "submitted" if self.annual.status == ReturnStatus.SUBMITTED else "draft"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class GrassrootsStatus:
    rows: list[GrassrootsRow]
    total: int
    submitted: int
    draft: int
    none: int

    @property
    def missing(self) -> int:
        """缺报: not submitted (no table yet, or still being filled)."""
        return self.total - self.submitted


def grassroots_status(annual: AnnualReturn, *, show: str = "missing") -> GrassrootsStatus:
    """The 缺报清单 of a return above the grassroots: every active grassroots union in its
    org's subtree with its 基层工会调查表 for the year (none, draft or submitted), the items it
    still must fill and the checks it fails. Two queries, however many unions."""
    orgs = list(
        Org.objects.filter(
            path__startswith=annual.org.path, level=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE
        )
        .only("pk", "name", "code", "path", "parent_id")
        .order_by("path")
    )
    tables = {
        r.org_id: r
        for r in AnnualReturn.objects.filter(
            year=annual.year,
            org__level=OrgLevel.GRASSROOTS,
            org__path__startswith=annual.org.path,
        ).only("pk", "org_id", "status", "values", "submitted_at")
    }
    items = [item for item in ITEMS if item.form == GRASSROOTS]
    rows, counts = [], {"none": 0, "draft": 0, "submitted": 0}
    for org in orgs:
        table = tables.get(org.pk)
        values = table.values if table is not None else {}
        row = GrassrootsRow(
            org,
            table,
            [item for item in items if values.get(item.code) is None],
            run_checks(values) if table is not None else [],
        )
        counts[row.state] += 1
        if show == "all" or row.state != "submitted":
            rows.append(row)
    return GrassrootsStatus(rows, len(orgs), counts["submitted"], counts["draft"], counts["none"])


def grassroots_counts(annual: AnnualReturn) -> GrassrootsStatus:
    """The 缺报清单's figures only (no rows): two counting queries."""
    from django.db.models import Count

    total = Org.objects.filter(
        path__startswith=annual.org.path, level=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE
    ).count()
    by_status = dict(
        AnnualReturn.objects.filter(
            year=annual.year,
            org__level=OrgLevel.GRASSROOTS,
            org__status=OrgStatus.ACTIVE,
            org__path__startswith=annual.org.path,
        )
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    submitted = by_status.get(ReturnStatus.SUBMITTED, 0)
    draft = by_status.get(ReturnStatus.DRAFT, 0)
    return GrassrootsStatus([], total, submitted, draft, total - submitted - draft)

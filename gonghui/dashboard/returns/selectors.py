"""Reads of annual returns, scoped; the rows of a return with each item's source."""

from dataclasses import dataclass

from django.db.models import QuerySet

from gonghui.core import metrics
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.dashboard.returns.items import GRASSROOTS, ITEMS, Failure, Item, items_for, run_checks
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
        if item.measure:
            try:
                name = metrics.measure_get(item.measure).name
            except metrics.MetricError:
                name = ""
        rows.append(
            Row(
                item,
                annual.values.get(item.code),
                annual.sources.get(item.code, "manual"),
                name,
                above,
            )
        )
    return rows


def return_failures(annual: AnnualReturn):
    return run_checks(annual.values)


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

"""Reads of annual returns, scoped; the rows of a return with each item's source."""

from dataclasses import dataclass

from django.db.models import QuerySet

from gonghui.core import metrics
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.dashboard.returns.items import ITEMS, Item, run_checks
from gonghui.dashboard.returns.models import AnnualReturn

MODULE = "plans"
SOURCE_LABELS = {"measure": "统计指标取数", "manual": "手工填报", "pending": "指标未接入，手工填报"}


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

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


def return_rows(annual: AnnualReturn) -> list[Row]:
    rows = []
    for item in ITEMS:
        name = ""
        if item.measure:
            try:
                name = metrics.measure_get(item.measure).name
            except metrics.MetricError:
                name = ""
        rows.append(
            Row(item, annual.values.get(item.code), annual.sources.get(item.code, "manual"), name)
        )
    return rows


def return_failures(annual: AnnualReturn):
    return run_checks(annual.values)

"""The staffing module's statistics page and its export."""

from django.shortcuts import render
from django.utils import timezone

from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.scope import (
    can,
    requires,
)
from gonghui.staffing import selectors
from gonghui.staffing.shared import MODULE


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@requires(MODULE, Action.VIEW)
def stats(request):
    year = _year(request)
    return render(
        request,
        "staffing/stats.html",
        {
            "year": year,
            "columns": [label for _code, label in selectors.STATS_COLUMNS],
            "rows": selectors.staffing_stats(request.user, year),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def stats_export(request):
    year = _year(request)
    rows = selectors.staffing_stats(request.user, year)
    content = export_workbook(
        actor=request.user,
        what="staffing_stats",
        headers=["组织", *(label for _code, label in selectors.STATS_COLUMNS)],
        rows=([org.name, *values] for org, values in rows),
        sheet_name="社工统计",
        filters={"stats_year": year},
        title=f"社会化工会工作者统计({year}年)",
    )
    return xlsx_response(content, f"社工统计-{year}")

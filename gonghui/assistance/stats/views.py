"""The statistics page of hardship assistance and its .xlsx standard report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gonghui.assistance.standards.selectors import today
from gonghui.assistance.stats import report as stats_report
from gonghui.assistance.stats import selectors as stats
from gonghui.core.export import export_workbook_sheets, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.reports import report_rows
from gonghui.core.scope import can, requires

MODULE = "assistance"
FIRST_YEAR = 2000


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _year(request) -> int:
    current = today().year
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= current:
        return int(raw)
    return current


def _chart_data(data: stats.ArchiveStats) -> dict:
    rows = [r for r in data.rows if not r.is_empty]  # no empty bars
    return {
        "orgs": [r.label for r in rows],
        "categories": [label for _code, label, _n in data.by_category],
        "by_org": {label: [r.counts[code] for r in rows] for code, label, _n in data.by_category},
        "by_category": [{"name": label, "value": n} for _code, label, n in data.by_category],
        "causes": [label for _code, label, _main, _any in data.by_cause],
        "cause_main": [main for _code, _label, main, _any in data.by_cause],
        "cause_any": [n for _code, _label, _main, n in data.by_cause],
        "groups": [{"name": label, "value": g["total"]} for label, g in data.groups],
        "flows": [data.flows.get(k, 0) for k in ("new", "existing", "relapsed")],
        "year": data.year,
    }


@requires(MODULE, Action.VIEW)
def archive_stats(request):
    """Archives by category, cause and org; 增量/存量/返困 for a year; 城镇/农民工."""
    year = _year(request)
    data = stats.archive_stats(request.user, year=year, action=Action.VIEW)
    headers, rows = stats.stats_table(data, with_causes=False)
    return render(
        request,
        "assistance/stats/stats.html",
        {
            "stats": data,
            "year": year,
            "years": list(range(today().year, today().year - 6, -1)),
            "headers": headers,
            "table": report_rows(headers, rows, [*data.rows, data.total]) if data.rows else [],
            "chart_data": _chart_data(data),
            "categories": stats.CATEGORIES,
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@login_required
def archive_stats_export(request):
    """The standard report (counts and amounts only, no personal data) as a workbook of
    several sheets; audited."""
    _require(request, Action.EXPORT)
    year = _year(request)
    data = stats.archive_stats(request.user, year=year, action=Action.EXPORT)
    place = stats_report.report_place(request.user, Action.EXPORT)
    content = export_workbook_sheets(
        actor=request.user,
        what="archive_stats",
        sheets=stats_report.report_sheets(data, place=place),
        filters={"year": year},
    )
    return xlsx_response(content, f"困难职工帮扶统计-{year}")

"""The outreach statistics page (charts) and its .xlsx export, by org and period."""

import datetime

from django.shortcuts import render

from gonghui.core.export import Sheet, SheetTable, export_workbook_sheets, xlsx_response
from gonghui.core.metrics import MetricError
from gonghui.core.modules import Action
from gonghui.core.reports import report_rows
from gonghui.core.scope import can, requires
from gonghui.outreach.stats import selectors

MODULE = "outreach"


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _params(request) -> tuple[dict, object, str]:
    raw = {k: (request.GET.get(k) or "").strip() for k in ("year", "start", "end")}
    year = int(raw["year"]) if raw["year"].isdigit() and 2000 <= int(raw["year"]) <= 2100 else None
    error = ""
    try:
        period = selectors.period_of(year, _date(raw["start"]), _date(raw["end"]))
    except MetricError as exc:
        error = str(exc)
        period = selectors.period_of(None, None, None)
    return raw, period, error


def _headers() -> list[str]:
    return ["组织", *[label for _, label in selectors.COLUMNS]]


@requires(MODULE, Action.VIEW)
def outreach_stats(request):
    raw, period, error = _params(request)
    stats = selectors.outreach_stats(request.user, period=period)
    rows = [*stats.rows, stats.total]
    table = report_rows(_headers(), [[r.name, *r.cells()] for r in rows], rows)
    chart = {
        "orgs": [r.name for r in stats.rows if not r.is_empty],
        "registrations": [
            r.values["outreach.registrations.total"] for r in stats.rows if not r.is_empty
        ],
        "employed": [
            r.values["outreach.registrations.employed_90d"] for r in stats.rows if not r.is_empty
        ],
        "funnel": [{"name": label, "value": value} for label, value in stats.funnel],
        "served": [{"name": label, "value": value} for label, value in stats.served],
    }
    return render(
        request,
        "outreach/stats/stats.html",
        {
            "stats": stats,
            "table": table,
            "headers": _headers(),
            "chart": chart,
            "raw": raw,
            "error": error,
            "query": request.GET.urlencode(),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def outreach_stats_export(request):
    raw, period, _error = _params(request)
    stats = selectors.outreach_stats(request.user, period=period)
    span = f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"
    sheets = [
        Sheet(
            "按组织",
            [SheetTable(_headers(), [[r.name, *r.cells()] for r in [*stats.rows, stats.total]])],
            title=f"服务职工进基层统计({span})",
        ),
        Sheet(
            "就业跟踪",
            [
                SheetTable(["环节", "人数"], stats.funnel, caption="登记 → 培训 → 就业"),
                SheetTable(["服务项目", "服务人次"], stats.served, caption="各服务项目服务人次"),
            ],
            title=f"就业跟踪与服务项目({span})",
        ),
    ]
    content = export_workbook_sheets(
        actor=request.user,
        what="outreach_stats",
        sheets=sheets,
        filters={k: v for k, v in raw.items() if v},
    )
    return xlsx_response(content, "服务职工进基层统计")

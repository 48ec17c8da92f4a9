"""Statistics page of the service sites (tables, ECharts charts) and its .xlsx export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.scope import can, requires
from gonghui.sites.map import selectors as map_selectors
from gonghui.sites.models import SiteStatus
from gonghui.sites.stats import selectors as stats

MODULE = "sites"


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _chart_data(data: stats.SiteStats) -> dict:
    statuses = list(SiteStatus.choices)
    return {
        "statuses": [label for _code, label in statuses],
        "kinds": [label for _code, label, _counts in data.by_kind],
        "kind_series": [
            [counts[code] for _k, _l, counts in data.by_kind] for code, _label in statuses
        ],
        "townships": [name for name, _counts in data.by_township],
        "township_series": [
            [counts[code] for _name, counts in data.by_township] for code, _label in statuses
        ],
        "months": [stats.month_label(m) for m in data.months],
        "usage": data.usage_by_month,
        "feedback": {
            key: [month[key] for month in data.feedback_by_month]
            for key in ("opened", "answered", "closed")
        },
    }


@requires(MODULE, Action.VIEW)
def site_stats(request):
    """Sites by kind, status and township; coverage share; feedback; usage by site and month."""
    data = stats.site_stats(request.user, Action.VIEW)
    result = map_selectors.coverage_for(request.user, suggestions=0)
    share = result.area.share if result is not None and result.area is not None else None
    return render(
        request,
        "sites/stats/stats.html",
        {
            "stats": data,
            "months": [stats.month_label(m) for m in data.months],
            "coverage": result,
            "coverage_pct": share * 100 if share is not None else None,
            "on_time_pct": data.on_time_share * 100 if data.on_time_share is not None else None,
            "target_days": stats.FEEDBACK_CLOSE_TARGET_DAYS,
            "chart_data": _chart_data(data),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@login_required
def site_stats_export(request):
    """Per-site statistics as .xlsx (no personal data); audited."""
    _require(request, Action.EXPORT)
    data = stats.site_stats(request.user, Action.EXPORT)
    headers, rows = stats.export_rows(data)
    content = export_workbook(
        actor=request.user,
        what="site_stats",
        headers=headers,
        rows=rows,
        sheet_name="阵地统计",
        title=f"服务阵地统计(近 {stats.MONTHS} 个月打卡)",
    )
    return xlsx_response(content, "阵地统计")

"""Rights statistics by township and year (from the metric registry), and its .xlsx export."""

from django.shortcuts import render

from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.scope import can, requires
from gonghui.rights.shared import MODULE, today
from gonghui.rights.stats import selectors
from gonghui.rights.views import get_int


def _year(request) -> int:
    year = get_int(request.GET, "year") or today().year
    return year if 2000 <= year <= 2100 else today().year


@requires(MODULE, Action.VIEW)
def stats(request):
    year = _year(request)
    headers, rows = selectors.stats_by_township(request.user, year)
    names = ["乡镇(街道)", *headers]
    table = [
        {
            "cells": list(zip(names, [r.name, *r.values], strict=True)),
            "total": r.is_total,
            "empty": r.is_empty,
        }
        for r in rows
    ]
    return render(
        request,
        "rights/stats/stats.html",
        {
            "year": year,
            "years": list(range(today().year, today().year - 5, -1)),
            "headers": ["乡镇(街道)", *headers],
            "table": table,
            "funnel": selectors.notice_funnel(request.user, year),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def stats_export(request):
    year = _year(request)
    headers, rows = selectors.stats_by_township(request.user, year)
    content = export_workbook(
        actor=request.user,
        what="rights_stats",
        headers=["乡镇(街道)", *headers],
        rows=([r.name, *[v if v is not None else "" for v in r.values]] for r in rows),
        sheet_name=f"{year}年维权统计",
        title=f"{year}年维权工作统计(按乡镇、街道)",
        filters={"year": year},
    )
    return xlsx_response(content, f"维权统计-{year}")

"""The leaders' dashboard: one screen per level (county, township, grassroots union) with the
year's targets and their pace and the registered measures' tiles; a tile drills down to the
comparison of the org's children (and to the records, where the measure offers it)."""

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import requires
from gonghui.dashboard import report, selectors
from gonghui.dashboard.figures import FigureCache
from gonghui.orgs.models import Org
from gonghui.plans.targets import progress as pace
from gonghui.plans.targets import selectors as target_selectors

MODULE = "plans"


def _as_of(request) -> dt.date:
    raw = request.GET.get("as_of", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.error(request, "统计日期格式不正确，已按今天统计。")
        return timezone.localdate()


def _org_pk(request) -> int | None:
    raw = request.GET.get("org", "")
    return int(raw) if raw.isdigit() else None


def _targets(user, org, as_of):
    """The year's targets given to this org: its shares of the plans above it and the
    targets of its own plan (the plans of the org and its ancestors)."""
    plans = [
        p
        for p in target_selectors.plans_visible(user)
        .filter(year=as_of.year)
        .order_by("org__depth", "id")
        if org.path.startswith(p.org.path)
    ]
    return plans, target_selectors.org_targets(plans, org)


def _dashboard_context(request) -> dict:
    """Everything the dashboard page and its PDF report show, the counted figures read
    through the figure cache (see dashboard/figures.py for how it is invalidated)."""
    as_of = _as_of(request)
    org = selectors.dashboard_org(request.user, _org_pk(request))
    figures_cache = FigureCache()
    plans, mine = _targets(request.user, org, as_of)
    board = selectors.dashboard_build(
        request.user,
        org,
        as_of=as_of,
        compare_code=request.GET.get("compare", ""),
        figures_cache=figures_cache,
        questions=target_selectors.target_questions(mine, as_of=as_of),
    )
    targets = target_selectors.target_rows(mine, as_of=as_of, figures_cache=figures_cache)
    counts = target_selectors.pace_counts(targets)
    chart = {
        "compare": {
            "name": board.compare.name if board.compare else "",
            "unit": board.compare.unit if board.compare else "",
            "orgs": [o.short_name or o.name for o, _f in board.ranking],
            "values": [float(f.value) if f.value is not None else None for _o, f in board.ranking],
        },
        "pace": [
            {"name": pace.PACE_LABELS[key], "value": counts.get(key, 0), "key": key}
            for key in PACE_ORDER
            if counts.get(key)
        ],
    }
    top = selectors.dashboard_org(request.user, None)
    ancestors = [
        o
        for o in Org.objects.filter(pk__in=org.ancestor_ids()).order_by("depth")
        if o.path.startswith(top.path)
    ]
    return {
        "board": board,
        "org": org,
        "as_of": as_of,
        "plans": plans,
        "targets": targets,
        "counts": counts,
        "pace_rule": pace.PACE_RULE,
        "chart": chart,
        "ancestors": ancestors,
        "cached": figures_cache.misses == 0 and figures_cache.hits > 0,
    }


PACE_ORDER = (
    pace.Pace.DONE,
    pace.Pace.ON_TRACK,
    pace.Pace.BEHIND,
    pace.Pace.AT_RISK,
    pace.Pace.MANUAL,
    pace.Pace.UNKNOWN,
)


@requires(MODULE, Action.VIEW)
def home(request):
    context = _dashboard_context(request)
    board = context["board"]
    township_map = selectors.township_map(context["org"], board.ranking) if board.compare else None
    if township_map is not None:
        context["chart"]["map"] = {
            "geojson": township_map,
            "name": board.compare.name,
            "unit": board.compare.unit,
            "link": f"?as_of={context['as_of']:%Y-%m-%d}&compare={board.compare.code}&org=",
        }
    context["township_map"] = township_map is not None
    return render(request, "dashboard/home.html", context)


@requires(MODULE, Action.VIEW)
def report_pdf(request):
    """The dashboard as a PDF report for a meeting (WeasyPrint, Chinese fonts embedded): the
    page's figures, no personal data, so like the page itself it needs view access only."""
    context = _dashboard_context(request)
    content = report.dashboard_pdf(context)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"领导驾驶舱-{context['org'].name}-{context['as_of']:%Y%m%d}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response

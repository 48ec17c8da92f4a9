"""The staffing module's statistics per township-level org (the stats page and export)."""

from __future__ import annotations

from gonghui.core.modules import Action
from gonghui.core.scope import scope_queryset
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing.shared import MODULE

STATS_COLUMNS = [
    ("staffing.posts", "社工岗位"),
    ("staffing.vacant_posts", "空缺岗位"),
    ("staffing.workers", "在岗社工"),
    ("staffing.training_records", "培训人次"),
    ("staffing.training_hours", "培训学时"),
    ("staffing.appraisals_published", "已公布考核"),
    ("staffing.appraisals_excellent", "优秀"),
    ("staffing.appraisals_competent", "称职"),
    ("staffing.appraisals_basic", "基本称职"),
    ("staffing.appraisals_unfit", "不称职"),
]


def stats_orgs(user) -> list[Org]:
    """The county and township-level orgs in the user's view scope (the rows of the table)."""
    return list(
        scope_queryset(Org.objects.all(), user, MODULE, Action.VIEW, org_field="")
        .filter(level__in=[OrgLevel.COUNTY, OrgLevel.TOWNSHIP], status="active")
        .order_by("path")
    )


def staffing_stats(user, year: int) -> list[tuple[Org, list]]:
    """Per org: every column read from the metric registry (one grouped query per measure),
    so the table always agrees with the measures the dashboard and plans read."""
    from gonghui.core import metrics

    orgs = stats_orgs(user)
    if not orgs:
        return []
    period = metrics.Period.year(year)
    figures = {
        code: metrics.measure_evaluate(user, code, orgs=orgs, period=period)
        for code, _label in STATS_COLUMNS
    }
    return [(org, [figures[code][org.pk].value for code, _ in STATS_COLUMNS]) for org in orgs]

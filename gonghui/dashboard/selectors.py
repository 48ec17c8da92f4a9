"""The dashboard's figures for one org (the user's own top org or one below it) as of a date,
read from the metric registry in one batch (`metrics.evaluate_many`) for the org and its
children together: one grouped query per table the tiles count (a rate's parts shared with
the tiles that show them), never one per org or per measure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from gonghui.core import metrics
from gonghui.core.modules import Action
from gonghui.core.scope import path_in_scope, scope_paths, scope_roots
from gonghui.dashboard.tiles import COMPARE, GROUPS, Tile
from gonghui.orgs.models import Org, OrgStatus

MODULE = "plans"  # who may open the dashboard; each tile needs its measure's module too


@dataclass
class TileFigure:
    tile: Tile
    measure: object | None
    figure: metrics.Figure | None
    allowed: bool
    drilldown: str | None = None
    # The measure counts the records' present state (no date): a past date does not change it.
    present_only: bool = False

    @property
    def registered(self) -> bool:
        return self.measure is not None

    @property
    def name(self) -> str:
        return self.measure.name if self.measure is not None else self.tile.title


@dataclass
class Dashboard:
    org: Org
    as_of: dt.date
    groups: list[tuple[str, str, list[TileFigure]]]
    children: list[Org]
    compare: object | None  # the measure compared across children
    ranking: list[tuple[Org, metrics.Figure]] = field(default_factory=list)
    compare_options: list = field(default_factory=list)
    pending: list[Tile] = field(default_factory=list)  # tiles whose measure is not registered


def dashboard_org(user, org_pk: int | None) -> Org:
    """The org the dashboard shows: the user's top org in scope, or `org_pk` inside it (404
    outside)."""
    roots = scope_roots(user, MODULE, Action.VIEW)
    if not roots:
        raise Http404
    if org_pk is None:
        return Org.objects.get(pk=roots[0].org_id)
    org = Org.objects.filter(pk=org_pk).first()
    if org is None or not path_in_scope(org.path, [r.path for r in roots]):
        raise Http404
    return org


def _period(tile: Tile, as_of: dt.date) -> metrics.Period:
    if tile.period == "year":
        return metrics.Period(dt.date(as_of.year, 1, 1), as_of)
    return metrics.Period.as_of(as_of)


def _measure(code: str):
    try:
        return metrics.measure_get(code)
    except metrics.MetricError:
        return None


def dashboard_build(
    user,
    org: Org,
    *,
    as_of: dt.date,
    compare_code: str = "",
    figures_cache=None,
    questions: Sequence = (),
) -> Dashboard:
    """The org's tiles and its children's ranking, every figure of the page (the tiles, the
    ranking and the extra `questions`, e.g. the targets' on the same page) counted in one
    batch through `figures_cache` (a dashboard.figures.FigureCache, which keeps them between
    requests; without one they are counted afresh, still in one batch)."""
    from gonghui.dashboard.figures import FigureCache

    if figures_cache is None:
        figures_cache = FigureCache(seconds=0)
    children = list(Org.objects.filter(parent=org, status=OrgStatus.ACTIVE).order_by("code", "id"))
    orgs = [org, *children]
    allowed_cache: dict[str, bool] = {}

    def allowed(measure) -> bool:
        if measure.module not in allowed_cache:
            allowed_cache[measure.module] = path_in_scope(
                org.path, scope_paths(user, measure.module, Action.VIEW)
            )
        return allowed_cache[measure.module]

    shown_tiles = [
        (tile, measure)
        for _k, _n, tiles in GROUPS
        for tile in tiles
        if (measure := _measure(tile.code)) is not None and allowed(measure)
    ]
    options = [m for m in (_measure(c) for c in COMPARE) if m is not None and allowed(m)]
    compare = next((m for m in options if m.code == compare_code), options[0] if options else None)
    compare_period = None
    if compare is not None:
        tile = next(
            (t for _k, _n, ts in GROUPS for t in ts if t.code == compare.code),
            Tile(compare.code, ""),
        )
        compare_period = _period(tile, as_of)
    figures_cache.load(
        [(tile.code, orgs, _period(tile, as_of)) for tile, _m in shown_tiles]
        + ([(compare.code, orgs, compare_period)] if compare is not None and children else [])
        + list(questions)
    )

    def figures(code: str, period: metrics.Period) -> dict[int, metrics.Figure]:
        return figures_cache.evaluate(code, orgs=orgs, period=period)

    groups = []
    pending: list[Tile] = []
    shown_codes = {tile.code for tile, _m in shown_tiles}
    for key, name, tiles in GROUPS:
        shown = []
        for tile in tiles:
            measure = _measure(tile.code)
            if measure is None:
                pending.append(tile)
                continue
            if tile.code not in shown_codes:
                continue
            period = _period(tile, as_of)
            figure = figures(tile.code, period)[org.pk]
            drill = measure.drilldown(org, period) if measure.drilldown else None
            present = as_of != timezone.localdate() and metrics.undated(measure.code)
            shown.append(TileFigure(tile, measure, figure, True, drill, present))
        if shown:
            groups.append((key, name, shown))
    ranking = []
    if compare is not None and children:
        by_org = figures(compare.code, compare_period)
        ranking = sorted(
            ((child, by_org[child.pk]) for child in children),
            key=lambda pair: (pair[1].value is None, -(pair[1].value or 0), pair[0].code),
        )
    return Dashboard(org, as_of, groups, children, compare, ranking, options, pending)


def township_map(org: Org, ranking: list[tuple[Org, metrics.Figure]]) -> dict | None:
    """The children's comparison as a map: the township boundaries the sites module holds
    for this org (a county's 乡镇(街道)边界 layer), each feature tied to its township by code
    (组织编码 or 行政区划代码) or name and carrying the compared value. None when the org has
    no such layer or no feature matches a child."""
    from gonghui.sites.models import MapLayerKind
    from gonghui.sites.selectors import map_layer_geojson, map_layer_get

    if not ranking:
        return None
    layer = map_layer_get(org, MapLayerKind.TOWNSHIP)
    if layer is None:
        return None
    by_code: dict[str, tuple[Org, metrics.Figure]] = {}
    for child, figure in ranking:
        for code in (child.code, child.division_code):
            if code:
                by_code.setdefault(code, (child, figure))
    features, matched = [], 0
    for feature in map_layer_geojson(layer).get("features", []):
        props = feature.get("properties") or {}
        name = str(props.get("name") or "")
        pair = by_code.get(str(props.get("code") or "")) or next(
            (
                (child, figure)
                for child, figure in ranking
                if name and (child.name.startswith(name) or child.short_name == name)
            ),
            None,
        )
        value = None
        if pair is not None:
            matched += 1
            value = float(pair[1].value) if pair[1].value is not None else None
        features.append(
            {
                "type": "Feature",
                "geometry": feature.get("geometry"),
                "properties": {
                    "name": pair[0].name if pair else name,
                    "org": pair[0].pk if pair else None,
                    "value": value,
                },
            }
        )
    if not matched:
        return None
    return {"type": "FeatureCollection", "features": features}

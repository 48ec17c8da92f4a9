"""Reads of the map sub-domain: the stored coverage analysis as a user may see it (the
county's cells cut to the townships in the user's scope), queueing a refresh when outdated.
The analysis itself is computed in coverage.py, in the background (tasks.py)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_paths
from gonghui.orgs.models import Org, OrgLevel
from gonghui.sites.map.coverage import (
    CELL_SIZES_M,
    DEFAULT_CELL_M,
    DEFAULT_SUGGESTIONS,
    EMPTY_COLLECTION,
    SOURCE_NONE,
    STATE_CURRENT,
    STATE_MISSING,
    STATE_STALE,
    AreaCoverage,
    Grid,
    Key,
    coverage_counties,
    coverage_inputs_fingerprint,
    coverage_report,
    gaps_geojson,
    input_layers,
    keys_of,
    label_key,
    label_of,
    suggestion_row,
)
from gonghui.sites.map.tasks import coverage_refresh_schedule
from gonghui.sites.models import CoverageResult, MapLayerKind
from gonghui.sites.selectors import MODULE


@dataclass(frozen=True)
class AreaSummary:
    """The totals of an analysis as the pages show them."""

    source: str
    radius_m: float
    open_sites: int
    total: int
    covered_count: int

    @property
    def share(self) -> float | None:
        return self.covered_count / self.total if self.total else None

    @property
    def gap_count(self) -> int:
        return self.total - self.covered_count


@dataclass
class CountyCoverage:
    """The stored analysis of one county as a user sees it: the cells of the townships in
    the user's scope (all cells for users whose scope holds the county org itself), when it
    was computed and whether it is still current (`state`)."""

    county: Org
    counties: list[Org]  # the counties the user may analyse
    townships: dict[int, Org]
    whole_county: bool
    cell_m: float
    state: str
    computed_at: datetime.datetime | None = None
    elapsed_ms: int = 0
    queued: bool = False
    requested_at: datetime.datetime | None = None
    layers_missing: bool = False  # no built-up area nor boundary layer: nothing to analyse
    area: AreaSummary | None = None
    _rows: list[tuple] = field(default_factory=list)
    _suggestions: list[dict] = field(default_factory=list)
    _gaps: dict | None = None

    @property
    def ready(self) -> bool:
        return self.area is not None

    @property
    def waiting_minutes(self) -> int:
        """How long the queued refresh has waited (0 when none is queued)."""
        if not self.queued or self.requested_at is None:
            return 0
        return int((timezone.now() - self.requested_at).total_seconds() // 60)

    @property
    def current(self) -> bool:
        return self.state == STATE_CURRENT

    def label_name(self, label) -> str:
        township = self.townships.get(label)
        if township is None:
            return "未划分乡镇"
        return township.short_name or township.name

    def rows(self) -> list[dict]:
        rows = [
            {
                "township_id": label,
                "name": self.label_name(label),
                "cells": n,
                "covered": c,
                "gaps": n - c,
                "share": c / n if n else 0.0,
                "share_pct": (c / n if n else 0.0) * 100,
            }
            for label, n, c in self._rows
        ]
        return sorted(rows, key=lambda r: (r["township_id"] is None, r["share"], r["name"]))

    def suggestions(self, limit: int = DEFAULT_SUGGESTIONS) -> list[dict]:
        return [
            {
                **{k: v for k, v in s.items() if k != "label"},
                "area_km2": s["cells_added"] * self.cell_area_km2,
                "share_added_pct": s["share_added"] * 100,
                "share_after_pct": s["share_after"] * 100,
                "township": self.label_name(s["label"]),
            }
            for s in self._suggestions[:limit]
        ]

    @property
    def cell_area_km2(self) -> float:
        return (self.cell_m / 1000) ** 2

    def geojson(self, limit: int = DEFAULT_SUGGESTIONS) -> dict:
        """Gap cells (merged into runs) and the suggested points, for the map layers."""
        return {
            "gaps": self._gaps or EMPTY_COLLECTION,
            "suggestions": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "rank": s["rank"],
                            "cells_added": s["cells_added"],
                            "share_added": round(s["share_added"], 4),
                            "township": s["township"],
                        },
                        "geometry": {"type": "Point", "coordinates": [s["lng"], s["lat"]]},
                    }
                    for s in self.suggestions(limit)
                ],
            },
            "radius_m": self.area.radius_m if self.area else None,
            "cell_m": self.cell_m,
            "share": self.area.share if self.area else None,
            "state": self.state,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
        }


def _restricted(row, labels: set, suggestions: int, with_gaps: bool) -> tuple:
    """(summary, rows, suggestions, gaps) of the stored cells of these labels only."""
    cells_data = row.cells or {}
    grid_values = cells_data.get("grid")
    summary = row.summary
    if not grid_values:
        empty = AreaSummary(summary.get("source", SOURCE_NONE), summary.get("radius_m", 0), 0, 0, 0)
        return empty, [], [], EMPTY_COLLECTION
    lng0, lat0, dlng, dlat, cell_m = grid_values
    grid = Grid(lng0=lng0, lat0=lat0, dlng=dlng, dlat=dlat, cell_m=cell_m)
    cells: dict[Key, object] = {}
    covered: set[Key] = set()
    for key, entry in cells_data.get("by_label", {}).items():
        label = label_of(key)
        if label not in labels:
            continue
        for cell in keys_of(entry["covered"]):
            cells[cell] = label
            covered.add(cell)
        for cell in keys_of(entry["gaps"]):
            cells[cell] = label
    area = AreaCoverage(
        grid=grid,
        cells=cells,
        covered=covered,
        radius_m=summary["radius_m"],
        source=summary["source"],
        open_sites=summary["open_sites"],
    )
    stored = summary.get("township_suggestions", {})
    if len(labels) == 1 and label_key(next(iter(labels))) in stored:
        picked = stored[label_key(next(iter(labels)))][:suggestions]
    else:
        report = coverage_report(area, suggestions=suggestions)
        picked = [suggestion_row(s) for s in report.suggestions]
    return (
        AreaSummary(area.source, area.radius_m, area.open_sites, area.total, len(covered)),
        [(label, n, c) for label, n, c in area.by_label()],
        picked,
        gaps_geojson(grid, area.uncovered) if with_gaps else None,
    )


def coverage_for(
    user,
    *,
    county_id: int | None = None,
    cell_m: float = DEFAULT_CELL_M,
    suggestions: int = DEFAULT_SUGGESTIONS,
    with_gaps: bool = False,
    refresh: bool = True,
) -> CountyCoverage | None:
    """The stored coverage analysis the user may see (None when no county is in their scope).

    Never computes the county-wide analysis in the request: it serves the stored result,
    says whether it is current, and (with `refresh`) queues a background refresh when it is
    outdated or missing. Open sites anywhere in the county count as covering (they are
    public on the workers' site finder), but the cells, gaps and suggestions are those of
    the townships in the user's sites.view scope — or of the township their scope lies in —
    and the whole county for users whose scope holds the county org."""
    counties = coverage_counties(user)
    if not counties:
        return None
    county = next((c for c in counties if c.pk == county_id), counties[0])
    if cell_m not in CELL_SIZES_M:
        cell_m = DEFAULT_CELL_M
    townships = {
        t.pk: t for t in Org.objects.filter(path__startswith=county.path, level=OrgLevel.TOWNSHIP)
    }
    whole = org_in_scope(user, MODULE, Action.VIEW, county)
    labels = None
    if not whole:
        paths = scope_paths(user, MODULE, Action.VIEW)
        labels = {
            pk
            for pk, township in townships.items()
            if any(township.path.startswith(p) or p.startswith(township.path) for p in paths)
        }
    layers = input_layers(county)
    layers_missing = not any(
        kind in (MapLayerKind.BUILT_UP_AREA, MapLayerKind.BOUNDARY) for kind, _id, _v in layers
    )
    stored = CoverageResult.objects.filter(org=county, cell_m=cell_m)
    if whole:
        stored = stored.defer("cells") if with_gaps else stored.defer("cells", "gaps")
    else:
        stored = stored.defer("gaps")
    row = stored.first()
    ready = row is not None and row.computed_at is not None
    current = ready and row.fingerprint == coverage_inputs_fingerprint(county, layers)
    state = STATE_CURRENT if current else STATE_STALE if ready else STATE_MISSING
    queued = bool(row and row.queued)
    requested_at = row.requested_at if row is not None else None
    refresh = refresh and not (layers_missing and not ready)
    if not current and refresh and coverage_refresh_schedule(county=county, cell_m=cell_m):
        queued, requested_at = True, timezone.now()
    result = CountyCoverage(
        county=county,
        counties=counties,
        townships=townships,
        whole_county=whole,
        cell_m=cell_m,
        state=state,
        computed_at=row.computed_at if ready else None,
        elapsed_ms=row.elapsed_ms if ready else 0,
        queued=queued or (not current and refresh),
        requested_at=requested_at,
        layers_missing=layers_missing,
    )
    if not ready:
        return result
    summary = row.summary
    result.cell_m = summary.get("cell_m") or cell_m
    if whole:
        result.area = AreaSummary(
            summary["source"],
            summary["radius_m"],
            summary["open_sites"],
            summary["total"],
            summary["covered"],
        )
        result._rows = [tuple(r) for r in summary["rows"]]
        result._suggestions = summary["suggestions"]
        result._gaps = row.gaps if with_gaps else None
    else:
        area, rows, picked, gaps = _restricted(row, labels, suggestions, with_gaps)
        result.area, result._rows, result._suggestions, result._gaps = area, rows, picked, gaps
    return result

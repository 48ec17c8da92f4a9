"""Coverage analysis of the "15-minute" goal (DESIGN §4 "Service sites"): which points of a
county's built-up areas lie farther than the configured radius from an open site, the share
covered overall and per township, and where new sites would close the most gaps.

The area is sampled on a grid of square-ish cells (`cell_m`, default 100 m) laid in degrees
over the area's bounding box: a cell is part of the area when its centre lies in a built-up
polygon (the county's `built_up_area` layer), or — when the county has none — inside the
county boundary. A cell is covered when its centre is within `radius_m` (haversine) of an open
site. Shares are shares of cells: all cells of one county have (within 0.1 %) the same area.

Township of a cell (for the per-township shares), the first that applies:
1. a built-up-area feature may name its township in its properties (`township_code`,
   `division_code` or `township`: the code, division code or name of a township-level org of
   the county) — every cell in it then belongs to that township;
2. the township boundary layer (`township`): the township whose polygon holds the cell
   centre (its feature named by `township_code`, `code`, `division_code`, `township` or `name`);
3. otherwise the township recorded on the nearest site of the county (any status). Sites
   record the township they lie in, so this is the Voronoi partition of the sites by
   township: exact away from township borders, and at a border the cell goes to the
   township whose site is nearest, which is where its workers would go anyway.

Suggested locations: greedy maximum coverage. Repeatedly pick the uncovered cell centre that
would cover the most still-uncovered cells (ties: the southernmost, then westernmost cell),
until `limit` suggestions or nothing is left to gain. Greedy max-coverage is within 1 − 1/e
of the best possible set of the same size; the gains are evaluated lazily (a candidate's gain
only shrinks as others are picked), so each round recounts only a few candidates.

Everything above `# --- inputs` is pure: lists of points and polygons in, numbers out.

Stored results. Pages never grid the county: `coverage_refresh_run` (the background task,
tasks.py) stores the analysis per county and cell size in CoverageResult, with a digest
of its exact inputs; site, layer and radius changes queue it (`coverage_refresh_schedule`,
tasks.py), and `coverage_for` (selectors.py) serves the stored result, saying whether it is
current. A user who sees
only some townships gets their suggestions picked from the stored cells of those townships.
"""

import bisect
import datetime
import hashlib
import heapq
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from gonghui.core import geo
from gonghui.core.modules import Action
from gonghui.core.scope import scope_roots
from gonghui.orgs.models import Org, OrgLevel
from gonghui.sites.models import (
    CoverageResult,
    MapLayer,
    MapLayerKind,
    ServiceSite,
    SiteStatus,
)
from gonghui.sites.selectors import (
    MODULE,
    county_of,
    coverage_radius_m,
    map_layer_geojson,
    map_layer_get,
)

M_PER_DEG_LAT = geo.EARTH_RADIUS_M * math.pi / 180.0
DEFAULT_CELL_M = 100
CELL_SIZES_M = (100, 150, 200, 300, 500)
MAX_CELLS = 60_000  # beyond this the cell grows (a county-wide grid with no built-up layer)
DEFAULT_SUGGESTIONS = 10
MAX_SUGGESTIONS = 50

SOURCE_BUILT_UP = "built_up_area"
SOURCE_BOUNDARY = "boundary"
SOURCE_NONE = "none"
SOURCE_LABELS = {
    SOURCE_BUILT_UP: "建成区图层",
    SOURCE_BOUNDARY: "县域边界内网格(未导入建成区)",
    SOURCE_NONE: "未导入建成区或县域边界图层",
}

Key = tuple[int, int]  # (row, column): row grows northwards, column eastwards


# --- grid ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Cells of `cell_m` laid in degrees from the south-west corner (lng0, lat0). The degree
    step of longitude is taken at the middle latitude, so cells are cell_m × cell_m there."""

    lng0: float
    lat0: float
    dlng: float
    dlat: float
    cell_m: float

    @classmethod
    def over(cls, bbox: Sequence[float], cell_m: float) -> "Grid":
        min_lng, min_lat, _max_lng, max_lat = bbox
        mid = math.radians((min_lat + max_lat) / 2)
        dlat = cell_m / M_PER_DEG_LAT
        dlng = cell_m / (M_PER_DEG_LAT * math.cos(mid))
        return cls(lng0=min_lng, lat0=min_lat, dlng=dlng, dlat=dlat, cell_m=cell_m)

    def centre(self, key: Key) -> tuple[float, float]:
        row, col = key
        return self.lng0 + (col + 0.5) * self.dlng, self.lat0 + (row + 0.5) * self.dlat

    def row_of(self, lat: float) -> int:
        return math.floor((lat - self.lat0) / self.dlat)

    def col_of(self, lng: float) -> int:
        return math.floor((lng - self.lng0) / self.dlng)

    def cell_bounds(self, key: Key) -> tuple[float, float, float, float]:
        row, col = key
        west = self.lng0 + col * self.dlng
        south = self.lat0 + row * self.dlat
        return west, south, west + self.dlng, south + self.dlat


def _bbox_area_m2(bbox: Sequence[float]) -> float:
    min_lng, min_lat, max_lng, max_lat = bbox
    mid = math.radians((min_lat + max_lat) / 2)
    return (max_lng - min_lng) * math.cos(mid) * (max_lat - min_lat) * M_PER_DEG_LAT**2


def cell_size_for(
    boxes: Iterable[Sequence[float]], cell_m: float, max_cells: int = MAX_CELLS
) -> float:
    """cell_m, grown (in 10 m steps) so that the polygons' bounding boxes — an upper bound
    of the area — hold at most about max_cells cells."""
    area = sum(_bbox_area_m2(box) for box in boxes)
    if area / cell_m**2 <= max_cells:
        return float(cell_m)
    return float(math.ceil(math.sqrt(area / max_cells) / 10) * 10)


def _rings_bbox(rings: Sequence) -> tuple[float, float, float, float]:
    xs = [p[0] for p in rings[0]]
    ys = [p[1] for p in rings[0]]
    return min(xs), min(ys), max(xs), max(ys)


def area_cells(grid: Grid, polygons: Iterable[tuple[Sequence, object]]) -> dict[Key, object]:
    """The cells whose centre lies in one of the polygons → the polygon's label (the first
    polygon wins where they overlap). Each polygon is GeoJSON rings; only the cells in its
    own bounding box are tested."""
    cells: dict[Key, object] = {}
    for rings, label in polygons:
        west, south, east, north = _rings_bbox(rings)
        for row in range(grid.row_of(south), grid.row_of(north) + 1):
            lat = grid.lat0 + (row + 0.5) * grid.dlat
            for col in range(grid.col_of(west), grid.col_of(east) + 1):
                key = (row, col)
                if key in cells:
                    continue
                lng = grid.lng0 + (col + 0.5) * grid.dlng
                if geo.point_in_polygon(lng, lat, rings):
                    cells[key] = label
    return cells


def polygon_labels(
    grid: Grid, keys: Iterable[Key], polygons: Iterable[tuple[Sequence, object]]
) -> dict[Key, object]:
    """The cells (of `keys`) whose centre lies in one of the polygons → its label (the first
    polygon wins where they overlap). A scanline: each edge is filed under the grid rows whose
    centre line it crosses, so a row costs a sort of its crossings and a bisection per cell,
    whatever the size of the polygons (a county's township boundaries hold ~10⁵ cells)."""
    wanted: dict[int, list[int]] = {}
    for row, col in keys:
        wanted.setdefault(row, []).append(col)
    found: dict[Key, object] = {}
    for rings, label in polygons:
        crossings: dict[int, list[float]] = {}
        for ring in rings:  # holes too: inside means an odd number of crossings on the left
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                if y1 == y2:
                    continue
                low, high = min(y1, y2), max(y1, y2)
                first = math.ceil((low - grid.lat0) / grid.dlat - 0.5)
                last = math.ceil((high - grid.lat0) / grid.dlat - 0.5) - 1
                for row in range(first, last + 1):
                    if row in wanted:
                        y = grid.lat0 + (row + 0.5) * grid.dlat
                        crossings.setdefault(row, []).append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
        for row, xs in crossings.items():
            xs.sort()
            for col in wanted[row]:
                key = (row, col)
                if key not in found and bisect.bisect(xs, grid.lng0 + (col + 0.5) * grid.dlng) % 2:
                    found[key] = label
    return found


# --- points index ---------------------------------------------------------------------------------


class PointIndex:
    """Points (lng, lat, label) bucketed on a coarse degree grid whose buckets are at least
    `bucket_m` wide everywhere within a degree of the points' latitudes, for "any point
    within r" and exact nearest-point queries."""

    def __init__(self, points: Sequence[tuple[float, float, object]], bucket_m: float):
        self.points = list(points)
        lats = [p[1] for p in self.points] or [0.0]
        far = math.radians(min(89.0, max(abs(min(lats)), abs(max(lats))) + 1.0))
        self.bucket_m = bucket_m
        self.dlat = bucket_m / M_PER_DEG_LAT
        self.dlng = bucket_m / (M_PER_DEG_LAT * math.cos(far))
        self.buckets: dict[Key, list[int]] = {}
        for position, (lng, lat, _label) in enumerate(self.points):
            self.buckets.setdefault(self._key(lng, lat), []).append(position)

    def _key(self, lng: float, lat: float) -> Key:
        return math.floor(lat / self.dlat), math.floor(lng / self.dlng)

    @staticmethod
    def _ring(centre: Key, k: int):
        row, col = centre
        if k == 0:
            yield centre
            return
        for dc in range(-k, k + 1):
            yield row - k, col + dc
            yield row + k, col + dc
        for dr in range(-k + 1, k):
            yield row + dr, col - k
            yield row + dr, col + k

    def any_within(self, lng: float, lat: float, radius_m: float) -> bool:
        """True when a point lies within radius_m (needs radius_m ≤ bucket_m)."""
        centre = self._key(lng, lat)
        points = self.points
        for k in (0, 1):
            for key in self._ring(centre, k):
                for position in self.buckets.get(key, ()):
                    p_lng, p_lat, _label = points[position]
                    if geo.haversine_m(lng, lat, p_lng, p_lat) <= radius_m:
                        return True
        return False

    def nearest(self, lng: float, lat: float) -> tuple[float, object] | None:
        """(distance_m, label) of the nearest point (ties: the earlier point), or None."""
        if not self.points:
            return None
        centre = self._key(lng, lat)
        last_ring = max(max(abs(r - centre[0]), abs(c - centre[1])) for r, c in self.buckets)
        best: tuple[float, int] | None = None
        for k in range(last_ring + 1):
            for key in self._ring(centre, k):
                for position in self.buckets.get(key, ()):
                    p_lng, p_lat, _label = self.points[position]
                    candidate = (geo.haversine_m(lng, lat, p_lng, p_lat), position)
                    if best is None or candidate < best:
                        best = candidate
            # Points in rings beyond k are more than k bucket widths away.
            if best is not None and best[0] <= k * self.bucket_m:
                break
        return best[0], self.points[best[1]][2]


# --- coverage and suggestions ---------------------------------------------------------------------


def covered_keys(
    grid: Grid, keys: Iterable[Key], sites: Sequence[tuple[float, float]], radius_m: float
) -> set[Key]:
    """The cells whose centre is within radius_m of a site (sites bucketed by radius)."""
    index = PointIndex([(lng, lat, None) for lng, lat in sites], bucket_m=radius_m)
    return {key for key in keys if index.any_within(*grid.centre(key), radius_m)}


class _Stencil:
    """For a cell at row r: the largest column offset still within the radius, per row
    offset (haversine between cell centres). Depends only on the two rows' latitudes."""

    def __init__(self, grid: Grid, radius_m: float):
        self.grid = grid
        self.radius_m = radius_m
        self.rows = int(radius_m / (grid.dlat * M_PER_DEG_LAT)) + 1
        self._memo: dict[int, list[tuple[int, int]]] = {}

    def offsets(self, row: int) -> list[tuple[int, int]]:
        """[(row offset, max column offset)] of the cells within the radius of row's cells."""
        cached = self._memo.get(row)
        if cached is not None:
            return cached
        grid = self.grid
        lat = grid.lat0 + (row + 0.5) * grid.dlat
        spans = []
        for dr in range(-self.rows, self.rows + 1):
            other = lat + dr * grid.dlat
            if geo.haversine_m(0.0, lat, 0.0, other) > self.radius_m:
                continue
            dc = 0
            while geo.haversine_m(0.0, lat, (dc + 1) * grid.dlng, other) <= self.radius_m:
                dc += 1
            spans.append((dr, dc))
        self._memo[row] = spans
        return spans

    def count(self, key: Key, rows: dict[int, list[int]]) -> int:
        """len(reach(key, pool)) for the pool given as sorted columns per row: two
        bisections per stencil row instead of a lookup per cell (the initial gains of every
        candidate, which dominate the greedy's cost on a large area)."""
        row, col = key
        n = 0
        for dr, dc in self.offsets(row):
            cols = rows.get(row + dr)
            if cols:
                n += bisect.bisect_right(cols, col + dc) - bisect.bisect_left(cols, col - dc)
        return n

    def reach(self, key: Key, pool: set[Key]) -> list[Key]:
        row, col = key
        found = []
        for dr, dc in self.offsets(row):
            r = row + dr
            for c in range(col - dc, col + dc + 1):
                if (r, c) in pool:
                    found.append((r, c))
        return found


@dataclass(frozen=True)
class Suggestion:
    rank: int
    key: Key
    lng: float
    lat: float
    cells_added: int
    share_added: float  # of all cells of the analysed area
    share_after: float  # covered share once this and the earlier suggestions are built
    label: object = None  # the township of the cell


def suggest_sites(
    grid: Grid,
    uncovered: set[Key],
    radius_m: float,
    *,
    total_cells: int,
    covered_count: int,
    limit: int = DEFAULT_SUGGESTIONS,
    labels: dict[Key, object] | None = None,
) -> list[Suggestion]:
    """Greedy max coverage over the uncovered cell centres (see the module docstring)."""
    stencil = _Stencil(grid, radius_m)
    remaining = set(uncovered)
    by_row: dict[int, list[int]] = {}
    for row, col in sorted(remaining):
        by_row.setdefault(row, []).append(col)
    heap = [(-stencil.count(key, by_row), key) for key in sorted(remaining)]
    heapq.heapify(heap)
    picked: list[Suggestion] = []
    covered = covered_count
    while heap and len(picked) < limit:
        _stale_gain, key = heapq.heappop(heap)
        gain = stencil.count(key, by_row)
        if not gain:
            continue
        if heap and (-gain, key) > heap[0]:
            heapq.heappush(heap, (-gain, key))  # its gain shrank: re-rank it
            continue
        reached = stencil.reach(key, remaining)
        remaining.difference_update(reached)
        for row, col in reached:
            cols = by_row[row]
            del cols[bisect.bisect_left(cols, col)]
        covered += len(reached)
        lng, lat = grid.centre(key)
        picked.append(
            Suggestion(
                rank=len(picked) + 1,
                key=key,
                lng=round(lng, 6),
                lat=round(lat, 6),
                cells_added=len(reached),
                share_added=len(reached) / total_cells if total_cells else 0.0,
                share_after=covered / total_cells if total_cells else 0.0,
                label=(labels or {}).get(key),
            )
        )
    return picked


def runs(keys: Iterable[Key]) -> list[tuple[int, int, int]]:
    """Cells merged into horizontal runs (row, first column, last column), sorted."""
    merged: list[tuple[int, int, int]] = []
    for row, col in sorted(keys):
        if merged and merged[-1][0] == row and merged[-1][2] == col - 1:
            merged[-1] = (row, merged[-1][1], col)
        else:
            merged.append((row, col, col))
    return merged


def gaps_geojson(grid: Grid, keys: Iterable[Key]) -> dict:
    """The cells as a FeatureCollection of rectangles (one per horizontal run)."""
    features = []
    for row, first, last in runs(keys):
        west, south, _e, north = grid.cell_bounds((row, first))
        east = grid.cell_bounds((row, last))[2]
        ring = [
            [round(west, 6), round(south, 6)],
            [round(east, 6), round(south, 6)],
            [round(east, 6), round(north, 6)],
            [round(west, 6), round(north, 6)],
            [round(west, 6), round(south, 6)],
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"cells": last - first + 1},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- the analysis of one area ---------------------------------------------------------------------


@dataclass
class AreaCoverage:
    """Cells of an area with their labels (townships) and which are covered."""

    grid: Grid | None
    cells: dict[Key, object]  # key → label
    covered: set[Key]
    radius_m: float
    source: str
    open_sites: int
    elapsed_ms: float = 0.0

    def restricted(self, labels: set | None) -> "AreaCoverage":
        """The same analysis limited to cells whose label is in labels (None: all)."""
        if labels is None:
            return self
        cells = {k: v for k, v in self.cells.items() if v in labels}
        return AreaCoverage(
            grid=self.grid,
            cells=cells,
            covered={k for k in self.covered if k in cells},
            radius_m=self.radius_m,
            source=self.source,
            open_sites=self.open_sites,
            elapsed_ms=self.elapsed_ms,
        )

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def share(self) -> float | None:
        return len(self.covered) / len(self.cells) if self.cells else None

    @property
    def uncovered(self) -> set[Key]:
        return set(self.cells) - self.covered

    def by_label(self) -> list[tuple[object, int, int]]:
        """[(label, cells, covered cells)] in order of first appearance of each label."""
        totals: dict[object, list[int]] = {}
        for key, label in self.cells.items():
            entry = totals.setdefault(label, [0, 0])
            entry[0] += 1
            if key in self.covered:
                entry[1] += 1
        return [(label, n, c) for label, (n, c) in totals.items()]


def analyse_area(
    *,
    polygons: Sequence[tuple[Sequence, object]],
    bbox: Sequence[float] | None,
    open_sites: Sequence[tuple[float, float]],
    radius_m: float,
    cell_m: float = DEFAULT_CELL_M,
    label_sites: Sequence[tuple[float, float, object]] = (),
    label_polygons: Sequence[tuple[Sequence, object]] = (),
    source: str = SOURCE_BUILT_UP,
) -> AreaCoverage:
    """Sample the polygons on a grid and mark the covered cells.

    Cells of a polygon labelled None take the label of the one of `label_polygons` (rings,
    label: the township boundaries) holding their centre, else of the nearest of
    `label_sites` (lng, lat, label); cells of a labelled polygon keep its label."""
    started = time.perf_counter()
    if not polygons or bbox is None:
        return AreaCoverage(None, {}, set(), radius_m, SOURCE_NONE, len(open_sites))
    size = cell_size_for([_rings_bbox(rings) for rings, _label in polygons], cell_m)
    grid = Grid.over(bbox, size)
    cells = area_cells(grid, polygons)
    if label_polygons:
        unlabelled = [key for key, label in cells.items() if label is None]
        cells.update(polygon_labels(grid, unlabelled, label_polygons))
    if label_sites and any(label is None for label in cells.values()):
        index = PointIndex(label_sites, bucket_m=max(radius_m, 500.0))
        for key, label in cells.items():
            if label is None:
                found = index.nearest(*grid.centre(key))
                cells[key] = found[1] if found else None
    covered = covered_keys(grid, cells, open_sites, radius_m) if open_sites else set()
    return AreaCoverage(
        grid=grid,
        cells=cells,
        covered=covered,
        radius_m=radius_m,
        source=source,
        open_sites=len(open_sites),
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


@dataclass
class LabelCoverage:
    label: object
    cells: int
    covered: int

    @property
    def share(self) -> float:
        return self.covered / self.cells if self.cells else 0.0


@dataclass
class CoverageReport:
    area: AreaCoverage
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def rows(self) -> list[LabelCoverage]:
        return [LabelCoverage(label, n, c) for label, n, c in self.area.by_label()]


def coverage_report(
    area: AreaCoverage, *, suggestions: int = DEFAULT_SUGGESTIONS
) -> CoverageReport:
    picked = []
    if area.grid is not None and suggestions > 0:
        picked = suggest_sites(
            area.grid,
            area.uncovered,
            area.radius_m,
            total_cells=area.total,
            covered_count=len(area.covered),
            limit=min(suggestions, MAX_SUGGESTIONS),
            labels=area.cells,
        )
    return CoverageReport(area=area, suggestions=picked)


# --- inputs ----------------------------------------------------------------------------------------


def coverage_counties(user, action: str = Action.VIEW) -> list[Org]:
    """The counties the user may see (view) or manage (other actions) the map and coverage of.

    View: the county at or above each root of the user's scope (a township's staff see their
    county's map layers as context), or the counties inside a root above county level.
    Other actions: only counties whose org lies in the user's scope for that action."""
    counties: dict[int, Org] = {}
    roots = Org.objects.filter(pk__in=[r.org_id for r in scope_roots(user, MODULE, action)])
    for root in roots:
        if root.level <= OrgLevel.COUNTY:
            for county in Org.objects.filter(path__startswith=root.path, level=OrgLevel.COUNTY):
                counties[county.pk] = county
        elif action == Action.VIEW:
            county = county_of(root)
            if county is not None:
                counties[county.pk] = county
    return sorted(counties.values(), key=lambda c: (c.path, c.pk))


_TOWNSHIP_KEYS = ("township_code", "division_code", "township")
# Properties naming the township of a feature of the township boundary layer.
_TOWNSHIP_LAYER_KEYS = ("township_code", "code", "division_code", "township", "name")


def _township_lookup(townships) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for township in townships:
        bare = township.name.removesuffix("总工会").removesuffix("工会")
        for value in (
            township.code,
            township.division_code,
            township.name,
            township.short_name,
            bare,
        ):
            if value:
                lookup.setdefault(str(value).strip(), township.pk)
    return lookup


def county_area_coverage(county, *, cell_m: float = DEFAULT_CELL_M) -> AreaCoverage:
    """The whole county's analysis; cells labelled with township org ids (None: unassigned)."""

    radius = coverage_radius_m(county)
    townships = Org.objects.filter(path__startswith=county.path, level=OrgLevel.TOWNSHIP)
    lookup = _township_lookup(townships)
    polygons: list[tuple[Sequence, object]] = []
    source = SOURCE_NONE
    bbox = None
    built_up = map_layer_get(county, MapLayerKind.BUILT_UP_AREA)
    layer = built_up or map_layer_get(county, MapLayerKind.BOUNDARY)
    if layer is not None:
        source = SOURCE_BUILT_UP if built_up is not None else SOURCE_BOUNDARY
        bbox = layer.bbox
        for feature in map_layer_geojson(layer)["features"]:
            label = (
                _feature_township(feature, lookup, _TOWNSHIP_KEYS)
                if source == SOURCE_BUILT_UP
                else None
            )
            polygons.extend((rings, label) for rings in geo.polygons_of(feature))
    label_polygons: list[tuple[Sequence, object]] = []
    township_layer = map_layer_get(county, MapLayerKind.TOWNSHIP)
    if township_layer is not None:
        for feature in map_layer_geojson(township_layer)["features"]:
            label = _feature_township(feature, lookup, _TOWNSHIP_LAYER_KEYS)
            if label is not None:
                label_polygons.extend((rings, label) for rings in geo.polygons_of(feature))
    in_county = ServiceSite.objects.filter(org__path__startswith=county.path).order_by("id")
    open_sites = list(in_county.filter(status=SiteStatus.OPEN).values_list("lng", "lat"))
    label_sites = list(
        in_county.filter(township__isnull=False).values_list("lng", "lat", "township_id")
    )
    return analyse_area(
        polygons=polygons,
        bbox=bbox,
        open_sites=open_sites,
        radius_m=radius,
        cell_m=cell_m,
        label_sites=label_sites,
        label_polygons=label_polygons,
        source=source,
    )


def _feature_township(feature: dict, lookup: dict[str, int], keys: Sequence[str]) -> int | None:
    properties = feature.get("properties") or {}
    for name in keys:
        value = properties.get(name)
        if value not in (None, "") and str(value).strip() in lookup:
            return lookup[str(value).strip()]
    return None


# --- the stored analysis (computed in the background) ---------------------------------------------

# Bump when the analysis itself changes, so results stored by older code count as outdated.
ALGORITHM_VERSION = 3
# A refresh queued this long ago and still not run is taken as lost (no worker was running
# or the queue was reset) and queued again by the next page that finds the result outdated.
QUEUE_TIMEOUT = datetime.timedelta(minutes=15)
STATE_CURRENT = "current"  # computed from the inputs as they are now
STATE_STALE = "stale"  # computed from older inputs; a refresh is queued
STATE_MISSING = "missing"  # never computed yet; a refresh is queued
_INPUT_LAYERS = (MapLayerKind.BUILT_UP_AREA, MapLayerKind.BOUNDARY, MapLayerKind.TOWNSHIP)


def input_layers(county) -> list[tuple]:
    return list(
        MapLayer.objects.filter(org=county, kind__in=_INPUT_LAYERS)
        .order_by("kind")
        .values_list("kind", "id", "version")
    )


def coverage_inputs_fingerprint(county, layers: list[tuple] | None = None) -> str:
    """A digest of everything the county's analysis reads: its sites' positions, status and
    township, the built-up area, boundary and township layers, the township orgs (labels)
    and the radius. Equal digests mean an equal analysis (4 queries; 3 given `layers`, the
    county's input_layers)."""
    sites = list(
        ServiceSite.objects.filter(org__path__startswith=county.path)
        .order_by("id")
        .values_list("id", "lng", "lat", "status", "township_id")
    )
    if layers is None:
        layers = input_layers(county)
    towns = list(
        Org.objects.filter(path__startswith=county.path, level=OrgLevel.TOWNSHIP)
        .order_by("id")
        .values_list("id", "code", "division_code", "name", "short_name")
    )
    raw = repr((ALGORITHM_VERSION, county.pk, coverage_radius_m(county), sites, layers, towns))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def label_key(label) -> str:
    return "" if label is None else str(label)


def label_of(key: str):
    return int(key) if key else None


def _flat(keys: Iterable[Key]) -> list[int]:
    return [n for key in sorted(keys) for n in key]


def keys_of(flat: Sequence[int]) -> list[Key]:
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


def _store_payload(area: AreaCoverage, report: CoverageReport) -> dict:
    """The columns of a CoverageResult row for this analysis of the whole county."""
    by_label: dict[str, dict[str, list]] = {}
    for key, label in area.cells.items():
        entry = by_label.setdefault(label_key(label), {"covered": [], "gaps": []})
        entry["covered" if key in area.covered else "gaps"].append(key)
    grid = area.grid
    return {
        "summary": {
            "source": area.source,
            "radius_m": area.radius_m,
            "cell_m": grid.cell_m if grid is not None else None,
            "open_sites": area.open_sites,
            "total": area.total,
            "covered": len(area.covered),
            "rows": [[label, n, c] for label, n, c in area.by_label()],
            "suggestions": [suggestion_row(s) for s in report.suggestions],
            # Per township, for the users who see one township (the common case).
            "township_suggestions": _township_suggestions(area, report),
        },
        "gaps": gaps_geojson(grid, area.uncovered) if grid is not None else EMPTY_COLLECTION,
        "cells": {
            "grid": [grid.lng0, grid.lat0, grid.dlng, grid.dlat, grid.cell_m]
            if grid is not None
            else None,
            "by_label": {
                label: {"covered": _flat(e["covered"]), "gaps": _flat(e["gaps"])}
                for label, e in by_label.items()
            },
        },
    }


def _township_suggestions(area: AreaCoverage, report: CoverageReport) -> dict[str, list]:
    labels = {label for label in area.cells.values() if label is not None}
    if len(labels) == 1 and None not in area.cells.values():  # the county is one township
        return {
            label_key(label): [suggestion_row(s) for s in report.suggestions] for label in labels
        }
    return {
        label_key(label): [
            suggestion_row(s)
            for s in coverage_report(
                area.restricted({label}), suggestions=MAX_SUGGESTIONS
            ).suggestions
        ]
        for label in labels
    }


def suggestion_row(s: Suggestion) -> dict:
    return {
        "rank": s.rank,
        "lng": s.lng,
        "lat": s.lat,
        "cells_added": s.cells_added,
        "share_added": s.share_added,
        "share_after": s.share_after,
        "label": s.label,
    }


EMPTY_COLLECTION = {"type": "FeatureCollection", "features": []}


def coverage_refresh_run(county) -> int:
    """Recompute the county's stored results whose inputs changed (the background task's
    body; the demo seeder calls it directly). Returns how many results were recomputed.

    The queued flag is cleared first: a change made while this runs queues another refresh,
    which recomputes if this one read the inputs before the change. The fingerprint is taken
    before the inputs are read, so a change in between leaves the result marked outdated."""
    rows = list(CoverageResult.objects.filter(org=county).order_by("cell_m"))
    CoverageResult.objects.filter(org=county).update(queued=False)
    fingerprint = coverage_inputs_fingerprint(county)
    done = 0
    for row in rows:
        if row.fingerprint == fingerprint and row.computed_at is not None:
            continue
        started = time.perf_counter()
        area = county_area_coverage(county, cell_m=row.cell_m)
        report = coverage_report(area, suggestions=MAX_SUGGESTIONS)
        payload = _store_payload(area, report)
        CoverageResult.objects.filter(pk=row.pk).update(
            fingerprint=fingerprint,
            computed_at=timezone.now(),
            elapsed_ms=round((time.perf_counter() - started) * 1000),
            **payload,
        )
        done += 1
    return done

"""Reads for service sites: scoped staff lists and details, the public nearest query,
open-now, map layers and the county of an org."""

import datetime
import functools
import json
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.db.models.lookups import Exact
from django.utils import timezone

from gonghui.core import geo
from gonghui.core.db import prepared_cursor
from gonghui.core.errors import NotFound
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_q, scope_queryset, scope_roots
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org, OrgLevel, OrgStatus, township_q
from gonghui.sites.hours import hours_open_at
from gonghui.sites.models import (
    DEFAULT_COVERAGE_RADIUS_M,
    CheckIn,
    CoverageSettings,
    Facility,
    FeedbackKind,
    FeedbackStatus,
    MapLayer,
    MapLayerKind,
    ServiceSite,
    SiteFeedback,
    SiteKind,
    SiteStatus,
    codes_to_mask,
)

MODULE = "sites"
NEAREST_MAX_LIMIT = 50
# The first circle: 1 km finds ten sites in a town at province density (200,000 sites) while
# reading ~4x fewer candidates than 2 km did; sparser places widen it by the density seen
# (bench/sites.py: database CPU per call 0.39 -> 0.21 ms, 1.22 -> 1.35 queries per call).
NEAREST_INITIAL_RADIUS_M = 1_000.0
NEAREST_MAX_BOX_RADIUS_M = 400_000.0  # beyond this the query scans all candidate sites


# --- filters shared by lists and the nearest query -----------------------------------------


def facilities_filter(queryset: QuerySet, codes) -> QuerySet:
    """Sites having every facility in codes (SQL bitwise AND; unknown codes are ignored)."""
    mask = codes_to_mask(Facility, [c for c in codes if c in Facility.values])
    if not mask:
        return queryset
    return queryset.filter(Exact(F("facilities").bitand(mask), mask))


def site_is_open_now(site: ServiceSite, at: datetime.datetime | None = None) -> bool:
    """Open now: status open, and the 24-hour flag or the weekday hours (Asia/Shanghai)."""
    if site.status != SiteStatus.OPEN:
        return False
    return hours_open_at(site.opening_hours or {}, site.is_24h, at or timezone.now())


def _open_now_filter(queryset: QuerySet, at: datetime.datetime) -> QuerySet:
    open_ids = [
        pk
        for pk, hours, is_24h in queryset.filter(status=SiteStatus.OPEN).values_list(
            "pk", "opening_hours", "is_24h"
        )
        if hours_open_at(hours or {}, is_24h, at)
    ]
    return queryset.filter(pk__in=open_ids)


# --- staff ------------------------------------------------------------------------------------


def site_scoped(user, action: str = Action.VIEW) -> QuerySet[ServiceSite]:
    return scope_queryset(ServiceSite.objects.all(), user, MODULE, action)


def site_list(
    user,
    *,
    kind: str = "",
    status: str = "",
    facilities=(),
    township: int | Org | None = None,
    open_now: bool = False,
    q: str = "",
    at: datetime.datetime | None = None,
    action: str = Action.VIEW,
) -> QuerySet[ServiceSite]:
    """Sites in the user's scope for `action` (view; export for exports), newest first.
    Unknown filter values are ignored."""
    sites = site_scoped(user, action).select_related("org", "township")
    if kind in SiteKind.values:
        sites = sites.filter(kind=kind)
    if status in SiteStatus.values:
        sites = sites.filter(status=status)
    sites = facilities_filter(sites, facilities)
    if township:
        sites = sites.filter(township_id=township.pk if isinstance(township, Org) else township)
    q = normalise_text(q)
    if q:
        sites = sites.filter(
            Q(name__contains=q) | Q(site_code__istartswith=q) | Q(address__contains=q)
        )
    if open_now:
        sites = _open_now_filter(sites, at or timezone.now())
    return sites.order_by("-id")


def site_get(user, pk, action: str = Action.VIEW) -> ServiceSite:
    """One site in scope for the action; Http404 otherwise."""
    return get_in_scope_or_404(
        ServiceSite.objects.select_related("org", "township"), user, MODULE, action, pk=pk
    )


def site_photos(site: ServiceSite):
    return site.photos.all()


def site_townships(user) -> QuerySet[Org]:
    """Townships that sites in the user's view scope lie in (the list's township filter)."""
    return Org.objects.filter(
        pk__in=site_scoped(user).exclude(township=None).values("township_id")
    ).order_by("path")


def site_org_choices(user) -> QuerySet[Org]:
    """Active orgs the user may register sites under (edit scope), in tree order."""
    return (
        scope_queryset(Org.objects.all(), user, MODULE, Action.EDIT, org_field="")
        .filter(status=OrgStatus.ACTIVE)
        .order_by("path")
    )


def site_township_choices(user) -> QuerySet[Org]:
    """Township-level orgs a site the user edits may lie in: those in the edit scope and
    the township above each scope root (a grassroots union's own township)."""
    roots = scope_roots(user, MODULE, Action.EDIT)
    return Org.objects.filter(
        Q(scope_q([r.path for r in roots], "path"))
        | Q(pk__in=[r.anchor_id for r in roots if r.anchor_id]),
        township_q(),
        status=OrgStatus.ACTIVE,
    ).order_by("code")


def feedback_scoped(user, action: str = Action.VIEW) -> QuerySet[SiteFeedback]:
    return scope_queryset(SiteFeedback.objects.all(), user, MODULE, action)


def feedback_list(
    user, *, status: str = "", kind: str = "", site: ServiceSite | None = None, q: str = ""
) -> QuerySet[SiteFeedback]:
    """The feedback queue of the user's scope (routed by the site's managing org)."""
    items = feedback_scoped(user).select_related("site", "org").defer("phone")
    if status in FeedbackStatus.values:
        items = items.filter(status=status)
    if kind in FeedbackKind.values:
        items = items.filter(kind=kind)
    if site is not None:
        items = items.filter(site=site)
    q = normalise_text(q)
    if q:
        items = items.filter(Q(text__contains=q) | Q(site__name__contains=q))
    return items.order_by("-id")


def feedback_get(user, pk, action: str = Action.VIEW) -> SiteFeedback:
    return get_in_scope_or_404(
        SiteFeedback.objects.select_related("site", "org", "answered_by"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def checkin_monthly(user, *, since: datetime.date | None = None) -> QuerySet:
    """Usage by site and month in scope: rows {site_id, month (date), total}."""
    rows = CheckIn.objects.filter(site__in=site_scoped(user).values("pk"))
    if since is not None:
        rows = rows.filter(day__gte=since)
    return (
        rows.annotate(month=TruncMonth("day"))
        .values("site_id", "month")
        .annotate(total=Sum("count"))
        .order_by("month", "site_id")
    )


# --- public -----------------------------------------------------------------------------------


def site_public_get(*, site_code: str) -> ServiceSite:
    """A site by its code for the public pages (any status: the page says when it is closed)."""
    code = normalise_text(site_code).upper()
    site = ServiceSite.objects.select_related("org").filter(site_code=code).first()
    if site is None:
        raise NotFound("未找到该站点，请核对站点编码。", code="site_not_found")
    return site


@dataclass(frozen=True)
class NearestSite:
    site: ServiceSite
    distance_m: float


def _ranked(rows, lng: float, lat: float, open_now: bool, at) -> list[tuple[float, int]]:
    ranked = []
    for row in rows:
        if open_now and not hours_open_at(row[4] or {}, row[3], at):
            continue
        ranked.append((geo.haversine_m(lng, lat, row[2], row[1]), row[0]))
    ranked.sort()
    return ranked


def _candidates(box: geo.Box | None, kind, mask: int, with_hours: bool) -> list[tuple]:
    """(id, lat, lng[, is_24h, opening_hours]) of the open sites in the box (all when None).

    Hand-written SQL rather than a queryset: this runs once or twice per nearest query, and
    the ORM's compile step and the model's default ORDER BY cost more than the index range
    scan on (status, lat, lng) itself (bench/sites.py). Same SQL on SQLite and PostgreSQL.
    """
    quote = connection.ops.quote_name
    columns = "id, lat, lng, is_24h, opening_hours" if with_hours else "id, lat, lng"
    where, params = ["status = %s"], [SiteStatus.OPEN.value]
    if box is not None:
        where.append("lat >= %s AND lat <= %s AND lng >= %s AND lng <= %s")
        params += [box.min_lat, box.max_lat, box.min_lng, box.max_lng]
    if kind:
        where.append("kind = %s")
        params.append(kind)
    if mask:
        where.append("(facilities & %s) = %s")
        params += [mask, mask]
    sql = f"SELECT {columns} FROM {quote(ServiceSite._meta.db_table)} WHERE {' AND '.join(where)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if with_hours:
        hours_field = ServiceSite._meta.get_field("opening_hours")
        rows = [(*row[:4], hours_field.from_db_value(row[4], None, connection)) for row in rows]
    return rows


def site_nearest(
    *,
    lat: float,
    lng: float,
    limit: int = 10,
    kind: str | None = None,
    open_now: bool | None = None,
    at: datetime.datetime | None = None,
    facilities=(),
) -> list[NearestSite]:
    """The `limit` open sites nearest to a GCJ-02 point, by haversine distance, ties by id.

    Exact: equal to sorting every candidate by (haversine_m, id). A bounding box around a
    circle of radius r (indexed range on lat, lng) is queried; when at least `limit`
    candidates lie within r, nothing outside the box can be nearer than them, so they are the
    answer. Otherwise r grows; past NEAREST_MAX_BOX_RADIUS_M (or when a box would wrap) all
    candidates are scanned. Works on SQLite and plain PostgreSQL.
    """
    limit = max(1, min(int(limit), NEAREST_MAX_LIMIT))
    at = at or timezone.now()
    mask = codes_to_mask(Facility, [c for c in facilities if c in Facility.values])
    kind = kind or None
    radius = NEAREST_INITIAL_RADIUS_M
    if connection.vendor == "postgresql" and not open_now:
        while radius <= NEAREST_MAX_BOX_RADIUS_M:
            outcome = _nearest_in_one_query(lat, lng, limit, kind, mask, radius)
            if isinstance(outcome, list):
                return outcome
            if outcome is None:  # a possible tie at the fetch limit: the general path decides
                break
            radius *= _growth(outcome, limit)
    while True:
        box = geo.bounding_box(lng, lat, radius) if radius <= NEAREST_MAX_BOX_RADIUS_M else None
        rows = _candidates(box, kind, mask, bool(open_now))
        ranked = _ranked(rows, lng, lat, bool(open_now), at)
        if box is None:
            top = ranked[:limit]
            break
        within = [item for item in ranked if item[0] <= radius]
        if len(within) >= limit:
            top = within[:limit]
            break
        radius *= _growth(len(within), limit)
    sites = _nearest_sites([pk for _, pk in top])
    return [NearestSite(site=sites[pk], distance_m=distance) for distance, pk in top]


def _growth(found_within: int, limit: int) -> float:
    """How much to widen the circle: by the density seen so far (area ∝ r²), ×2 to ×8."""
    growth = 8.0 if not found_within else math.sqrt(limit / found_within) * 1.25
    return min(8.0, max(2.0, growth))


# The same great-circle distance as geo.haversine_m, in PostgreSQL.
_HAVERSINE_SQL = (
    "2 * %(r)s * asin(least(1.0, sqrt(power(sin(radians(lat - %(lat)s) / 2), 2)"
    " + cos(radians(%(lat)s)) * cos(radians(lat)) * power(sin(radians(lng - %(lng)s) / 2), 2))))"
)
# Rows fetched beyond `limit`, so that Python's own ranking can settle what the two
# floating-point evaluations might order differently at the last bit.
_NEAREST_MARGIN = 8


def _nearest_in_one_query(lat, lng, limit, kind, mask, radius) -> list[NearestSite] | int | None:
    """One round trip per circle (PostgreSQL): the box, ranked by distance in SQL, the shown
    columns of the nearest limit + margin rows. The answer is re-ranked with
    geo.haversine_m and accepted only when it is provably the brute-force one: the
    limit-th site lies inside the box's circle, and every row not fetched is farther (the
    last fetched row, by SQL, is beyond it by more than rounding could explain).
    Otherwise: the number of sites found inside the circle (fewer than limit: widen it), or
    None when a tie at the fetch limit cannot be ruled out (the general path decides).

    The box is `point(lng, lat) <@ box(...)`, served by the GiST index of the open sites'
    points (sites migration 0002); PostgreSQL's geometric comparisons allow 1e-6° of slack,
    so the candidates are a superset of the box, which keeps the proof above intact. The
    statement is prepared once per connection (core.db.prepared_cursor)."""
    box = geo.bounding_box(lng, lat, radius)
    if box is None:  # near a pole or the antimeridian: the general path scans everything
        return None
    params = {
        "min_lat": box.min_lat,
        "max_lat": box.max_lat,
        "min_lng": box.min_lng,
        "max_lng": box.max_lng,
        "r": geo.EARTH_RADIUS_M,
        "lat": lat,
        "lng": lng,
        "fetch": limit + _NEAREST_MARGIN,
        "kind": kind,
        "mask": mask,
    }
    sql, names = _one_query_sql(bool(kind), bool(mask))
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    lat_at, lng_at, id_at = names.index("lat"), names.index("lng"), names.index("id")
    ranked = sorted(
        (geo.haversine_m(lng, lat, row[lng_at], row[lat_at]), row[id_at], row) for row in rows
    )
    within = sum(1 for distance, *_ in ranked if distance <= radius)
    if within < limit:
        return within
    kth = ranked[limit - 1][0]
    if len(rows) == limit + _NEAREST_MARGIN and rows[-1][-1] <= kth + 1e-6:
        return None  # an unfetched row might tie with the last one kept
    return [
        NearestSite(site=_site_from_row(names, row), distance_m=distance)
        for distance, _, row in ranked[:limit]
    ]


@functools.cache
def _one_query_sql(with_kind: bool, with_mask: bool) -> tuple[str, list[str]]:
    """The statement of _nearest_in_one_query (fixed text, so it is prepared once) and the
    attribute names of its columns. `status = 'open'` is literal so that the generic plan
    of the prepared statement can use the partial GiST index."""
    quote = connection.ops.quote_name
    fields = _nearest_fields()
    columns = ", ".join(quote(f.column) for f in fields)
    where = [
        f"status = '{SiteStatus.OPEN.value}'",
        "point(lng, lat) <@ box(point(%(min_lng)s, %(min_lat)s), point(%(max_lng)s, %(max_lat)s))",
    ]
    if with_kind:
        where.append("kind = %(kind)s")
    if with_mask:
        where.append("(facilities & %(mask)s) = %(mask)s")
    sql = (
        f"SELECT {columns}, {_HAVERSINE_SQL} AS distance "
        f"FROM {quote(ServiceSite._meta.db_table)} WHERE {' AND '.join(where)} "
        f"ORDER BY distance, id LIMIT %(fetch)s"
    )
    return sql, [f.attname for f in fields]


@functools.cache
def _nearest_fields() -> list:
    return [f for f in ServiceSite._meta.concrete_fields if f.attname in _NEAREST_FIELDS]


@functools.cache
def _converters() -> list:
    """(position, field) of the nearest columns that need from_db_value (e.g. opening_hours,
    JSON text on SQLite, or a JSON string from a server-side-bound PostgreSQL query)."""
    return [(i, f) for i, f in enumerate(_nearest_fields()) if hasattr(f, "from_db_value")]


def _site_from_row(names: list[str], row) -> ServiceSite:
    values = list(row[: len(names)])
    for i, field in _converters():
        values[i] = field.from_db_value(values[i], None, connection)
    return ServiceSite.from_db(connection.alias, names, values)


# What the nearest list and the public API read of each site; other fields load on access.
_NEAREST_FIELDS = (
    "id",
    "org_id",
    "site_code",
    "name",
    "kind",
    "status",
    "address",
    "lat",
    "lng",
    "is_24h",
    "opening_hours",
    "facilities",
    "standards",
)


def _nearest_sites(pks: list[int]) -> dict[int, ServiceSite]:
    """The found sites as (partly deferred) model instances, in one plain query: the ORM's
    in_bulk with its compile step and a join to the org cost several times the query."""
    if not pks:
        return {}
    quote = connection.ops.quote_name
    # Model.from_db expects the loaded values in the model's field order.
    fields = _nearest_fields()
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(pks))
    table = quote(ServiceSite._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id IN ({marks})", pks)
        rows = cursor.fetchall()
    names = [f.attname for f in fields]
    sites = {}
    for row in rows:
        site = _site_from_row(names, row)
        sites[site.pk] = site
    return sites


# --- county, map layers, coverage ----------------------------------------------------------


def county_of(org: Org | None) -> Org | None:
    """The county-level org at or above org (None above county level or for None)."""
    if org is None:
        return None
    if org.level == OrgLevel.COUNTY:
        return org
    return Org.objects.filter(pk__in=org.ancestor_ids(), level=OrgLevel.COUNTY).first()


def map_layer_get(county: Org, kind: str) -> MapLayer | None:
    return MapLayer.objects.filter(org=county, kind=kind).first()


def map_layers(county: Org) -> QuerySet[MapLayer]:
    return MapLayer.objects.filter(org=county).order_by("kind")


_PARSED: dict[tuple, dict] = {}
_PARSED_MAX = 64


def map_layer_geojson(layer: MapLayer) -> dict:
    """The parsed GeoJSON of a layer (kept in memory per layer id, version and save time)."""
    key = (layer.pk, layer.version, layer.updated_at, len(layer.geojson))
    parsed = _PARSED.get(key)
    if parsed is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        parsed = _PARSED[key] = json.loads(layer.geojson)
    return parsed


def county_boundary(county: Org | None) -> dict | None:
    """The county's boundary GeoJSON, or None when none has been imported."""
    if county is None:
        return None
    layer = map_layer_get(county, MapLayerKind.BOUNDARY)
    return map_layer_geojson(layer) if layer is not None else None


def coverage_radius_m(county: Org | None) -> int:
    """The configured coverage radius of the county (default 1000 m)."""
    if county is None:
        return DEFAULT_COVERAGE_RADIUS_M
    setting = CoverageSettings.objects.filter(org=county).first()
    return setting.radius_m if setting is not None else DEFAULT_COVERAGE_RADIUS_M

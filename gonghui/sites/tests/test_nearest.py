"""site_nearest equals a brute-force haversine sort, including at the prefilter box edge."""

import datetime
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core import geo
from gonghui.orgs.models import with_org_anchor
from gonghui.sites import selectors
from gonghui.sites.hours import SHANGHAI
from gonghui.sites.models import ServiceSite, SiteKind, SiteStatus
from gonghui.sites.selectors import NEAREST_INITIAL_RADIUS_M, site_nearest

HOURS = [
    ({}, True),
    ({d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}, False),
    ({d: [["20:00", "02:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}, False),
    ({"sat": [["09:00", "12:00"], ["13:00", "17:00"]]}, False),
]
KINDS = list(SiteKind.values)


def _destination(lng, lat, bearing_deg, distance_m):
    delta = distance_m / geo.EARTH_RADIUS_M
    phi, lam, theta = math.radians(lat), math.radians(lng), math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return round(math.degrees(lam2), 6), round(math.degrees(phi2), 6)


def _replace_sites(org, rows) -> list[ServiceSite]:
    """rows: (lng, lat, kind, status, hours, is_24h). Bulk, fast, every example anew."""
    ServiceSite.objects.all().delete()
    sites = [
        ServiceSite(
            org=org,
            kind=kind,
            name=f"站点{i}",
            site_code=f"999999-XX-{i:04d}",
            lng=lng,
            lat=lat,
            status=status,
            opening_hours=hours,
            is_24h=is_24h,
            facilities=i % 8,
        )
        for i, (lng, lat, kind, status, hours, is_24h) in enumerate(rows)
    ]
    return ServiceSite.objects.bulk_create(with_org_anchor(sites))


def _brute_force(lng, lat, limit, kind=None, open_now=False, at=None, facilities=()):
    candidates = []
    for site in ServiceSite.objects.all():
        if site.status != SiteStatus.OPEN or (kind and site.kind != kind):
            continue
        if open_now and not selectors.site_is_open_now(site, at):
            continue
        if any(code not in site.facility_codes for code in facilities):
            continue
        candidates.append((geo.haversine_m(lng, lat, site.lng, site.lat), site.pk))
    return sorted(candidates)[:limit]


def _answer(lng, lat, limit, **filters):
    return [
        (r.distance_m, r.site.pk) for r in site_nearest(lat=lat, lng=lng, limit=limit, **filters)
    ]


@st.composite
def scenes(draw):
    rng = random.Random(draw(st.integers(0, 2**32)))
    q_lng = draw(st.floats(min_value=100, max_value=125))
    q_lat = draw(st.floats(min_value=20, max_value=45))
    n = draw(st.integers(0, 60))
    rows = []
    for _ in range(n):
        shape = rng.random()
        if shape < 0.4:  # near the initial box edge, inside and outside, corners included
            distance = NEAREST_INITIAL_RADIUS_M * rng.uniform(0.9, 1.5)
            bearing = rng.choice([0, 45, 90, 135, 180, 225, 270, 315, rng.uniform(0, 360)])
        elif shape < 0.7:
            distance, bearing = rng.uniform(0, 8_000), rng.uniform(0, 360)
        else:
            distance, bearing = rng.uniform(0, 600_000), rng.uniform(0, 360)
        lng, lat = _destination(q_lng, q_lat, bearing, distance)
        rows.append(
            (
                lng,
                lat,
                rng.choice(KINDS),
                rng.choice([SiteStatus.OPEN] * 4 + [SiteStatus.SUSPENDED, SiteStatus.CLOSED]),
                *rng.choice(HOURS),
            )
        )
        if rows and rng.random() < 0.15:  # exact ties: a second site at the same point
            rows.append((lng, lat, *rows[-1][2:]))
    limit = draw(st.integers(1, 12))
    kind = draw(st.sampled_from([None, *KINDS]))
    open_now = draw(st.booleans())
    at = datetime.datetime(2026, 3, 2, 0, 0, tzinfo=SHANGHAI) + datetime.timedelta(
        minutes=draw(st.integers(0, 7 * 24 * 60))
    )
    facilities = draw(st.sampled_from([(), ("room",), ("table_chairs", "microwave")]))
    return q_lng, q_lat, rows, limit, kind, open_now, at, facilities


@pytest.mark.django_db
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scene=scenes())
def test_nearest_equals_brute_force_on_random_data(tree, scene):
    # given random open/suspended/closed sites around a query point
    q_lng, q_lat, rows, limit, kind, open_now, at, facilities = scene
    _replace_sites(tree.a, rows)
    filters = dict(kind=kind, open_now=open_now, at=at, facilities=facilities)
    # when / then
    assert _answer(q_lng, q_lat, limit, **filters) == _brute_force(q_lng, q_lat, limit, **filters)


@pytest.mark.django_db
def test_a_site_just_outside_the_box_beats_one_in_the_box_corner(tree):
    # given: A in the NE corner of the initial box (distance ≈ 1.41 r, inside the box),
    # B due east just past the box edge (1.05 r, outside the box): B is the nearer one
    q_lng, q_lat = 119.7, 29.1
    box = geo.bounding_box(q_lng, q_lat, NEAREST_INITIAL_RADIUS_M)
    corner = (box.max_lng - 1e-6, box.max_lat - 1e-6)
    east = _destination(q_lng, q_lat, 90, NEAREST_INITIAL_RADIUS_M * 1.05)
    assert east[0] > box.max_lng
    a, b = _replace_sites(
        tree.a,
        [
            (*corner, SiteKind.CANTEEN, SiteStatus.OPEN, {}, True),
            (*east, SiteKind.CANTEEN, SiteStatus.OPEN, {}, True),
        ],
    )
    # when
    found = site_nearest(lat=q_lat, lng=q_lng, limit=1)
    # then
    assert [r.site.pk for r in found] == [b.pk]
    assert found[0].distance_m == pytest.approx(NEAREST_INITIAL_RADIUS_M * 1.05, rel=1e-6)


@pytest.mark.django_db
def test_ties_are_broken_by_id_and_limit_is_respected(tree):
    rows = [(119.7, 29.1, SiteKind.CANTEEN, SiteStatus.OPEN, {}, True)] * 5
    sites = _replace_sites(tree.a, rows)
    found = site_nearest(lat=29.1005, lng=119.7, limit=3)
    assert [r.site.pk for r in found] == sorted(s.pk for s in sites)[:3]
    assert len({r.distance_m for r in found}) == 1


@pytest.mark.django_db
def test_nearest_skips_suspended_closed_and_closed_now_sites(tree):
    at = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning
    weekday_hours = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    night = {d: [["20:00", "02:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    near, suspended, closed, nightly = _replace_sites(
        tree.a,
        [
            (119.701, 29.1, SiteKind.CANTEEN, SiteStatus.OPEN, weekday_hours, False),
            (119.7001, 29.1, SiteKind.CANTEEN, SiteStatus.SUSPENDED, {}, True),
            (119.7002, 29.1, SiteKind.CANTEEN, SiteStatus.CLOSED, {}, True),
            (119.7003, 29.1, SiteKind.LOVE_STATION, SiteStatus.OPEN, night, False),
        ],
    )
    assert [r.site.pk for r in site_nearest(lat=29.1, lng=119.7, limit=5)] == [nightly.pk, near.pk]
    assert [
        r.site.pk for r in site_nearest(lat=29.1, lng=119.7, limit=5, open_now=True, at=at)
    ] == [near.pk]
    assert [
        r.site.pk for r in site_nearest(lat=29.1, lng=119.7, limit=5, kind=SiteKind.LOVE_STATION)
    ] == [nightly.pk]


@pytest.mark.django_db
def test_nearest_with_no_sites_is_empty(tree):
    _replace_sites(tree.a, [])
    assert site_nearest(lat=29.1, lng=119.7, limit=10) == []


@pytest.mark.django_db
def test_found_sites_are_complete_models(tree):
    """The nearest list loads only the columns it shows; anything else still reads right."""
    from gonghui.sites.tests.factories import build_site

    site = build_site(
        org=tree.a1,
        name="测试爱心驿站",
        lng=119.7,
        lat=29.1,
        contact_phone="13912345678",
        opening_hours={"mon": [["08:00", "18:00"]]},
        facilities=["water", "wifi"],
    )
    found = site_nearest(lat=29.1, lng=119.7, limit=1)[0].site
    assert (found.pk, found.site_code, found.name, found.kind) == (
        site.pk,
        site.site_code,
        "测试爱心驿站",
        site.kind,
    )
    assert (found.lat, found.lng, found.facility_codes) == (29.1, 119.7, site.facility_codes)
    assert found.opening_hours == site.opening_hours
    assert found.org.name == tree.a1.name and found.contact_phone == "13912345678"


@pytest.mark.django_db
@pytest.mark.postgresql_only
def test_nearest_in_town_is_one_round_trip_on_postgresql(tree):
    """Enough open sites inside the first box: one query (ranked in SQL, re-checked in
    Python), and the same answer as the brute force."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [
        (*_destination(119.7, 29.1, bearing, distance), SiteKind.CANTEEN, SiteStatus.OPEN, {}, True)
        for bearing in range(0, 360, 24)
        for distance in (150, 600, 1_200)
    ]
    _replace_sites(tree.a, rows)
    with CaptureQueriesContext(connection) as queries:
        found = _answer(119.7, 29.1, 10)
    assert len(queries.captured_queries) == 1
    assert found == _brute_force(119.7, 29.1, 10)


@pytest.mark.postgresql_only
def test_the_nearest_statement_is_prepared_once_and_its_generic_plan_uses_the_gist_index(tree):
    """The one-query path is a prepared statement (parsed and planned once per connection),
    and the plan PostgreSQL keeps for it finds the box through the open sites' GiST index
    (a parameter for the status would rule the partial index out of the generic plan)."""
    from django.db import connection

    rows = [
        (*_destination(119.7, 29.1, bearing, distance), SiteKind.CANTEEN, SiteStatus.OPEN, {}, True)
        for bearing in range(0, 360, 24)
        for distance in (150, 600, 1_200)
    ]
    _replace_sites(tree.a, rows)
    for lng in (119.70, 119.7001, 119.7002):
        assert _answer(lng, 29.1, 10) == _brute_force(lng, 29.1, 10)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["%point(lng, lat) <@ box(%"],
        )
        prepared = cursor.fetchall()
        assert len(prepared) == 1 and prepared[0][1] >= 3
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        box = geo.bounding_box(119.7, 29.1, NEAREST_INITIAL_RADIUS_M)
        cursor.execute(
            f"EXPLAIN EXECUTE {prepared[0][0]}(%s, %s, %s, %s, %s, %s, %s, %s)",
            # $1–$3 come first, in the SELECT's distance: radius, lat, lng; then the box
            [
                geo.EARTH_RADIUS_M,
                29.1,
                119.7,
                box.min_lng,
                box.min_lat,
                box.max_lng,
                box.max_lat,
                18,
            ],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "site_open_point_gist" in plan

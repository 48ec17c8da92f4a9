"""Coverage analysis on a hand-built grid with known gaps (pure functions), then through the
database (site status, township labels, the user's scope), then the stored results: which
changes queue a background refresh, and what the pages are told while it runs."""

import math
import random

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core import geo
from gonghui.sites.map import coverage, selectors, tasks
from gonghui.sites.models import MapLayerKind, SiteStatus
from gonghui.sites.services import coverage_settings_set, map_layer_import
from gonghui.sites.tests.factories import build_site
from gonghui.testing.fixtures import make_user

LNG0, LAT0 = 119.70, 29.10
CELL = 100.0


def _block(rows: int, cols: int, *, lng0=LNG0, lat0=LAT0, cell=CELL):
    """A rectangle exactly rows × cols cells of the grid Grid.over lays over it."""
    dlat = cell / coverage.M_PER_DEG_LAT
    mid = math.radians(lat0 + rows * dlat / 2)
    dlng = cell / (coverage.M_PER_DEG_LAT * math.cos(mid))
    east, north = lng0 + cols * dlng, lat0 + rows * dlat
    ring = [[lng0, lat0], [east, lat0], [east, north], [lng0, north], [lng0, lat0]]
    return ring, (lng0, lat0, east, north)


def _centre(bbox, row, col, cell=CELL):
    grid = coverage.Grid.over(bbox, cell)
    return grid.centre((row, col))


def _analyse(ring, bbox, sites, radius=150.0, label_sites=()):
    return coverage.analyse_area(
        polygons=[([ring], None)],
        bbox=bbox,
        open_sites=sites,
        radius_m=radius,
        cell_m=CELL,
        label_sites=label_sites,
    )


# --- the hand-built grid: 4 rows × 10 columns, one open site at cell (1, 1) ----------------
#
#   row 3  . . . . . . . . . .
#   row 2  # # # . . . . . . .        # covered by the site at (1, 1): radius 150 m reaches
#   row 1  # S # . . . . . . .          the 8 neighbours (100 m and 141 m), not 200 m.
#   row 0  # # # . . . . . . .


def test_cells_within_the_radius_of_an_open_site_are_covered():
    # Given the 4 × 10 block and one site at the centre of cell (1, 1)
    ring, bbox = _block(4, 10)
    site = _centre(bbox, 1, 1)

    # When the area is analysed with a 150 m radius
    area = _analyse(ring, bbox, [site])

    # Then its 3 × 3 neighbourhood is covered: 9 of 40 cells
    assert area.total == 40
    assert area.covered == {(r, c) for r in range(3) for c in range(3)}
    assert area.share == pytest.approx(9 / 40)


def test_suggestions_greedily_cover_the_most_uncovered_cells():
    # Given the 4 × 10 block with the site at (1, 1)
    ring, bbox = _block(4, 10)
    area = _analyse(ring, bbox, [_centre(bbox, 1, 1)])

    # When four locations are suggested
    report = coverage.coverage_report(area, suggestions=4)

    # Then each is the uncovered cell centre reaching most still-uncovered cells (ties:
    # southernmost, then westernmost), with what it adds and the share once built
    picked = [(s.key, s.cells_added, s.share_after) for s in report.suggestions]
    assert picked == [
        ((1, 4), 9, pytest.approx(18 / 40)),
        ((1, 7), 9, pytest.approx(27 / 40)),
        ((2, 8), 5, pytest.approx(32 / 40)),
        ((2, 3), 3, pytest.approx(35 / 40)),
    ]
    assert [s.rank for s in report.suggestions] == [1, 2, 3, 4]
    assert report.suggestions[0].share_added == pytest.approx(9 / 40)
    lng, lat = _centre(bbox, 1, 4)
    assert (report.suggestions[0].lng, report.suggestions[0].lat) == (round(lng, 6), round(lat, 6))


def test_suggestions_stop_when_everything_is_covered():
    # Given a 3 × 3 block entirely covered by one site in its middle
    ring, bbox = _block(3, 3)
    area = _analyse(ring, bbox, [_centre(bbox, 1, 1)])

    # When suggestions are asked for
    report = coverage.coverage_report(area, suggestions=5)

    # Then the share is 1 and nothing is suggested
    assert area.share == 1.0
    assert report.suggestions == []


def test_no_open_site_leaves_every_cell_a_gap_and_the_first_suggestion_covers_a_full_circle():
    ring, bbox = _block(4, 10)
    area = _analyse(ring, bbox, [])
    report = coverage.coverage_report(area, suggestions=1)
    assert area.share == 0.0
    assert report.suggestions[0].key == (1, 1)
    assert report.suggestions[0].cells_added == 9


def test_gap_cells_merge_into_horizontal_runs():
    ring, bbox = _block(4, 10)
    area = _analyse(ring, bbox, [_centre(bbox, 1, 1)])
    assert coverage.runs(area.uncovered) == [(0, 3, 9), (1, 3, 9), (2, 3, 9), (3, 0, 9)]
    gaps = coverage.gaps_geojson(area.grid, area.uncovered)
    assert [f["properties"]["cells"] for f in gaps["features"]] == [7, 7, 7, 10]
    west, south = gaps["features"][3]["geometry"]["coordinates"][0][0]
    assert (west, south) == pytest.approx((LNG0, area.grid.lat0 + 3 * area.grid.dlat), abs=1e-6)


def test_unlabelled_cells_take_the_township_of_the_nearest_site():
    # Given two label sites, one near each end of the block
    ring, bbox = _block(4, 10)
    west_site, east_site = _centre(bbox, 1, 1), _centre(bbox, 1, 8)
    area = _analyse(ring, bbox, [], label_sites=[(*west_site, "west"), (*east_site, "east")])
    # Then columns 0–4 are nearer the west site, 5–9 the east one
    assert {k for k, v in area.cells.items() if v == "west"} == {
        (r, c) for r in range(4) for c in range(5)
    }
    assert area.by_label() == [("west", 20, 0), ("east", 20, 0)]


def test_restricting_to_labels_keeps_only_their_cells():
    ring, bbox = _block(4, 10)
    area = _analyse(
        ring,
        bbox,
        [_centre(bbox, 1, 1)],
        label_sites=[(*_centre(bbox, 1, 1), "west"), (*_centre(bbox, 1, 8), "east")],
    )
    west = area.restricted({"west"})
    assert west.total == 20
    assert len(west.covered) == 9
    assert west.share == pytest.approx(9 / 20)


def test_a_large_area_coarsens_the_cell_to_stay_under_the_cell_cap():
    bbox = (119.0, 29.0, 120.0, 30.0)  # about 97 km × 111 km
    assert coverage.cell_size_for([bbox], 100, max_cells=60_000) > 100
    assert coverage.cell_size_for([(119.0, 29.0, 119.01, 29.01)], 100) == 100


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    radius=st.sampled_from([150.0, 300.0, 1000.0]),
)
def test_covered_cells_equal_a_brute_force_scan(seed, radius):
    rng = random.Random(seed)
    ring, bbox = _block(20, 25)
    grid = coverage.Grid.over(bbox, CELL)
    sites = [
        (rng.uniform(bbox[0] - 0.01, bbox[2] + 0.01), rng.uniform(bbox[1] - 0.01, bbox[3] + 0.01))
        for _ in range(rng.randint(0, 8))
    ]
    keys = [(r, c) for r in range(20) for c in range(25)]
    expected = {
        k
        for k in keys
        if any(geo.haversine_m(*grid.centre(k), lng, lat) <= radius for lng, lat in sites)
    }
    assert coverage.covered_keys(grid, keys, sites, radius) == expected


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_nearest_point_equals_a_brute_force_scan(seed):
    rng = random.Random(seed)
    points = [
        (rng.uniform(119.5, 120.0), rng.uniform(29.0, 29.4), i) for i in range(rng.randint(1, 30))
    ]
    index = coverage.PointIndex(points, bucket_m=1000.0)
    for _ in range(10):
        lng, lat = rng.uniform(119.4, 120.1), rng.uniform(28.9, 29.5)
        best = min((geo.haversine_m(lng, lat, p[0], p[1]), p[2]) for p in points)
        assert index.nearest(lng, lat) == best


def test_greedy_gain_equals_a_brute_force_count():
    # The row stencil gives exactly the cells within the radius by haversine.
    ring, bbox = _block(30, 30)
    grid = coverage.Grid.over(bbox, CELL)
    pool = {(r, c) for r in range(30) for c in range(30)}
    stencil = coverage._Stencil(grid, 420.0)
    for key in [(0, 0), (15, 15), (29, 3), (7, 22)]:
        expected = sorted(
            k for k in pool if geo.haversine_m(*grid.centre(key), *grid.centre(k)) <= 420.0
        )
        assert sorted(stencil.reach(key, pool)) == expected


# --- through the database -------------------------------------------------------------------


def _county_block(tree, rows=4, cols=10, **properties):
    ring, bbox = _block(rows, cols)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    map_layer_import(
        actor=None, county=tree.county, kind=MapLayerKind.BUILT_UP_AREA, geojson=collection
    )
    coverage_settings_set(actor=None, county=tree.county, radius_m=150)
    return bbox


@pytest.mark.django_db
def test_suspended_and_closed_sites_do_not_cover(tree):
    # Given the block, an open site at (1, 1), a suspended one at (1, 5), a closed one at (1, 8)
    bbox = _county_block(tree)
    for (row, col), status in (
        ((1, 1), SiteStatus.OPEN),
        ((1, 5), SiteStatus.SUSPENDED),
        ((1, 8), SiteStatus.CLOSED),
    ):
        lng, lat = _centre(bbox, row, col)
        build_site(
            org=tree.a1, lng=round(lng, 6), lat=round(lat, 6), status=status, status_reason="测试"
        )

    # When the county is analysed
    area = coverage.county_area_coverage(tree.county, cell_m=100)

    # Then only the open site's 9 cells are covered
    assert area.source == coverage.SOURCE_BUILT_UP
    assert area.open_sites == 1
    assert area.total == 40
    assert len(area.covered) == 9


@pytest.mark.django_db
def test_a_township_named_on_the_built_up_area_labels_its_cells(tree):
    _county_block(tree, township=tree.b.name)
    build_site(org=tree.a1, lng=LNG0, lat=LAT0)  # nearest-site township would say A
    area = coverage.county_area_coverage(tree.county, cell_m=100)
    assert set(area.cells.values()) == {tree.b.pk}


@pytest.mark.django_db
def test_a_township_user_sees_the_cells_of_their_township_and_the_county_admin_all(tree):
    # Given the block split between a site of township A (west) and one of township B (east)
    bbox = _county_block(tree)
    west, east = _centre(bbox, 1, 1), _centre(bbox, 1, 8)
    build_site(org=tree.a1, lng=round(west[0], 6), lat=round(west[1], 6))
    build_site(
        org=tree.b1,
        lng=round(east[0], 6),
        lat=round(east[1], 6),
        status=SiteStatus.CLOSED,
        status_reason="撤并",
    )
    township_staff = make_user("cov_township", "township_staff", tree.a)
    county_admin = make_user("cov_admin", "county_admin", tree.county)

    tasks.coverage_refresh_schedule(county=tree.county)
    coverage.coverage_refresh_run(tree.county)

    # When each asks for the coverage
    mine = selectors.coverage_for(township_staff, cell_m=100)
    whole = selectors.coverage_for(county_admin, cell_m=100)

    # Then township A's staff see A's 20 cells (9 covered), the county admin all 40 per township
    assert not mine.whole_county
    assert (mine.area.total, mine.area.covered_count) == (20, 9)
    assert [(r["name"], r["cells"], r["covered"]) for r in mine.rows()] == [(tree.a.name, 20, 9)]
    assert whole.whole_county
    assert sorted((r["name"], r["cells"], r["covered"]) for r in whole.rows()) == sorted(
        [(tree.a.name, 20, 9), (tree.b.name, 20, 0)]
    )
    # and the suggestions lie in the cells each may see
    assert {s["township"] for s in mine.suggestions()} == {tree.a.name}


@pytest.mark.django_db
def test_without_built_up_areas_the_county_boundary_is_gridded(tree):
    ring, bbox = _block(5, 5)
    map_layer_import(
        actor=None,
        county=tree.county,
        kind=MapLayerKind.BOUNDARY,
        geojson={"type": "Polygon", "coordinates": [ring]},
    )
    area = coverage.county_area_coverage(tree.county, cell_m=100)
    assert area.source == coverage.SOURCE_BOUNDARY
    assert area.total == 25


@pytest.mark.django_db
def test_no_layers_means_nothing_to_analyse(tree):
    area = coverage.county_area_coverage(tree.county)
    assert area.source == coverage.SOURCE_NONE
    assert area.total == 0 and area.share is None


# --- township boundaries label the cells ------------------------------------------------------


def test_township_boundaries_label_cells_before_the_nearest_site():
    # Given the block split by two township polygons at the border of columns 3 and 4, and
    # label sites that would give every cell to the east township
    ring, bbox = _block(4, 10)
    grid = coverage.Grid.over(bbox, CELL)
    border = grid.lng0 + 4 * grid.dlng
    west = [[LNG0 - 0.01, LAT0 - 0.01], [border, LAT0 - 0.01], [border, LAT0 + 0.01],
            [LNG0 - 0.01, LAT0 + 0.01], [LNG0 - 0.01, LAT0 - 0.01]]  # fmt: skip
    east = [[border, LAT0 - 0.01], [LNG0 + 0.05, LAT0 - 0.01], [LNG0 + 0.05, LAT0 + 0.01],
            [border, LAT0 + 0.01], [border, LAT0 - 0.01]]  # fmt: skip

    # When the area is analysed with the township polygons
    area = coverage.analyse_area(
        polygons=[([ring], None)],
        bbox=bbox,
        open_sites=[],
        radius_m=150.0,
        cell_m=CELL,
        label_sites=[(*_centre(bbox, 1, 9), "east")],
        label_polygons=[([west], "west"), ([east], "east")],
    )

    # Then columns 0–3 belong to the west township, 4–9 to the east one
    assert area.by_label() == [("west", 16, 0), ("east", 24, 0)]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_polygon_labels_equal_a_point_in_polygon_scan(seed):
    # Given a random star-shaped polygon with a hole and the cells of a 30 × 30 grid around it
    rng = random.Random(seed)
    n = rng.randint(5, 40)
    outer = [
        [LNG0 + 0.02 + rng.uniform(0.004, 0.015) * math.cos(2 * math.pi * i / n),
         LAT0 + 0.02 + rng.uniform(0.004, 0.015) * math.sin(2 * math.pi * i / n)]
        for i in range(n)
    ]  # fmt: skip
    hole = [[LNG0 + 0.019, LAT0 + 0.019], [LNG0 + 0.021, LAT0 + 0.019],
            [LNG0 + 0.021, LAT0 + 0.021], [LNG0 + 0.019, LAT0 + 0.021]]  # fmt: skip
    rings = [[*outer, outer[0]], [*hole, hole[0]]]
    grid = coverage.Grid.over((LNG0, LAT0, LNG0 + 0.04, LAT0 + 0.04), 150.0)
    keys = [(r, c) for r in range(30) for c in range(30)]

    # When the cells are labelled by the polygon
    found = coverage.polygon_labels(grid, keys, [(rings, "p")])

    # Then exactly the cells whose centre a point-in-polygon test puts inside are labelled
    assert set(found) == {k for k in keys if geo.point_in_polygon(*grid.centre(k), rings)}


# --- the stored results and their background refresh ------------------------------------------


@pytest.fixture
def queue(settings):
    """The task backend as a list of what was queued (nothing runs)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def _queued(queue):
    return [(r.task.name, r.args) for r in queue.results]


def _stored_county(tree):
    """The 4 × 10 block, radius 150 m, one open site at (1, 1); the stored result current."""
    bbox = _county_block(tree)
    lng, lat = _centre(bbox, 1, 1)
    site = build_site(org=tree.a1, lng=round(lng, 6), lat=round(lat, 6))
    tasks.coverage_refresh_schedule(county=tree.county)
    coverage.coverage_refresh_run(tree.county)
    return bbox, site


@pytest.mark.django_db
def test_a_status_change_queues_a_refresh_and_the_old_result_is_shown_as_outdated(
    tree, queue, django_capture_on_commit_callbacks
):
    from gonghui.sites.map.tasks import coverage_refresh_task
    from gonghui.sites.services import site_set_status

    # Given the county's stored result: 9 of 40 cells covered, current
    _bbox, site = _stored_county(tree)
    admin = make_user("cov_admin", "county_admin", tree.county)
    before = selectors.coverage_for(admin, cell_m=100)
    assert (before.state, before.area.covered_count) == (coverage.STATE_CURRENT, 9)

    # When the only site is suspended
    with django_capture_on_commit_callbacks(execute=True):
        site_set_status(actor=None, site=site, status=SiteStatus.SUSPENDED, reason="装修")

    # Then one refresh of the county is queued, and until it runs the page gets the old
    # figures marked as outdated, never as current
    assert _queued(queue) == [("coverage_refresh_task", [tree.county.pk])]
    during = selectors.coverage_for(admin, cell_m=100)
    assert (during.state, during.area.covered_count, during.queued) == (
        coverage.STATE_STALE, 9, True,
    )  # fmt: skip
    # and once the task has run, the result is current again with nothing covered
    coverage_refresh_task.call(tree.county.pk)
    after = selectors.coverage_for(admin, cell_m=100)
    assert (after.state, after.area.covered_count, after.queued) == (
        coverage.STATE_CURRENT, 0, False,
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    ["create", "move", "reopen", "close", "radius", "built_up", "township_layer"],
)
def test_every_change_the_analysis_reads_queues_a_refresh(
    tree, queue, django_capture_on_commit_callbacks, change
):
    from gonghui.sites import services

    bbox, site = _stored_county(tree)
    if change == "reopen":
        services.site_set_status(actor=None, site=site, status=SiteStatus.CLOSED, reason="撤并")
        coverage.coverage_refresh_run(tree.county)
        site.refresh_from_db()
    ring, _ = _block(2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "create":
            build_site(org=tree.a1, lng=round(_centre(bbox, 2, 7)[0], 6), lat=LAT0 + 0.0001)
        elif change == "move":
            lng, lat = _centre(bbox, 2, 8)
            services.site_update(
                actor=None, site=site, version=site.version, lng=round(lng, 6), lat=round(lat, 6)
            )
        elif change == "reopen":
            services.site_set_status(actor=None, site=site, status=SiteStatus.OPEN)
        elif change == "close":
            services.site_set_status(actor=None, site=site, status=SiteStatus.CLOSED, reason="撤并")
        elif change == "radius":
            services.coverage_settings_set(actor=None, county=tree.county, radius_m=300)
        elif change == "built_up":
            map_layer_import(
                actor=None, county=tree.county, kind=MapLayerKind.BUILT_UP_AREA,
                geojson={"type": "Polygon", "coordinates": [ring]},
            )  # fmt: skip
        else:
            map_layer_import(
                actor=None, county=tree.county, kind=MapLayerKind.TOWNSHIP,
                geojson={"type": "Feature", "properties": {"name": tree.a.name},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}},
            )  # fmt: skip

    assert _queued(queue) == [("coverage_refresh_task", [tree.county.pk])]
    assert selectors.coverage_for(make_user("u", "county_admin", tree.county)).state == "stale"


@pytest.mark.django_db
def test_changes_the_analysis_does_not_read_queue_nothing(
    tree, queue, django_capture_on_commit_callbacks
):
    from gonghui.sites import services

    _bbox, site = _stored_county(tree)
    with django_capture_on_commit_callbacks(execute=True):
        services.site_update(actor=None, site=site, version=site.version, name="改名的站点")
        services.map_layer_import(
            actor=None, county=tree.county, kind=MapLayerKind.ROAD,
            geojson={"type": "LineString", "coordinates": [[LNG0, LAT0], [LNG0 + 0.01, LAT0]]},
        )  # fmt: skip
    assert _queued(queue) == []
    admin = make_user("cov_admin", "county_admin", tree.county)
    assert selectors.coverage_for(admin).state == coverage.STATE_CURRENT


@pytest.mark.django_db
def test_many_changes_in_one_transaction_or_while_queued_queue_one_task(
    tree, queue, django_capture_on_commit_callbacks
):
    from django.db import transaction

    bbox, _site = _stored_county(tree)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for col in range(3, 9):
            lng, lat = _centre(bbox, 2, col)
            build_site(org=tree.a1, lng=round(lng, 6), lat=round(lat, 6))
    with django_capture_on_commit_callbacks(execute=True):
        lng, lat = _centre(bbox, 0, 9)
        build_site(org=tree.a1, lng=round(lng, 6), lat=round(lat, 6))
    assert _queued(queue) == [("coverage_refresh_task", [tree.county.pk])]


@pytest.mark.django_db
def test_a_refresh_that_never_ran_is_queued_again_after_the_timeout(
    tree, queue, django_capture_on_commit_callbacks
):
    from gonghui.sites.models import CoverageResult

    bbox, _site = _stored_county(tree)
    with django_capture_on_commit_callbacks(execute=True):
        build_site(org=tree.a1, lng=round(_centre(bbox, 2, 7)[0], 6), lat=LAT0 + 0.0001)
    # Given the queued refresh is lost (no worker ran it)
    CoverageResult.objects.update(requested_at=timezone.now() - coverage.QUEUE_TIMEOUT * 2)
    # When a page finds the result outdated
    admin = make_user("cov_admin", "county_admin", tree.county)
    with django_capture_on_commit_callbacks(execute=True):
        seen = selectors.coverage_for(admin)
    # Then the refresh is queued again, and the page says it is queued
    assert len(queue.results) == 2
    assert (seen.state, seen.queued) == (coverage.STATE_STALE, True)


@pytest.mark.django_db
def test_a_missing_result_is_queued_and_reported_as_being_computed(
    tree, queue, django_capture_on_commit_callbacks
):
    _county_block(tree)
    admin = make_user("cov_admin", "county_admin", tree.county)
    with django_capture_on_commit_callbacks(execute=True):
        seen = selectors.coverage_for(admin, cell_m=200)
    assert (seen.state, seen.area, seen.queued) == (coverage.STATE_MISSING, None, True)
    assert _queued(queue) == [("coverage_refresh_task", [tree.county.pk])]
    # and the task computes every cell size asked for (the default and 200 m)
    assert coverage.coverage_refresh_run(tree.county) == 2
    assert coverage.coverage_refresh_run(tree.county) == 0  # nothing changed since
    assert selectors.coverage_for(admin, cell_m=200).state == coverage.STATE_CURRENT

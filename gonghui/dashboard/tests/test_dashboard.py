"""The dashboard reads registered measures for the user's org and its children: its numbers
equal the registry's (and the members statistics'), unregistered tiles show 待接入, scope."""

import datetime as dt

import pytest
from django.http import Http404

from gonghui.core import metrics
from gonghui.core.testing.pdf import pdf_objects
from gonghui.dashboard import selectors
from gonghui.members.tests.factories import build_member

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 30)


def _tiles(board):
    return {t.tile.code: t for _k, _n, tiles in board.groups for t in tiles}


def test_tiles_and_ranking_equal_the_registry_for_the_org_and_its_children(tree, users):
    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    build_member(org=tree.ae, joined_on=dt.date(2026, 6, 30))
    build_member(org=tree.b1, joined_on=dt.date(2025, 12, 31))
    build_member(org=tree.b1, joined_on=dt.date(2026, 7, 1))  # after the date
    board = selectors.dashboard_build(
        users.county_admin, tree.county, as_of=AS_OF, compare_code="members.active"
    )
    tiles = _tiles(board)
    assert tiles["members.joined"].figure.value == 2  # this year up to the date
    assert tiles["members.active"].figure.value == 3  # everyone up to the date
    expected = metrics.evaluate(
        "members.active", orgs=[tree.county], period=metrics.Period.as_of(AS_OF)
    )
    assert tiles["members.active"].figure.value == expected[tree.county.pk].value
    assert [(o.pk, f.value) for o, f in board.ranking] == [(tree.a.pk, 2), (tree.b.pk, 1)]


def test_an_unregistered_measure_shows_as_pending_and_never_fails(tree, users, monkeypatch):
    from gonghui.dashboard.tiles import GROUPS, Tile

    groups = [*GROUPS, ("later", "以后上线", (Tile("later.things", "以后的指标"),))]
    monkeypatch.setattr(selectors, "GROUPS", groups)
    board = selectors.dashboard_build(users.county_admin, tree.county, as_of=AS_OF)
    assert "later.things" not in _tiles(board)
    assert {t.code: t.title for t in board.pending} == {"later.things": "以后的指标"}


def test_every_tile_and_comparison_reads_a_registered_measure():
    from gonghui.dashboard.tiles import COMPARE, GROUPS

    registered = {m.code for m in metrics.measures()}
    codes = [t.code for _k, _n, tiles in GROUPS for t in tiles] + list(COMPARE)
    assert [code for code in codes if code not in registered] == []


def test_every_tile_drills_down_to_the_records_it_counts(tree, users):
    from gonghui.dashboard.tiles import GROUPS

    board = selectors.dashboard_build(users.county_admin, tree.a, as_of=AS_OF)
    tiles = [t for _k, _n, shown in board.groups for t in shown]
    assert len(tiles) == sum(len(ts) for _k, _n, ts in GROUPS)
    assert [t.tile.code for t in tiles if not t.drilldown] == []
    drills = {t.tile.code: t.drilldown for t in tiles}
    assert drills["members.active"] == f"/members/?org={tree.a.pk}&status=active"
    assert drills["rights.offers.overdue"] == f"/rights/offers/?org={tree.a.pk}&state=overdue"
    # Every tile's list is narrowed to the dashboard's org (test_drilldowns: each list
    # honours it), a year's tile to its year where the list filters by year.
    assert [code for code, url in drills.items() if f"?org={tree.a.pk}" not in url] == []
    assert drills["workforce.competitions.held"].endswith(
        "&status=held&date_from=2026-01-01&date_to=2026-06-30"
    )


def test_a_tile_lands_on_the_list_of_its_orgs_records(tree, users, login):
    from django.utils import timezone

    from gonghui.outreach.caravans.models import CaravanStop, StopStatus
    from gonghui.outreach.caravans.tests.factories import build_stop

    stops = [
        build_stop(org=tree.a1, place="甲镇一村广场"),
        build_stop(org=tree.b1, place="乙镇一村广场"),
    ]
    held = dt.datetime(2026, 5, 1, 10, tzinfo=timezone.get_default_timezone())
    CaravanStop.objects.filter(pk__in=[s.pk for s in stops]).update(
        status=StopStatus.DONE, starts_at=held, ends_at=held + dt.timedelta(hours=4)
    )  # held inside the tile's period
    board = selectors.dashboard_build(users.county_admin, tree.a, as_of=AS_OF)
    drill = _tiles(board)["outreach.stops.held"].drilldown
    body = login(users.county_admin).get(drill).content.decode()
    assert "甲镇一村广场" in body and "乙镇一村广场" not in body


def test_stations_use_is_the_check_ins_of_the_orgs_sites_in_the_year(tree, users):
    from gonghui.sites.models import CheckIn
    from gonghui.sites.tests.factories import build_site

    site_a, site_b = build_site(org=tree.a1), build_site(org=tree.b)
    CheckIn.objects.create(site=site_a, day=dt.date(2026, 1, 1), count=3)  # first day: in
    CheckIn.objects.create(site=site_a, day=AS_OF, count=2)  # the date: in
    CheckIn.objects.create(site=site_b, day=dt.date(2025, 12, 31), count=9)  # last year
    CheckIn.objects.create(site=site_b, day=dt.date(2026, 7, 1), count=9)  # after the date
    CheckIn.objects.create(site=site_b, day=dt.date(2026, 3, 1), count=4)
    board = selectors.dashboard_build(
        users.county_admin, tree.county, as_of=AS_OF, compare_code="sites.checkins"
    )
    assert _tiles(board)["sites.checkins"].figure.value == 9
    figures = metrics.evaluate(
        "sites.checkins", orgs=[tree.a, tree.b], period=metrics.Period(dt.date(2026, 1, 1), AS_OF)
    )
    assert (figures[tree.a.pk].value, figures[tree.b.pk].value) == (5, 4)


def test_the_dashboard_opens_at_the_users_org_and_refuses_orgs_outside(tree, users):
    assert selectors.dashboard_org(users.township_staff, None) == tree.a
    assert selectors.dashboard_org(users.township_staff, tree.a1.pk) == tree.a1
    with pytest.raises(Http404):
        selectors.dashboard_org(users.township_staff, tree.b.pk)
    with pytest.raises(Http404):
        selectors.dashboard_org(users.township_staff, tree.county.pk)


def test_one_query_per_table_for_all_tiles_of_the_org_and_all_its_children(
    tree, users, django_assert_max_num_queries
):
    """The tiles' measures are counted in one batch: the counts over one table (the member
    tiles, the enterprise tiles …) in one grouped query, a rate's parts shared with the
    tiles that show them."""
    from gonghui.dashboard.tiles import GROUPS

    parts = set()
    for _k, _n, tiles in GROUPS:
        for tile in tiles:
            measure = metrics.measure_get(tile.code)
            parts |= {measure.numerator, measure.denominator} if measure.is_ratio else {tile.code}
    tables = {
        (metrics.model_of(metrics.measure_get(c)), metrics.measure_get(c).org_field) for c in parts
    }
    assert len(tables) < len(parts)
    user = users.county_admin
    # The user's scope is read once; the tallies are built once.
    selectors.dashboard_build(user, tree.county, as_of=AS_OF)
    counted = {
        (metrics.model_of(m), m.org_field)
        for m in map(metrics.measure_get, parts)
        if not getattr(m, "tally", False)
    }
    assert len(counted) < len(tables)  # the members' tiles are all tallied
    # One per table counted from its records; for the tallied measures of every table
    # together: the groups of records, the tallies' state and one read; + 1 for the children
    # of the org.
    with django_assert_max_num_queries(len(counted) + 3 + 1):
        selectors.dashboard_build(user, tree.county, as_of=AS_OF)


def test_the_tiles_equal_the_members_statistics_page_for_the_same_org(tree, users):
    from django.utils import timezone

    from gonghui.members.models import EmploymentForm
    from gonghui.members.stats import member_stats
    from gonghui.testing.fixtures import build_enterprise

    build_member(org=tree.a1, joined_on=dt.date(2024, 3, 1), is_migrant_worker=True)
    build_member(org=tree.b1, joined_on=dt.date(2025, 3, 1), employment_form=EmploymentForm.COURIER)
    build_member(org=tree.ae, joined_on=dt.date(2026, 1, 5))
    build_enterprise(org=tree.a1, has_union=True, employee_count=30)
    build_enterprise(org=tree.b1, has_union=False, employee_count=10)
    user = users.county_admin
    stats = member_stats(user).total
    tiles = _tiles(selectors.dashboard_build(user, tree.county, as_of=timezone.localdate()))
    assert tiles["members.active"].figure.value == stats.members == 3
    assert tiles["members.new_employment_form"].figure.value == stats.new_form_members == 1
    assert tiles["members.migrant_workers"].figure.value == stats.migrant_members == 1
    coverage = tiles["orgs.union_coverage_rate"].figure
    assert (coverage.numerator, coverage.denominator) == (
        stats.enterprises_with_union,
        stats.enterprises,
    )
    rate = tiles["members.membership_rate"].figure
    assert (rate.numerator, rate.denominator) == (stats.members, stats.employees)
    assert float(rate.value) == round(stats.membership_rate * 100, 1)


def test_cached_figures_are_read_without_counting_until_any_audited_write(
    tree, users, django_assert_max_num_queries
):
    from gonghui.dashboard.figures import FigureCache

    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    user = users.county_admin
    first = FigureCache()
    board = selectors.dashboard_build(user, tree.county, as_of=AS_OF, figures_cache=first)
    assert first.misses > 0 and first.hits == 0
    assert _tiles(board)["members.active"].figure.value == 1
    # The mark, the children, the scope checks: no measure is counted again.
    with django_assert_max_num_queries(3):
        second = FigureCache()
        board = selectors.dashboard_build(user, tree.county, as_of=AS_OF, figures_cache=second)
    assert (second.misses, _tiles(board)["members.active"].figure.value) == (0, 1)
    assert second.hits == first.misses
    build_member(org=tree.b1, joined_on=dt.date(2026, 2, 1))  # audited: the mark moves
    third = FigureCache()
    board = selectors.dashboard_build(user, tree.county, as_of=AS_OF, figures_cache=third)
    assert third.hits == 0
    assert _tiles(board)["members.active"].figure.value == 2
    assert [(o.pk, f.value) for o, f in board.ranking] == [(tree.a.pk, 1), (tree.b.pk, 1)]


def test_the_pdf_report_carries_the_pages_figures_with_the_chinese_font_embedded(
    tree, users, login
):
    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    client = login(users.county_staff)
    response = client.get(f"/dashboard/report.pdf?org={tree.county.pk}&as_of=2026-06-30")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    objects = pdf_objects(pdf)
    assert b"/FontFile" in objects  # the fonts travel inside the file
    assert b"NotoSansCJK" in objects or b"NotoSerifCJK" in objects
    from django.test import RequestFactory

    from gonghui.dashboard.report import report_html
    from gonghui.dashboard.views import _dashboard_context

    request = RequestFactory().get(
        "/dashboard/report.pdf", {"org": tree.county.pk, "as_of": "2026-06-30"}
    )
    request.user = users.county_staff
    html = report_html(_dashboard_context(request))
    assert "测试县总工会领导驾驶舱报告" in html
    assert "甲镇总工会" in html and "在册会员" in html


def test_the_township_comparison_map_ties_boundaries_to_townships(tree, users):
    import json

    from gonghui.sites.models import MapLayer

    square = {
        "type": "Polygon",
        "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30]]],
    }
    features = [
        {
            "type": "Feature",
            "geometry": square,
            "properties": {"name": "甲镇", "code": tree.a.code},
        },
        {"type": "Feature", "geometry": square, "properties": {"name": "乙镇"}},
        {"type": "Feature", "geometry": square, "properties": {"name": "丙镇"}},
    ]
    MapLayer.objects.create(
        org=tree.county,
        kind="township",
        geojson=json.dumps({"type": "FeatureCollection", "features": features}),
    )
    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    board = selectors.dashboard_build(
        users.county_admin, tree.county, as_of=AS_OF, compare_code="members.active"
    )
    shown = selectors.township_map(tree.county, board.ranking)
    props = [f["properties"] for f in shown["features"]]
    assert props == [
        {"name": "甲镇总工会", "org": tree.a.pk, "value": 1.0},  # by code
        {"name": "乙镇总工会", "org": tree.b.pk, "value": 0.0},  # by name
        {"name": "丙镇", "org": None, "value": None},
    ]
    assert selectors.township_map(tree.a, []) is None


def test_the_dashboard_shows_the_targets_given_to_its_org_only(tree, users):
    from gonghui.dashboard.views import _targets
    from gonghui.plans.targets.selectors import target_rows
    from gonghui.plans.targets.services import target_split
    from gonghui.plans.targets.tests.factories import build_plan, build_target

    build_member(org=tree.a1, joined_on=dt.date(2026, 2, 1))
    build_member(org=tree.b1, joined_on=dt.date(2026, 3, 1))
    plan = build_plan(org=tree.county, year=2026, title="县计划")
    target = build_target(plan=plan, name="新发展会员", value=8)
    target_split(actor=None, target=target, shares={tree.a: 5, tree.b: 3})
    plans, mine = _targets(users.county_admin, tree.a, AS_OF)
    rows = target_rows(mine, as_of=AS_OF)
    assert plans == [plan]
    assert [(r.target.org, r.target.value, r.progress.actual) for r in rows] == [(tree.a, 5, 1)]
    _plans, mine = _targets(users.county_admin, tree.county, AS_OF)
    rows = target_rows(mine, as_of=AS_OF)
    assert [(r.target.name, r.progress.actual) for r in rows] == [("新发展会员", 2)]


def test_contracts_expiring_and_overdue_offers_equal_the_rights_lists_they_drill_to(
    tree, users, monkeypatch
):
    from gonghui.rights.bargaining.selectors import offer_list
    from gonghui.rights.contracts.selectors import contract_list
    from gonghui.rights.tests import factories

    today = dt.date(2026, 11, 2)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    employer = factories.union_enterprise(parent=tree.a, name="甲镇建工")
    other = factories.union_enterprise(parent=tree.b, name="乙镇物流")
    # Ends 2027-02-01 (within 3 months: expiring) and 2029-03-01 (not).
    factories.contract(employer, signed_on=dt.date(2024, 2, 2), filed_on=dt.date(2024, 2, 3))
    factories.contract(other, signed_on=dt.date(2026, 3, 2), filed_on=dt.date(2026, 3, 3))
    factories.offer(employer, sent_on=dt.date(2026, 9, 1))  # 20-day reply long past
    factories.offer(other, sent_on=dt.date(2026, 10, 30))  # still within the reply period
    user = users.county_admin
    tiles = _tiles(selectors.dashboard_build(user, tree.county, as_of=today))
    expiring = contract_list(user, state="expiring")
    overdue = offer_list(user, state="overdue")
    assert tiles["rights.contracts.expiring"].figure.value == expiring.count() == 1
    assert tiles["rights.offers.overdue"].figure.value == overdue.count() == 1
    township = _tiles(selectors.dashboard_build(user, tree.b, as_of=today))
    assert township["rights.contracts.expiring"].figure.value == 0


def test_tiles_of_present_state_say_so_when_a_past_date_is_chosen(tree, users, login):
    from django.utils import timezone

    user = users.county_admin
    past = _tiles(selectors.dashboard_build(user, tree.county, as_of=AS_OF))
    assert past["assistance.archives.open"].present_only  # no date: the archive's state now
    assert past["orgs.union_coverage_rate"].present_only  # neither part dated
    assert not past["members.active"].present_only  # joined by the date
    today = _tiles(selectors.dashboard_build(user, tree.county, as_of=timezone.localdate()))
    assert not any(t.present_only for t in today.values())
    response = login(user).get(f"/dashboard/?as_of={AS_OF.isoformat()}")
    assert "当前数，非所选日期" in response.content.decode()

"""The dashboard reads registered measures for the user's org and its children: its numbers
equal the registry's (and the members statistics'), unregistered tiles show 待接入, scope."""

import datetime as dt

import pytest
from django.http import Http404

from gonghui.core import metrics
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


def test_an_unregistered_measure_shows_as_pending_and_never_fails(tree, users):
    board = selectors.dashboard_build(users.county_admin, tree.county, as_of=AS_OF)
    assert "sites.checkins" not in _tiles(board)
    pending = {t.code: t.title for t in board.pending}
    assert pending["sites.checkins"] == "本年站点使用"
    assert "members.active" not in pending


def test_the_dashboard_opens_at_the_users_org_and_refuses_orgs_outside(tree, users):
    assert selectors.dashboard_org(users.township_staff, None) == tree.a
    assert selectors.dashboard_org(users.township_staff, tree.a1.pk) == tree.a1
    with pytest.raises(Http404):
        selectors.dashboard_org(users.township_staff, tree.b.pk)
    with pytest.raises(Http404):
        selectors.dashboard_org(users.township_staff, tree.county.pk)


def test_one_query_per_measure_for_the_org_and_all_its_children(
    tree, users, django_assert_max_num_queries
):
    registered = [
        t
        for _k, _n, tiles in __import__("gonghui.dashboard.tiles", fromlist=["GROUPS"]).GROUPS
        for t in tiles
        if t.code in {m.code for m in metrics.measures()}
    ]
    counts = sum(2 if metrics.measure_get(t.code).is_ratio else 1 for t in registered)
    user = users.county_admin
    selectors.dashboard_build(user, tree.county, as_of=AS_OF)  # the user's scope is read once
    # + 1 for the children of the org
    with django_assert_max_num_queries(counts + 1):
        selectors.dashboard_build(user, tree.county, as_of=AS_OF)


def test_the_tiles_equal_the_members_statistics_page_for_the_same_org(tree, users):
    from django.utils import timezone

    from gonghui.members.models import EmploymentForm
    from gonghui.members.stats import member_stats
    from gonghui.testing.fixtures import build_enterprise

    build_member(org=tree.a1, joined_on=dt.date(2024, 3, 1), is_migrant_worker=True)
    build_member(org=tree.b1, joined_on=dt.date(2025, 3, 1), employment_form=EmploymentForm.COURIER)
    build_member(org=tree.ae, joined_on=dt.date(2026, 1, 5))
    build_enterprise(org=tree.a1, has_union=True)
    build_enterprise(org=tree.b1, has_union=False)
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

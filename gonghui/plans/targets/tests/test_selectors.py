"""Live progress: actual figures from the registry, rolled up the tree (cascading), pace,
unknown measures shown as such, scope, one query per measure however many targets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from gonghui.members.tests.factories import build_member
from gonghui.plans.targets import selectors
from gonghui.plans.targets.models import Basis
from gonghui.plans.targets.progress import Pace
from gonghui.plans.targets.services import target_split
from gonghui.plans.targets.tests.factories import build_plan, build_target

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 7, 2)  # 50.1% of the year


def _joined(org, day):
    return build_member(org=org, joined_on=day)


def _flat(rows):
    return {(r.target.org_id, r.target.measure_code): r for row in rows for r in (row, *row.shares)}


def test_a_target_counts_its_subtree_and_each_share_its_own(tree, users):
    _joined(tree.a1, dt.date(2026, 1, 1))  # first day of the period: counted
    _joined(tree.ae, dt.date(2026, 7, 2))  # the as-of day: counted
    _joined(tree.a1, dt.date(2025, 12, 31))  # before the period
    _joined(tree.b1, dt.date(2026, 7, 3))  # after the as-of day
    _joined(tree.b1, dt.date(2026, 3, 1))
    plan = build_plan(org=tree.county)
    target = build_target(plan=plan, value=6)
    target_split(actor=None, target=target, shares={tree.a: 4, tree.b: 2})

    rows = selectors.plan_progress(users.county_admin, plan, as_of=AS_OF)

    flat = _flat(rows)
    county = flat[(tree.county.pk, "members.joined")]
    assert county.progress.actual == 3
    assert county.progress.reached == Decimal("50.0")
    assert county.progress.pace == Pace.BEHIND  # 50.0 vs 50.1 elapsed
    assert [(s.target.org_id, s.progress.actual, s.progress.pace) for s in county.shares] == [
        (tree.a.pk, 2, Pace.BEHIND),  # 50.0%
        (tree.b.pk, 1, Pace.BEHIND),
    ]


def test_a_stock_target_counts_everything_up_to_the_day(tree, users):
    _joined(tree.a1, dt.date(2020, 5, 1))
    _joined(tree.a1, dt.date(2026, 2, 1))
    plan = build_plan(org=tree.county)
    build_target(plan=plan, measure_code="members.active", value=2, basis=Basis.STOCK)
    build_target(plan=plan, measure_code="members.active", value=2, name="本年新增在册")
    rows = selectors.plan_progress(users.county_admin, plan, as_of=AS_OF)
    assert [r.progress.actual for r in rows] == [2, 1]
    assert rows[0].progress.pace == Pace.DONE


def test_an_unregistered_measure_shows_as_such_and_a_manual_target_as_manual(tree, users):
    plan = build_plan(org=tree.county)
    build_target(plan=plan, measure_code="later.things", value=25, allow_unregistered=True)
    build_target(plan=plan, measure_code="", value=None, name="召开全委会")
    rows = selectors.plan_progress(users.county_admin, plan, as_of=AS_OF)
    assert [(r.progress.pace, r.progress.actual, r.measure) for r in rows] == [
        (Pace.UNKNOWN, None, None),
        (Pace.MANUAL, None, None),
    ]
    assert rows[0].progress.pace_label == "指标未接入"


def test_one_query_per_table_however_many_targets_and_orgs(tree, users):
    plan = build_plan(org=tree.county)
    for code in ("members.joined", "orgs.grassroots_unions"):
        target = build_target(plan=plan, measure_code=code, value=10)
        target_split(actor=None, target=target, shares={tree.a: 5, tree.b: 5})
    build_target(plan=plan, measure_code="orgs.union_coverage_rate", value=90)
    targets = list(plan.targets.select_related("org"))
    assert len(targets) == 7
    selectors.evaluate_targets(targets, as_of=AS_OF)  # builds the tallies (once per install)
    with CaptureQueriesContext(connection) as queries:
        selectors.evaluate_targets(targets, as_of=AS_OF)
    for code in ("members.joined", "orgs.grassroots_unions", "orgs.union_coverage_rate"):
        target = build_target(plan=plan, measure_code=code, value=10)
        target_split(actor=None, target=target, shares={tree.a: 5, tree.b: 5})
    more = list(plan.targets.select_related("org"))
    assert len(more) == 16
    with CaptureQueriesContext(connection) as again:
        selectors.evaluate_targets(more, as_of=AS_OF)
    # As many queries for 16 targets as for 7: one per table (the members and enterprises
    # read from their tallies, together), never one per target or org.
    assert len(again) == len(queries) <= 10
    # The members are read only for the two days of July before AS_OF (the tallies hold the
    # whole months).
    scans = [q["sql"] for q in again.captured_queries if 'FROM "members_member"' in q["sql"]]
    assert len(scans) == 1 and "2026-07-01" in scans[0]


def test_a_township_sees_its_share_of_the_county_plan_and_nothing_else(tree, users):
    _joined(tree.a1, dt.date(2026, 2, 1))
    plan = build_plan(org=tree.county)
    target = build_target(plan=plan, value=4)
    target_split(actor=None, target=target, shares={tree.a: 2, tree.b: 2})
    other = build_plan(org=tree.b)

    assert list(selectors.plans_visible(users.township_staff)) == [plan]
    rows = selectors.plan_progress(users.township_staff, plan, as_of=AS_OF)
    assert [(r.target.org_id, r.progress.actual) for r in rows] == [(tree.a.pk, 1)]
    with pytest.raises(Http404):
        selectors.plan_get(users.township_staff, other.pk)
    with pytest.raises(Http404):
        selectors.target_get(users.township_staff, target.pk)

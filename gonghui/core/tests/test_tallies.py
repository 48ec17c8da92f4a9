"""Metric tallies (gonghui.core.tallies): a county's figures read from per-township monthly
tallies equal the records counted afresh, after every kind of write."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection

from gonghui.core import metrics, tallies
from gonghui.core.metrics import Period
from gonghui.core.models import MetricTally, MetricTallyDirty, MetricTallyState
from gonghui.members.models import Member
from gonghui.members.services import member_deactivate
from gonghui.members.tests.factories import build_member
from gonghui.orgs.models import Org
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db

CODES = ("members.joined", "members.active", "members.female", "members.migrant_workers")
PERIODS = (
    Period.year(2026),  # whole months only
    Period.as_of(dt.date(2026, 6, 17)),  # from the beginning, a ragged end
    Period(dt.date(2025, 11, 20), dt.date(2026, 3, 10)),  # ragged at both ends
    Period(dt.date(2026, 3, 2), dt.date(2026, 3, 30)),  # no whole month: counted afresh
    Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)),  # exactly one month
)


def _figures_by_tally_and_afresh(orgs):
    """evaluate_many (tallies for a county and its townships) and evaluate (the records)."""
    batch = metrics.evaluate_many([(code, orgs, period) for code in CODES for period in PERIODS])
    for code in CODES:
        for period in PERIODS:
            afresh = metrics.evaluate(code, orgs=orgs, period=period)
            assert {pk: f.value for pk, f in batch[(code, period)].items()} == {
                pk: f.value for pk, f in afresh.items()
            }, (code, period)
    return batch


def _anchored(tree):
    return list(Org.objects.filter(pk__in=[tree.county.pk, tree.a.pk, tree.b.pk]))


def _seed(tree):
    days = [
        dt.date(2025, 11, 19),
        dt.date(2025, 11, 20),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 11),
        dt.date(2026, 6, 17),
        dt.date(2026, 6, 18),
        dt.date(2026, 11, 30),
    ]
    members = []
    for n, day in enumerate(days):
        org = (tree.county, tree.a, tree.a1, tree.ae, tree.b1)[n % 5]
        members.append(build_member(org=org, joined_on=day))
    Member.objects.filter(pk__in=[m.pk for m in members[1::2]]).update(gender="female")
    return members


def test_tallies_equal_the_records_at_every_period_edge_and_after_every_kind_of_write(tree):
    members = _seed(tree)
    orgs = _anchored(tree)
    batch = _figures_by_tally_and_afresh(orgs)
    assert batch[("members.joined", PERIODS[0])][tree.county.pk].value == 7
    assert MetricTally.objects.filter(code="members.joined", span="m").exists()
    assert not MetricTallyDirty.objects.exists()

    # A service write, a raw SQL write (a data fix in a shell), a move between townships and
    # a deletion: each is seen by the next read.
    member_deactivate(actor=None, member=members[2], reason="调离")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_member SET joined_on = %s WHERE id = %s",
            [dt.date(2026, 2, 3), members[3].pk],
        )
    Member.objects.filter(pk=members[4].pk).update(org=tree.b1, org_anchor=tree.b)
    build_member(org=tree.b1, joined_on=dt.date(2026, 6, 1), is_migrant_worker=True)
    assert MetricTallyDirty.objects.exists()
    batch = _figures_by_tally_and_afresh(orgs)
    assert batch[("members.migrant_workers", PERIODS[0])][tree.b.pk].value == 1
    assert not MetricTallyDirty.objects.exists()

    # A state measure (no date) and a deletion.
    employers = [build_enterprise(org=org) for org in (tree.a1, tree.b1, tree.county)]
    state = [("orgs.enterprises", orgs, None), ("orgs.enterprises.employees", orgs, None)]
    assert metrics.evaluate_many(state)[("orgs.enterprises", None)][tree.county.pk].value == 3
    employers[0].delete()
    for (code, _period), figures in metrics.evaluate_many(state).items():
        afresh = metrics.evaluate(code, orgs=orgs, period=None)
        assert {pk: f.value for pk, f in figures.items()} == {
            pk: f.value for pk, f in afresh.items()
        }
    assert figures[tree.a.pk].value == 0 and afresh[tree.county.pk].value > 0


def test_only_dirty_townships_are_counted_again(tree, django_assert_max_num_queries):
    _seed(tree)
    orgs = _anchored(tree)
    _figures_by_tally_and_afresh(orgs)
    b_rows = set(MetricTally.objects.filter(group_id=tree.b.pk).values_list("pk", flat=True))
    build_member(org=tree.a1, joined_on=dt.date(2026, 4, 2))
    _figures_by_tally_and_afresh(orgs)
    # Township b was not written to: its rows were left alone.
    assert set(MetricTally.objects.filter(group_id=tree.b.pk).values_list("pk", flat=True)) == (
        b_rows
    )


def test_changed_measures_rebuild_and_missing_triggers_fall_back_to_the_records(tree):
    _seed(tree)
    orgs = _anchored(tree)
    _figures_by_tally_and_afresh(orgs)
    # Tallies that no longer match their measures' definitions are rebuilt, not read.
    MetricTally.objects.update(value=999)
    MetricTallyState.objects.update(fingerprint="an older definition")
    _figures_by_tally_and_afresh(orgs)
    assert not MetricTally.objects.filter(value=999).exists()

    # Without its triggers a table's tallies would go stale: they are not read at all.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {tallies._trigger_name('members_member', 'upd')}"
            + (" ON members_member" if connection.vendor == "postgresql" else "")
        )
    tallies._triggers_present.cache_clear()
    try:
        MetricTally.objects.filter(code__startswith="members.").update(value=999)
        _figures_by_tally_and_afresh(orgs)
    finally:
        tallies.install_triggers()
    assert tallies._triggers_present(
        (connection.alias, str(connection.settings_dict["NAME"])), "members_member"
    )


def test_a_county_page_of_member_figures_reads_tallies_not_the_members(
    tree, django_assert_num_queries
):
    _seed(tree)
    orgs = _anchored(tree)
    asks = [(code, orgs, Period.year(2026)) for code in CODES]
    metrics.evaluate_many(asks)  # builds the tallies
    build_member(org=tree.a1, joined_on=dt.date(2026, 4, 2))
    # state lock, dirty rows (newest, groups, delete), stale rows deleted, recount, insert,
    # groups, tallies read: no full scan of the members.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        figures = metrics.evaluate_many(asks)
    assert figures[("members.joined", Period.year(2026))][tree.a.pk].value == 6
    scans = [q["sql"] for q in queries.captured_queries if 'FROM "members_member"' in q["sql"]]
    assert len(scans) == 1 and "org_anchor_id" in scans[0] and "IN (" in scans[0]
    with django_assert_num_queries(3):  # nothing dirty: the state, the groups, the tallies
        metrics.evaluate_many(asks)


def test_every_tallied_measure_is_eligible_and_does_not_depend_on_today():
    tallied = [m for m in metrics.measures() if getattr(m, "tally", False)]
    assert {"members.active", "orgs.enterprises", "assistance.archives.open"} <= {
        m.code for m in tallied
    }
    for measure in tallied:
        assert tallies.tally_problem(measure) is None, measure.code
        sql = []
        for day in (dt.datetime(2026, 1, 5, 3), dt.datetime(2027, 8, 9, 20)):
            moment = day.replace(tzinfo=dt.UTC)
            with mock.patch("django.utils.timezone.now", return_value=moment):
                sql.append(str(measure.records().query))
        assert sql[0] == sql[1], measure.code

"""Registration: the window, quotas, the waiting list in order, duplicates, scope — and the
concurrency guarantee (never over quota) on PostgreSQL."""

import datetime
import threading

import pytest
from django.db import connection

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.testing.fixtures import make_tree, make_user
from gonghui.workforce.choices import Channel, ContestLevel
from gonghui.workforce.competitions import services
from gonghui.workforce.competitions.models import CompetitionStatus, Entry, EntryStatus, Quota
from gonghui.workforce.tests import factories as f

TODAY = datetime.date.today()


def _register(actor, comp, person, trade=None, channel=Channel.STAFF):
    return services.entry_register(
        actor=actor,
        competition=comp,
        trade=trade or comp.trades.first(),
        member=person,
        channel=channel,
    )


@pytest.mark.django_db
def test_registration_in_the_window_registers(tree, users):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    person = f.member(tree.a1, name="报名者")
    result = _register(users.township_staff, comp, person)
    assert (result.waiting, result.entry.status, result.entry.org) == (
        False,
        EntryStatus.REGISTERED,
        tree.a1,
    )
    assert "已报名" in result.message
    assert AuditEvent.objects.filter(
        object_id=str(result.entry.pk), detail__what="competition_entry"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (TODAY + datetime.timedelta(days=1), TODAY + datetime.timedelta(days=5), "报名尚未开始"),
        (TODAY - datetime.timedelta(days=5), TODAY - datetime.timedelta(days=1), "报名已于"),
    ],
)
def test_registration_outside_the_window_is_refused_and_nothing_written(
    tree, users, opens, closes, message
):
    comp = f.competition(
        tree.county,
        status=CompetitionStatus.APPROVED,
        registration_from=opens,
        registration_until=closes,
    )
    with pytest.raises(ValidationFailed) as exc:
        _register(users.county_staff, comp, f.member(tree.a1))
    assert message in exc.value.message
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_the_last_day_of_the_window_still_registers(tree, users):
    today = services.today()  # read now: the module's TODAY is a day behind after midnight
    comp = f.competition(
        tree.county,
        status=CompetitionStatus.APPROVED,
        registration_from=today - datetime.timedelta(days=3),
        registration_until=today,
    )
    assert _register(users.county_staff, comp, f.member(tree.a1)).entry.pk


@pytest.mark.django_db
def test_a_second_registration_in_the_same_trade_is_refused(tree, users):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    person = f.member(tree.a1, name="重复")
    _register(users.county_staff, comp, person)
    with pytest.raises(ValidationFailed) as exc:
        _register(users.county_staff, comp, person)
    assert "不能重复报名" in exc.value.message
    assert Entry.objects.count() == 1


@pytest.mark.django_db
def test_the_same_person_may_enter_two_trades(tree, users):
    welder, fitter = f.trade("焊工"), f.trade("钳工")
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED, trades=[welder, fitter])
    person = f.member(tree.a1)
    _register(users.county_staff, comp, person, welder)
    _register(users.county_staff, comp, person, fitter)
    assert Entry.objects.filter(member=person).count() == 2


@pytest.mark.django_db
def test_over_quota_goes_to_the_waiting_list_in_order_and_moves_up(tree, users):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    services.quota_set(actor=users.county_staff, competition=comp, org=tree.a, places=2)
    people = [f.member(tree.a1, name=n) for n in ("一", "二", "三", "四")]
    results = [_register(users.county_staff, comp, p) for p in people]
    assert [r.waiting for r in results] == [False, False, True, True]
    assert [r.position for r in results] == [0, 0, 1, 2]
    assert "候补名单(第 2 位)" in results[3].message
    # a unit outside the quota's subtree is not held back
    assert not _register(users.county_staff, comp, f.member(tree.b1)).waiting
    # When the second withdraws, the first waiting moves up, the second waits
    services.entry_withdraw(actor=users.county_staff, entry=results[1].entry, reason="生病")
    statuses = dict(Entry.objects.filter(competition=comp).values_list("member__name", "status"))
    assert statuses["三"] == EntryStatus.REGISTERED
    assert statuses["四"] == EntryStatus.WAITING
    # And raising the quota lets the rest in
    services.quota_set(actor=users.county_staff, competition=comp, org=tree.a, places=3)
    assert Entry.objects.get(member=people[3]).status == EntryStatus.REGISTERED


@pytest.mark.django_db
def test_a_trade_quota_counts_only_its_trade(tree, users):
    welder, fitter = f.trade("焊工"), f.trade("钳工")
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED, trades=[welder, fitter])
    services.quota_set(
        actor=users.county_staff, competition=comp, org=tree.a, trade=welder, places=1
    )
    assert not _register(users.county_staff, comp, f.member(tree.a1), welder).waiting
    assert _register(users.county_staff, comp, f.member(tree.a1), welder).waiting
    assert not _register(users.county_staff, comp, f.member(tree.a1), fitter).waiting


@pytest.mark.django_db
def test_a_member_outside_the_staff_scope_or_the_contest_area_is_refused(tree, users):
    comp = f.competition(tree.a, status=CompetitionStatus.APPROVED, level=ContestLevel.TOWNSHIP)
    with pytest.raises(ValidationFailed) as exc:
        _register(users.township_staff, comp, f.member(tree.b1))
    assert exc.value.fields["member"] == ["该会员不在您的管理范围内。"]
    with pytest.raises(ValidationFailed) as exc:
        _register(users.county_staff, comp, f.member(tree.b1, name="乙镇人"))
    assert "不在本次竞赛的组织范围内" in exc.value.fields["member"][0]
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_portal_registration_needs_the_competition_to_accept_it(tree):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED, portal_open=False)
    with pytest.raises(ValidationFailed) as exc:
        _register(None, comp, f.member(tree.a1), channel=Channel.PORTAL)
    assert "不接受职工手机报名" in exc.value.message
    comp.portal_open = True
    comp.save()
    assert (
        _register(None, comp, f.member(tree.a1), channel=Channel.PORTAL).entry.channel == "portal"
    )


@pytest.mark.django_db
def test_upper_level_contests_are_recorded_without_a_window(tree, users):
    comp = f.competition(
        tree.county,
        status=CompetitionStatus.RUNNING,
        level=ContestLevel.PROVINCE,
        organiser_name="某省总工会",
        registration_from=None,
        registration_until=None,
    )
    assert _register(users.county_staff, comp, f.member(tree.a1)).entry.pk


@pytest.mark.django_db
def test_withdrawing_after_results_are_published_is_refused(tree, users):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    entry = _register(users.county_staff, comp, f.member(tree.a1)).entry
    comp.status = CompetitionStatus.SUMMARY
    comp.save()
    with pytest.raises(ValidationFailed):
        services.entry_withdraw(actor=users.county_staff, entry=entry)
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.REGISTERED


@pytest.mark.django_db
def test_a_quota_outside_the_contest_area_is_refused(tree, users):
    comp = f.competition(tree.a, status=CompetitionStatus.APPROVED, level=ContestLevel.TOWNSHIP)
    with pytest.raises(ValidationFailed):
        services.quota_set(actor=users.county_staff, competition=comp, org=tree.b, places=3)
    with pytest.raises(NotFound):
        services.quota_set(actor=users.grassroots_staff, competition=comp, org=tree.a1, places=3)
    assert not Quota.objects.exists()


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_go_over_the_quota():
    # Given a quota of 2 places and 6 workers registering at the same moment
    tree = make_tree()
    staff = make_user("pg_registrar", "county_staff", tree.county)
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    services.quota_set(actor=staff, competition=comp, org=tree.a, places=2)
    people = [f.member(tree.a1) for _ in range(6)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def register(person):
        try:
            barrier.wait(timeout=10)
            result = _register(staff, comp, person)
            outcomes.append("waiting" if result.waiting else "registered")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Then exactly two are registered and four wait, in a strict order
    assert sorted(outcomes) == ["registered"] * 2 + ["waiting"] * 4
    assert Entry.objects.filter(status=EntryStatus.REGISTERED).count() == 2
    waiting = Entry.objects.filter(status=EntryStatus.WAITING).order_by("registered_at", "id")
    assert [services.waiting_position(e) for e in waiting] == [1, 2, 3, 4]


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_registrations_keep_one():
    tree = make_tree()
    staff = make_user("pg_registrar2", "county_staff", tree.county)
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    person = f.member(tree.a1)
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def register():
        try:
            barrier.wait(timeout=10)
            _register(staff, comp, person)
            outcomes.append("ok")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok", "refused", "refused"]
    assert Entry.objects.filter(member=person).count() == 1


@pytest.mark.django_db
def test_the_places_taken_of_every_quota_are_counted_in_one_query(
    tree, users, django_assert_num_queries
):
    from gonghui.workforce.competitions.selectors import quotas_of

    welder, fitter = f.trade("焊工"), f.trade("钳工")
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED, trades=[welder, fitter])
    for org, trade in ((tree.a, None), (tree.a, welder), (tree.a1, fitter), (tree.b, None)):
        services.quota_set(
            actor=users.county_staff, competition=comp, org=org, trade=trade, places=5
        )
    for org, trade in ((tree.a1, welder), (tree.a1, welder), (tree.a1, fitter), (tree.b1, fitter)):
        _register(users.county_staff, comp, f.member(org), trade)
    withdrawn = _register(users.county_staff, comp, f.member(tree.a1), fitter).entry
    services.entry_withdraw(actor=users.county_staff, entry=withdrawn, reason="生病")
    with django_assert_num_queries(1):
        rows = quotas_of(comp)
    taken = {
        (r["quota"].org.name, r["quota"].trade and r["quota"].trade.name): r["taken"] for r in rows
    }
    assert taken == {
        (tree.a.name, None): 3,
        (tree.a.name, "焊工"): 2,
        (tree.a1.name, "钳工"): 1,
        (tree.b.name, None): 1,
    }
    with django_assert_num_queries(1):
        usage = services._quota_usage(comp)
    assert sorted(n for _, n in usage) == [1, 1, 2, 3]

"""名师带徒: bad pairs refused, the allowance by result, the master's reward inside and
outside the window, once per apprentice."""

import datetime
from decimal import Decimal

import pytest

from gonghui.core.errors import PermissionDenied, ValidationFailed
from gonghui.workforce.competitions.models import CompetitionStatus
from gonghui.workforce.competitions.ranking import results_recompute
from gonghui.workforce.mentorships import services
from gonghui.workforce.mentorships.models import MentorReward, Mentorship, MentorshipPolicy
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _sign(actor, master, apprentice, *, signed_on=None, starts_on=None, ends_on=None):
    signed_on = signed_on or TODAY - datetime.timedelta(days=400)
    return services.mentorship_create(
        actor=actor,
        master=master,
        apprentice=apprentice,
        trade=f.trade(),
        signed_on=signed_on,
        starts_on=starts_on or signed_on,
        ends_on=ends_on or signed_on + datetime.timedelta(days=364),
        goals="一年内达到高级工水平",
    )


def test_an_apprentice_cannot_be_their_own_master(tree, users):
    person = f.member(tree.a1)
    with pytest.raises(ValidationFailed) as exc:
        _sign(users.township_staff, person, person)
    assert exc.value.fields["apprentice"] == ["师傅和徒弟不能是同一人。"]
    assert not Mentorship.objects.exists()


def test_an_overlapping_active_pair_of_the_apprentice_is_refused(tree, users):
    apprentice = f.member(tree.a1, name="徒弟")
    _sign(users.township_staff, f.member(tree.a1, name="师傅甲"), apprentice)
    with pytest.raises(ValidationFailed) as exc:
        _sign(users.township_staff, f.member(tree.a1, name="师傅乙"), apprentice)
    assert "师傅甲" in exc.value.fields["apprentice"][0]
    assert Mentorship.objects.count() == 1
    # a pair after the first one ends is fine
    later = TODAY - datetime.timedelta(days=30)
    _sign(users.township_staff, f.member(tree.a1), apprentice, signed_on=later)
    assert Mentorship.objects.count() == 2


def test_a_terminated_pair_does_not_block_a_new_one(tree, users):
    apprentice = f.member(tree.a1)
    first = _sign(users.township_staff, f.member(tree.a1), apprentice)
    services.mentorship_terminate(
        actor=users.township_staff, mentorship=first, on=TODAY, reason="师傅调离"
    )
    assert _sign(users.township_staff, f.member(tree.a1), apprentice).pk


def test_an_apprentice_outside_scope_is_refused(tree, users):
    with pytest.raises(ValidationFailed) as exc:
        _sign(users.township_staff, f.member(tree.a1), f.member(tree.b1))
    assert exc.value.fields["apprentice"] == ["徒弟不在您的管理范围内。"]


@pytest.mark.parametrize(
    ("result", "expected"),
    [("excellent", Decimal("3600.00")), ("pass", Decimal("1800.00")), ("fail", Decimal("0.00"))],
)
def test_the_allowance_follows_the_county_rule(tree, users, result, expected):
    services.policy_set(actor=users.county_admin, county=tree.county, monthly_allowance="300")
    start = TODAY - datetime.timedelta(days=400)
    pair = _sign(
        users.township_staff,
        f.member(tree.a1),
        f.member(tree.a1),
        signed_on=start,
        starts_on=datetime.date(start.year, 1, 1),
        ends_on=datetime.date(start.year, 12, 31),
    )
    pair = services.mentorship_appraise(
        actor=users.township_staff, mentorship=pair, result=result, appraised_on=TODAY
    )
    assert pair.allowance_total == expected
    assert "300.00 元/月 × 12 个月" in pair.allowance_basis


def test_only_a_county_admin_changes_the_rule(tree, users):
    with pytest.raises(PermissionDenied):
        services.policy_set(actor=users.county_staff, county=tree.county, reward_years=5)
    assert not MentorshipPolicy.objects.exists()


def _placing(tree, apprentice, *, ends_on, rank_points=(90, 80), status=CompetitionStatus.SUMMARY):
    comp = f.competition(
        tree.county,
        status=status,
        ends_on=ends_on,
        starts_on=ends_on - datetime.timedelta(days=3),
        theory_weight=100,
        practical_weight=0,
    )
    f.score(f.entry(comp, apprentice), theory=rank_points[0])
    f.score(f.entry(comp, f.member(tree.a1)), theory=rank_points[1])
    results_recompute([comp.pk])
    return comp


def test_the_master_is_rewarded_once_for_a_placing_within_the_window(tree, users):
    services.policy_set(
        actor=users.county_admin,
        county=tree.county,
        reward_years=3,
        reward_amount="2000",
        placing_rank=3,
    )
    master, apprentice = f.member(tree.a1, name="师傅"), f.member(tree.a1, name="徒弟")
    pair = _sign(users.township_staff, master, apprentice)
    _placing(tree, apprentice, ends_on=TODAY - datetime.timedelta(days=20))
    reward = MentorReward.objects.get()
    assert (reward.mentorship, reward.amount, reward.trigger) == (
        pair,
        Decimal("2000.00"),
        "placing",
    )
    # a second placing of the same apprentice pays nothing more
    _placing(tree, apprentice, ends_on=TODAY - datetime.timedelta(days=5))
    results_recompute()
    assert list(MentorReward.objects.values_list("pk", flat=True)) == [reward.pk]  # kept as is


def test_a_placing_outside_the_window_earns_nothing(tree, users):
    services.policy_set(actor=users.county_admin, county=tree.county, reward_years=1)
    apprentice = f.member(tree.a1)
    signed = TODAY - datetime.timedelta(days=800)
    _sign(users.township_staff, f.member(tree.a1), apprentice, signed_on=signed)
    _placing(tree, apprentice, ends_on=TODAY - datetime.timedelta(days=30))  # after 1 year
    _placing(tree, apprentice, ends_on=signed - datetime.timedelta(days=1))  # before signing
    assert not MentorReward.objects.exists()


def test_the_last_day_of_the_window_still_counts(tree, users):
    services.policy_set(actor=users.county_admin, county=tree.county, reward_years=1)
    apprentice = f.member(tree.a1)
    pair = _sign(users.township_staff, f.member(tree.a1), apprentice)
    _placing(tree, apprentice, ends_on=pair.reward_until)
    assert MentorReward.objects.count() == 1


def test_a_rank_below_the_placing_earns_nothing_unless_a_grade_came_with_it(tree, users):
    services.policy_set(actor=users.county_admin, county=tree.county, placing_rank=1)
    apprentice = f.member(tree.a1)
    _sign(users.township_staff, f.member(tree.a1), apprentice)
    _placing(tree, apprentice, ends_on=TODAY - datetime.timedelta(days=10), rank_points=(70, 80))
    assert not MentorReward.objects.exists()
    # a county rule giving ranks 1–2 a grade promotion makes the same result count
    f.rule(tree.county, rank_to=2, grade_steps=1)
    results_recompute()
    assert MentorReward.objects.get().trigger == "grade"


def test_results_not_yet_published_earn_nothing(tree, users):
    apprentice = f.member(tree.a1)
    _sign(users.township_staff, f.member(tree.a1), apprentice)
    _placing(
        tree,
        apprentice,
        ends_on=TODAY - datetime.timedelta(days=10),
        status=CompetitionStatus.RUNNING,
    )
    assert not MentorReward.objects.exists()


def test_months_between():
    assert services.months_between(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == 12
    assert services.months_between(datetime.date(2026, 3, 15), datetime.date(2026, 9, 14)) == 6
    assert services.months_between(datetime.date(2026, 3, 15), datetime.date(2026, 9, 10)) == 5

"""Outreach demo data: every state of every model, idempotent."""

from unittest import mock

from django.utils import timezone

from gonghui.accounts.demo import seed as seed_accounts
from gonghui.members.demo import seed as seed_members
from gonghui.orgs.demo import seed as seed_orgs
from gonghui.outreach.activities.models import Activity, ActivityStatus, AttendanceMode
from gonghui.outreach.caravans.models import (
    Caravan,
    CaravanKind,
    CaravanStatus,
    CaravanStop,
    OnSiteRegistration,
    Outcome,
    RegistrationStatus,
    StopStatus,
)
from gonghui.outreach.contests.models import ContestStatus, Entry, EntryStatus, Score, WorksContest
from gonghui.outreach.demo import seed
from gonghui.outreach.followups.models import FollowUp, FollowUpResult, FollowUpStatus
from gonghui.outreach.volunteers.models import (
    ServiceHours,
    TeamKind,
    TeamStatus,
    Volunteer,
    VolunteerProject,
    VolunteerRole,
    VolunteerTeam,
)

MODELS = [
    Caravan,
    CaravanStop,
    OnSiteRegistration,
    FollowUp,
    Activity,
    WorksContest,
    Entry,
    Score,
    VolunteerTeam,
    Volunteer,
    VolunteerProject,
    ServiceHours,
]


def _values(model, field):
    return set(model.objects.values_list(field, flat=True))


def test_outreach_demo_shows_every_state_and_adds_nothing_the_second_time(db):
    # given the demo county, its users and some members
    seed_orgs(seed=2026)
    seed_accounts(seed=2026)
    with mock.patch("gonghui.members.demo.TARGET", 300):
        seed_members(seed=2026)
    # when the outreach seeder runs twice
    first = seed(seed=2026)
    counts = [m.objects.count() for m in MODELS]
    second = seed(seed=2026)
    # then the second run adds nothing
    assert first.startswith("4 caravans")
    assert second.count("nothing added") == 4
    assert counts == [m.objects.count() for m in MODELS]
    # and caravans, stops, registrations in every state and kind
    assert _values(Caravan, "kind") == set(CaravanKind.values)
    assert _values(Caravan, "status") == set(CaravanStatus.values)
    assert _values(CaravanStop, "status") == set(StopStatus.values)
    assert _values(OnSiteRegistration, "status") == set(RegistrationStatus.values)
    assert _values(OnSiteRegistration, "outcome") == set(Outcome.values) | {""}
    # and follow-ups in every status and result, with pending ones overdue
    assert _values(FollowUp, "status") == set(FollowUpStatus.values)
    assert set(FollowUpResult.values) <= _values(FollowUp, "result")
    overdue = FollowUp.objects.filter(
        status=FollowUpStatus.PENDING, due_on__lt=timezone.localdate()
    )
    assert overdue.exists()
    # and no quota exceeded
    for stop in CaravanStop.objects.prefetch_related("offers"):
        for offer in stop.offers.all():
            if offer.quota is not None:
                assert offer.confirmed <= offer.quota
    # and activities in every status and attendance mode, a names list with QR check-ins
    assert _values(Activity, "status") == set(ActivityStatus.values)
    assert _values(Activity, "attendance_mode") == set(AttendanceMode.values)
    listed = Activity.objects.get(attendance_mode=AttendanceMode.NAMES, status=ActivityStatus.HELD)
    assert listed.attendance == listed.attendees.count() > 0
    assert {False, True} == set(listed.attendees.values_list("by_staff", flat=True))
    assert set(listed.attendees.values_list("checked_in_at", flat=True)) == {listed.starts_at}
    assert Activity.objects.filter(stop__isnull=False, status=ActivityStatus.HELD).exists()
    # and contests in every stage, entries in every status, scores, results with a tie
    assert _values(WorksContest, "status") == set(ContestStatus.values)
    assert _values(Entry, "status") == set(EntryStatus.values)
    published = WorksContest.objects.get(status=ContestStatus.PUBLISHED)
    ranked = published.entries.filter(rank__isnull=False)
    assert ranked.exclude(prize="").exists()
    assert ranked.filter(tied=True).exists()
    judging = WorksContest.objects.get(status=ContestStatus.JUDGING)
    assigned = judging.entries.filter(assignments__isnull=False).count()
    scored = Score.objects.filter(assignment__entry__contest=judging).count()
    assert 0 < scored < assigned
    assert Entry.objects.filter(images__isnull=False).exists()
    # and volunteer teams of both kinds and statuses, a leader, one who left, hours
    assert _values(VolunteerTeam, "kind") == set(TeamKind.values)
    assert _values(VolunteerTeam, "status") == set(TeamStatus.values)
    assert _values(Volunteer, "role") == set(VolunteerRole.values)
    assert Volunteer.objects.filter(left_on__isnull=False).exists()
    assert Volunteer.objects.filter(left_on__isnull=True).exists()
    assert VolunteerProject.objects.filter(ends_on__isnull=False).exists()
    assert ServiceHours.objects.filter(project__isnull=True).exists()
    assert ServiceHours.objects.filter(project__isnull=False).exists()
    dissolved = VolunteerTeam.objects.get(status=TeamStatus.DISSOLVED)
    assert not dissolved.volunteers.filter(left_on__isnull=True).exists()

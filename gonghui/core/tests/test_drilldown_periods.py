"""A figure for a period drills down to exactly the records it counts: the measure's link
narrows its list by the measure's own date (the list's `date_from`/`date_to`, and `dated`
where the list has several dates) and by the measure's statuses, so the list shows as many
records as the figure says — records of the org's subtree dated inside the period, none
dated just outside it (a datetime by its day in Asia/Shanghai) nor of a sibling township.
A bad date on the list is a Chinese message, not a 500."""

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.core.metrics import Period, evaluate, measure_get

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
# (day, counted when in A's subtree): both ends of the period and the days just outside it.
DAYS = ((dt.date(2026, 4, 1), True), (dt.date(2026, 6, 30), True), (dt.date(2026, 3, 31), False))
DAYS += ((dt.date(2026, 7, 1), False),)


def _at(day: dt.date, late: bool) -> dt.datetime:
    """A moment of that day in Asia/Shanghai near its edge (00:30 or 23:30): the UTC date
    differs, so a list reading the UTC date would disagree with the measure."""
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(day, dt.time(23, 30) if late else dt.time(0, 30), zone)


def _followup_done(tree, org, day, n):
    from gonghui.outreach.caravans.tests.factories import build_stop, register
    from gonghui.outreach.followups.models import FollowUp, FollowUpStatus

    followup = register(build_stop(org=org)).followups.order_by("number").first()
    FollowUp.objects.filter(pk=followup.pk).update(status=FollowUpStatus.DONE, done_on=day)


def _stop_held(tree, org, day, n):
    from gonghui.outreach.caravans.models import CaravanStop, StopStatus
    from gonghui.outreach.caravans.tests.factories import build_stop

    stop = build_stop(org=org)
    start = _at(day, late=n % 2 == 0)
    CaravanStop.objects.filter(pk=stop.pk).update(
        status=StopStatus.DONE, starts_at=start, ends_at=start + dt.timedelta(minutes=20)
    )
    if n == 0:  # a planned stop that day is not counted (nor listed)
        planned = build_stop(org=org)
        CaravanStop.objects.filter(pk=planned.pk).update(
            starts_at=start, ends_at=start + dt.timedelta(minutes=20)
        )


def _activity_held(tree, org, day, n):
    from gonghui.outreach.activities.models import Activity, ActivityStatus
    from gonghui.outreach.activities.services import activity_create

    def build_activity(org):
        return activity_create(
            actor=None,
            org=org,
            kind="lecture",
            title="职工大讲堂",
            starts_at=timezone.now() + dt.timedelta(days=1),
            place="文化礼堂",
            audience="园区职工",
        )

    start = _at(day, late=n % 2 == 0)
    made = build_activity(org)
    Activity.objects.filter(pk=made.pk).update(status=ActivityStatus.HELD, starts_at=start)
    if n == 0:  # planned that day: not counted
        Activity.objects.filter(pk=build_activity(org).pk).update(starts_at=start)


def _employed_90d(tree, org, day, n):
    from gonghui.outreach.caravans.models import OnSiteRegistration
    from gonghui.outreach.caravans.tests.factories import build_stop, register

    stop = build_stop(org=org)
    made = register(stop)
    OnSiteRegistration.objects.filter(pk=made.pk).update(
        status="confirmed", registered_on=day, days_to_job=40, outcome="employed"
    )
    if n == 0:  # employed after 120 days: not within 90
        late = register(stop)
        OnSiteRegistration.objects.filter(pk=late.pk).update(
            status="confirmed", registered_on=day, days_to_job=120, outcome="employed"
        )


def _legal_aid_accepted(tree, org, day, n):
    from gonghui.rights.legalaid.models import LegalAidCase
    from gonghui.rights.tests.factories import case

    made = case(org, applied_on=day - dt.timedelta(days=40))
    status = ("accepted", "assigned", "closed")[n % 3]
    LegalAidCase.objects.filter(pk=made.pk).update(status=status, decided_on=day)
    if n == 0:  # refused that day: not counted
        refused = case(org, applied_on=day)
        LegalAidCase.objects.filter(pk=refused.pk).update(status="refused", decided_on=day)


def _join_application(tree, org, day, n):
    from gonghui.members.joining.tests.matrix import build_application
    from gonghui.members.models import JoinApplication

    made = build_application(org=org, name=f"申请人{n}")
    JoinApplication.objects.filter(pk=made.pk).update(created_at=_at(day, late=n % 2 == 0))


def _join_reviewed(tree, org, day, n):
    from gonghui.members.joining.tests.matrix import build_application
    from gonghui.members.models import JoinApplication, JoinStatus

    made = build_application(org=org, name=f"审核申请人{n}")
    status = JoinStatus.REJECTED if n % 2 else JoinStatus.APPROVED
    JoinApplication.objects.filter(pk=made.pk).update(
        status=status, reviewed_at=_at(day, late=n % 2 == 0)
    )
    if n == 0:  # still pending, submitted that day: not reviewed
        pending = build_application(org=org, name="待审申请人")
        JoinApplication.objects.filter(pk=pending.pk).update(created_at=_at(day, late=False))


def _transfer_decided(tree, org, day, n):
    from gonghui.members.models import MembershipTransfer, TransferStatus
    from gonghui.members.tests.factories import build_member
    from gonghui.members.transfers.services import transfer_request

    member = build_member(org=tree.county, name=f"转入会员{n}")
    made = transfer_request(actor=None, member=member, to_org=org, reason="测试")
    status = TransferStatus.REJECTED if n % 2 else TransferStatus.APPROVED
    MembershipTransfer.objects.filter(pk=made.pk).update(
        status=status, decided_at=_at(day, late=n % 2 == 0)
    )


def _competition_held(tree, org, day, n):
    from gonghui.workforce.choices import ContestLevel
    from gonghui.workforce.competitions.models import Competition
    from gonghui.workforce.tests.factories import competition

    # Its own year field says the year before: the link must not filter by it.
    made = competition(org, status="running")
    Competition.objects.filter(pk=made.pk).update(starts_on=day, year=day.year - 1)
    if n == 0:  # a recorded city-level competition and a planned one: not counted
        for extra in (
            competition(org, level=ContestLevel.CITY),
            competition(org, status="plan"),
        ):
            Competition.objects.filter(pk=extra.pk).update(starts_on=day)


CASES = {
    "outreach.followups.done": _followup_done,
    "outreach.stops.held": _stop_held,
    "outreach.registrations.employed_90d": _employed_90d,
    "outreach.activities.held": _activity_held,
    "rights.legal_aid.accepted": _legal_aid_accepted,
    "members.join_applications": _join_application,
    "members.joins_reviewed": _join_reviewed,
    "members.transfers_decided": _transfer_decided,
    "workforce.competitions.held": _competition_held,
}


@pytest.mark.parametrize("code", list(CASES))
def test_a_figure_for_a_period_lands_on_exactly_its_records(code, tree, users, login):
    make = CASES[code]
    # Given records of A's subtree on the period's first and last days and just outside it,
    # and one of the sibling township B inside it
    for n, (day, _) in enumerate(DAYS):
        make(tree, tree.a1, day, n)
    make(tree, tree.b1, DAYS[0][0], 1)
    # When township A's figure for the quarter is followed to its list
    value = evaluate(code, orgs=[tree.a], period=PERIOD)[tree.a.pk].value
    url = measure_get(code).drilldown(tree.a, PERIOD)
    response = login(users.county_admin).get(url)
    # Then the list holds exactly the records the figure counts
    assert value == sum(counted for _, counted in DAYS)
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert not (page.has_next() if callable(page.has_next) else page.has_next)
    assert len(page.object_list) == value
    # A date that is not one is said in Chinese; the list still answers.
    bad = login(users.county_admin).get(url.replace("date_to=2026-06-30", "date_to=2026-06-31"))
    assert bad.status_code == 200
    assert "结束日期应为有效日期" in bad.content.decode()

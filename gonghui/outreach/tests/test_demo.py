"""Outreach demo data: every stop, registration and follow-up state, idempotent."""

from django.utils import timezone

from gonghui.accounts.demo import seed as seed_accounts
from gonghui.orgs.demo import seed as seed_orgs
from gonghui.outreach.caravans.models import (
    Caravan,
    CaravanStop,
    OnSiteRegistration,
    Outcome,
    RegistrationStatus,
    StopStatus,
)
from gonghui.outreach.demo import seed
from gonghui.outreach.followups.models import FollowUp, FollowUpResult, FollowUpStatus


def test_outreach_demo_shows_every_state_and_adds_nothing_the_second_time(db):
    # given the demo county and its users
    seed_orgs(seed=2026)
    seed_accounts(seed=2026)
    # when the outreach seeder runs twice
    first = seed(seed=2026)
    counts = (Caravan.objects.count(), OnSiteRegistration.objects.count(), FollowUp.objects.count())
    second = seed(seed=2026)
    # then three caravans with stops in every state
    assert first.startswith("3 caravans")
    assert second == "outreach demo present; nothing added"
    assert counts == (
        Caravan.objects.count(),
        OnSiteRegistration.objects.count(),
        FollowUp.objects.count(),
    )
    assert sorted(Caravan.objects.values_list("kind", flat=True)) == [
        "culture",
        "service",
        "skills",
    ]
    stop_states = set(CaravanStop.objects.values_list("status", flat=True))
    assert stop_states == {StopStatus.PLANNED, StopStatus.DONE, StopStatus.CANCELLED}
    # and registrations confirmed and waitlisted, some employed
    reg_states = set(OnSiteRegistration.objects.values_list("status", flat=True))
    assert {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED} <= reg_states
    assert OnSiteRegistration.objects.filter(outcome=Outcome.EMPLOYED).exists()
    # and follow-ups in every result, with pending ones overdue
    results = set(FollowUp.objects.values_list("result", flat=True))
    assert set(FollowUpResult.values) <= results
    overdue = FollowUp.objects.filter(
        status=FollowUpStatus.PENDING, due_on__lt=timezone.localdate()
    )
    assert overdue.exists()
    # and no waiting list is longer than the places taken allow: quotas hold
    for stop in CaravanStop.objects.prefetch_related("offers"):
        for offer in stop.offers.all():
            if offer.quota is not None:
                assert offer.confirmed <= offer.quota

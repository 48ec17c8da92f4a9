"""Quotas, the waiting list and the bad-input rules of registrations (issue 18)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from gonghui.assistance.models import ArchiveStep
from gonghui.assistance.programmes.tests.factories import archived
from gonghui.audit.models import AuditEvent
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.members.tests.factories import build_member, make_id_number
from gonghui.outreach.caravans import services
from gonghui.outreach.caravans.models import (
    CaravanStop,
    OnSiteRegistration,
    RegistrationStatus,
    StopOffer,
)
from gonghui.outreach.caravans.tests.factories import build_stop, offer_of, register
from gonghui.outreach.followups.models import FollowUp, FollowUpStatus

pytestmark = pytest.mark.django_db


def _state(stop):
    """Everything a refused registration must leave unchanged."""
    return (
        OnSiteRegistration.objects.filter(stop=stop).count(),
        list(StopOffer.objects.filter(stop=stop).values_list("confirmed", "waiting", "arrivals")),
        FollowUp.objects.count(),
        AuditEvent.objects.count(),
    )


def test_places_are_confirmed_up_to_the_quota_then_waitlisted_in_arrival_order(tree):
    stop = build_stop(org=tree.a1, quotas={"job_aid": 2})
    made = [register(stop, name=f"职工{i}") for i in range(5)]
    assert [r.status for r in made] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [r.arrival for r in made] == [1, 2, 3, 4, 5]
    assert [services.waitlist_position(r) for r in made] == [None, None, 1, 2, 3]
    offer = offer_of(stop)
    assert (offer.quota, offer.confirmed, offer.waiting, offer.arrivals) == (2, 2, 3, 5)
    # follow-ups only for the confirmed ones (7, 30, 90 days by default)
    assert FollowUp.objects.filter(registration__in=made[:2]).count() == 6
    assert not FollowUp.objects.filter(registration__in=made[2:]).exists()


def test_a_cancelled_place_goes_to_the_first_one_waiting(tree, users):
    stop = build_stop(org=tree.a1, quotas={"job_aid": 2})
    first, second, third, fourth = (register(stop) for _ in range(4))
    services.registration_cancel(actor=users.township_staff, registration=first, reason="改期")
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == RegistrationStatus.CONFIRMED and third.promoted_at is not None
    assert fourth.status == RegistrationStatus.WAITLISTED
    assert services.waitlist_position(fourth) == 1
    assert FollowUp.objects.filter(registration=third, status=FollowUpStatus.PENDING).count() == 3
    assert not FollowUp.objects.filter(registration=first, status=FollowUpStatus.PENDING).exists()
    offer = offer_of(stop)
    assert (offer.confirmed, offer.waiting) == (2, 1)
    # a waiting one who cancels leaves the line; the places stay taken
    services.registration_cancel(actor=users.township_staff, registration=fourth, reason="不来了")
    offer.refresh_from_db()
    assert (offer.confirmed, offer.waiting) == (2, 0)
    with pytest.raises(Conflict):
        services.registration_cancel(actor=users.township_staff, registration=fourth, reason="再")


def test_a_larger_quota_moves_the_waiting_list_up_and_a_smaller_one_is_refused(tree, users):
    stop = build_stop(org=tree.a1, quotas={"job_aid": 1})
    made = [register(stop) for _ in range(4)]
    offer = services.offer_quota_set(actor=users.township_staff, offer=offer_of(stop), quota=3)
    statuses = list(
        OnSiteRegistration.objects.filter(pk__in=[r.pk for r in made])
        .order_by("arrival")
        .values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert (offer.confirmed, offer.waiting) == (3, 1)
    before = _state(stop)
    with pytest.raises(ValidationFailed) as refused:
        services.offer_quota_set(actor=users.township_staff, offer=offer, quota=2)
    assert refused.value.fields["quota"] == ["名额不能少于已确认的 3 人。"]
    assert _state(stop) == before


def test_a_registration_after_the_stop_or_at_a_cancelled_one_is_refused(tree, users):
    stop = build_stop(org=tree.a1)
    CaravanStop.objects.filter(pk=stop.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=5),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    stop.refresh_from_db()
    before = _state(stop)
    with pytest.raises(ValidationFailed) as refused:
        register(stop, actor=users.township_staff)
    assert refused.value.message == "该站次已结束，不能再登记。"
    assert _state(stop) == before
    other = build_stop(org=tree.a1)
    services.stop_cancel(actor=users.township_staff, stop=other, reason="天气")
    with pytest.raises(ValidationFailed) as refused:
        register(other)
    assert refused.value.message == "该站次已取消，不能登记。"


def test_training_in_a_trade_the_stop_does_not_offer_is_refused(tree, users):
    stop = build_stop(org=tree.a1)  # welder training only
    before = _state(stop)
    with pytest.raises(ValidationFailed) as refused:
        services.registration_create(
            actor=users.township_staff,
            stop=stop,
            service="training",
            trade="electrician",
            name="王芳",
        )
    assert refused.value.fields["trade"] == ["本站次不提供该工种的免费培训。"]
    assert _state(stop) == before
    ok = services.registration_create(
        actor=users.township_staff, stop=stop, service="training", trade="welder", name="王芳"
    )
    assert ok.offer.trade == "welder"


def test_the_same_person_cannot_register_twice_at_one_stop(tree, users):
    stop = build_stop(org=tree.a1)
    id_number = make_id_number()
    first = register(stop, consent=True, id_number=id_number)
    before = _state(stop)
    with pytest.raises(ValidationFailed) as refused:
        register(stop, service="training", trade="welder", consent=True, id_number=id_number)
    assert f"登记号 {first.reference}" in refused.value.message
    assert _state(stop) == before
    # another stop is fine, and so is coming back after cancelling
    register(build_stop(org=tree.a1), consent=True, id_number=id_number)
    services.registration_cancel(actor=users.township_staff, registration=first, reason="重登")
    again = register(stop, consent=True, id_number=id_number)
    assert again.status == RegistrationStatus.CONFIRMED


def test_no_id_number_or_phone_is_stored_without_consent(tree):
    stop = build_stop(org=tree.a1)
    before = _state(stop)
    with pytest.raises(ValidationFailed) as refused:
        register(stop, id_number=make_id_number(), phone="13800005678")
    assert refused.value.fields["consent"] == [
        "登记身份证号或手机号须经本人同意，请勾选“本人同意”。"
    ]
    assert _state(stop) == before
    plain = register(stop, name="李强")
    row = OnSiteRegistration.objects.filter(pk=plain.pk).values(
        "consent", "consent_at", "id_number", "id_number_hash", "phone", "phone_hash", "person_key"
    )[0]
    assert row == {
        "consent": False,
        "consent_at": None,
        "id_number": "",
        "id_number_hash": "",
        "phone": "",
        "phone_hash": "",
        "person_key": "",
    }


def test_consented_id_and_phone_are_encrypted_hashed_and_masked(tree):
    stop = build_stop(org=tree.a1)
    id_number = make_id_number()
    made = register(stop, consent=True, id_number=id_number, phone="138 0000 5678")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone FROM outreach_onsiteregistration WHERE id = %s", [made.pk]
        )
        raw_id, raw_phone = cursor.fetchone()
    assert id_number not in raw_id and raw_id.startswith("v1:")
    assert "13800005678" not in raw_phone
    made.refresh_from_db()
    assert made.id_number == id_number and made.phone == "13800005678"
    assert made.id_number_hash == keyed_hash(id_number)
    assert made.phone_masked == "138****5678"
    assert made.consent_version and made.consent_at is not None
    detail = AuditEvent.objects.get(
        object_type="outreach.OnSiteRegistration", object_id=str(made.pk)
    ).detail
    assert id_number not in str(detail) and "13800005678" not in str(detail)


def test_members_are_linked_by_card_or_id_and_archived_households_are_flagged(tree, users):
    stop = build_stop(org=tree.a1)
    member = build_member(org=tree.a1)
    by_card = register(stop, actor=users.township_staff, member_card=member.card_number)
    assert by_card.member == member and by_card.person_key == f"member:{member.pk}"
    household = archived(tree.a1)
    by_id = register(
        build_stop(org=tree.a1), consent=True, id_number=household.id_number, name=household.name
    )
    assert by_id.archive == household
    step = ArchiveStep.objects.get(archive=household, action="outreach")
    assert by_id.reference in step.note
    with pytest.raises(ValidationFailed) as refused:
        register(stop, member_card="339901000000000")
    assert "会员卡号" in refused.value.fields["member_card"][0]


def test_staff_register_only_at_stops_in_their_scope(tree, users):
    stop = build_stop(org=tree.b1)
    with pytest.raises(NotFound):
        register(stop, actor=users.township_staff)
    assert not OnSiteRegistration.objects.filter(stop=stop).exists()

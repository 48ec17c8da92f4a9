"""Membership transfers (会籍转移): request by either side, approval by the receiver, scope."""

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.members.models import (
    EventKind,
    Member,
    MembershipTransfer,
    TransferSide,
    TransferStatus,
)
from gonghui.members.tests.factories import make_id_number
from gonghui.members.transfers import services as transfers
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def b1_staff(tree):
    return make_user("b1_staff", "township_staff", tree.b)


def _request(actor, member, to_org, side=TransferSide.FROM, reason="工作调动"):
    return transfers.transfer_request(
        actor=actor, member=member, to_org=to_org, reason=reason, side=side
    )


# --- services -----------------------------------------------------------------------


def test_sender_requests_a_transfer_to_a_union_outside_its_scope(users, tree, member_factory):
    member = member_factory(org=tree.a1)
    transfer = _request(users.grassroots_staff, member, tree.b1)
    assert (transfer.from_org, transfer.org, transfer.status) == (
        tree.a1,
        tree.b1,
        TransferStatus.PENDING,
    )
    assert transfer.requested_side == TransferSide.FROM
    assert AuditEvent.objects.filter(action=AuditAction.CREATED, object_id=str(transfer.pk))
    member.refresh_from_db()
    assert member.org == tree.a1  # nothing moves before approval


def test_receiver_requests_a_member_held_outside_its_scope(users, tree, member_factory):
    id_number = make_id_number()
    member = member_factory(org=tree.b1, id_number=id_number)
    found = transfers.member_lookup(id_number.lower())
    assert found == member
    assert transfers.member_lookup(member.card_number) == member
    transfer = _request(users.township_staff, found, tree.a1, side=TransferSide.TO)
    assert (transfer.from_org, transfer.org) == (tree.b1, tree.a1)


def test_request_needs_edit_scope_on_the_requesting_side(users, tree, member_factory):
    member = member_factory(org=tree.b1)
    with pytest.raises(NotFound):  # sender side: B1 is not theirs
        _request(users.township_staff, member, tree.a1, side=TransferSide.FROM)
    with pytest.raises(NotFound):  # receiver side: B1→AE... the target must be theirs
        _request(users.grassroots_staff, member, tree.ae, side=TransferSide.TO)
    assert not MembershipTransfer.objects.exists()


def test_request_rules(users, tree, member_factory):
    member = member_factory(org=tree.a1)
    actor = users.county_admin
    with pytest.raises(ValidationFailed, match="相同"):
        _request(actor, member, tree.a1)
    with pytest.raises(ValidationFailed, match="基层工会"):
        _request(actor, member, tree.b)
    with pytest.raises(ValidationFailed, match="转移原因"):
        _request(actor, member, tree.b1, reason="  ")
    _request(actor, member, tree.b1)
    with pytest.raises(ValidationFailed, match="待审批"):
        _request(actor, member, tree.ae)
    assert MembershipTransfer.objects.filter(member=member).count() == 1


def test_deactivated_member_cannot_be_transferred(users, tree, member_factory):
    from gonghui.members.services import member_deactivate

    member = member_deactivate(actor=None, member=member_factory(org=tree.a1), reason="离职")
    with pytest.raises(ValidationFailed, match="退会"):
        _request(users.county_admin, member, tree.b1)


def test_approve_moves_the_member_with_history_anchor_and_audit(
    users, tree, member_factory, b1_staff
):
    member = member_factory(org=tree.a1)
    transfer = _request(users.grassroots_staff, member, tree.b1)
    # The sender cannot approve its own request: approval belongs to the receiver.
    with pytest.raises(NotFound):
        transfers.transfer_approve(actor=users.township_staff, transfer=transfer)
    transfers.transfer_approve(actor=b1_staff, transfer=transfer)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.org == tree.b1
    assert member.org_anchor_id == tree.b1.anchor_id
    assert transfer.status == TransferStatus.APPROVED
    assert transfer.decided_by == b1_staff and transfer.decided_at
    event = member.events.get(kind=EventKind.TRANSFERRED)
    assert event.org == tree.b1
    assert tree.a1.name in event.note and tree.b1.name in event.note
    assert [e.kind for e in member.events.order_by("id")] == [
        EventKind.JOINED,
        EventKind.TRANSFERRED,
    ]
    audit = AuditEvent.objects.get(action=AuditAction.APPROVED, object_id=str(transfer.pk))
    assert audit.detail["from_org"] == tree.a1.pk and audit.detail["to_org"] == tree.b1.pk
    # Now the member is in B's scope and out of A's.
    assert Member.objects.filter(org_anchor=tree.b.anchor_id, pk=member.pk).exists()
    with pytest.raises(ValidationFailed):  # decided once
        transfers.transfer_approve(actor=b1_staff, transfer=transfer)


def test_reject_needs_a_reason_and_leaves_the_member(users, tree, member_factory, b1_staff):
    member = member_factory(org=tree.a1)
    transfer = _request(users.grassroots_staff, member, tree.b1)
    with pytest.raises(ValidationFailed, match="拒绝原因"):
        transfers.transfer_reject(actor=b1_staff, transfer=transfer, reason="")
    transfers.transfer_reject(actor=b1_staff, transfer=transfer, reason="本单位无此人")
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert transfer.reject_reason == "本单位无此人"
    assert member.org == tree.a1
    _request(users.grassroots_staff, member, tree.b1)  # a new request is possible again


def test_cancel_only_by_the_requesting_side(users, tree, member_factory, b1_staff):
    member = member_factory(org=tree.a1)
    transfer = _request(users.grassroots_staff, member, tree.b1)
    with pytest.raises(NotFound):  # the receiver may reject, not cancel
        transfers.transfer_cancel(actor=b1_staff, transfer=transfer)
    transfers.transfer_cancel(actor=users.grassroots_staff, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    with pytest.raises(ValidationFailed):
        transfers.transfer_approve(actor=b1_staff, transfer=transfer)

    claimed = _request(b1_staff, member, tree.b1, side=TransferSide.TO)
    with pytest.raises(NotFound):  # requested by the receiver: the sender cannot cancel it
        transfers.transfer_cancel(actor=users.grassroots_staff, transfer=claimed)
    transfers.transfer_cancel(actor=b1_staff, transfer=claimed)


def test_lists_are_scoped_to_either_side(users, tree, member_factory, b1_staff):
    out = _request(users.grassroots_staff, member_factory(org=tree.a1), tree.b1)
    into = _request(b1_staff, member_factory(org=tree.a1), tree.b1, side=TransferSide.TO)
    elsewhere = _request(users.county_admin, member_factory(org=tree.county), tree.b1)
    a_user = users.township_staff
    assert set(transfers.transfer_list(a_user)) == {out, into}
    assert set(transfers.transfer_list(a_user, box="outgoing")) == {out, into}
    assert set(transfers.transfer_list(a_user, box="incoming")) == set()
    assert set(transfers.transfer_list(b1_staff, box="incoming")) == {out, into, elsewhere}
    with pytest.raises(NotFound):
        transfers.transfer_get(a_user, elsewhere.pk)


def test_target_search_shows_name_and_code_only(tree):
    rows = transfers.target_orgs_search("乙镇")
    assert rows == [{"id": tree.b1.pk, "name": tree.b1.name, "code": tree.b1.code}]
    assert {r["id"] for r in transfers.target_orgs_search("")} == {
        tree.a1.pk,
        tree.ae.pk,
        tree.b1.pk,
    }


# --- pages --------------------------------------------------------------------------


def test_sender_page_flow(login, users, tree, member_factory):
    member = member_factory(org=tree.a1)
    client = login(users.grassroots_staff)
    detail = client.get(f"/members/{member.pk}/").content.decode()
    assert "发起转移" in detail
    page = client.get(f"/members/transfers/new/?member={member.pk}&q=乙镇").content.decode()
    assert tree.b1.name in page and tree.b1.code in page
    response = client.post(
        f"/members/transfers/new/?member={member.pk}",
        {"member": member.pk, "to_org": tree.b1.pk, "reason": "工作调动"},
    )
    transfer = MembershipTransfer.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == f"/members/transfers/{transfer.pk}/"
    detail = client.get(f"/members/{member.pk}/").content.decode()
    assert 'id="transfers"' in detail and tree.b1.name in detail
    assert "撤销申请" in client.get(response["Location"]).content.decode()


def test_receiver_page_flow_reveals_only_name_and_masked_id(client, tree, member_factory, b1_staff):
    id_number = make_id_number()
    member = member_factory(org=tree.a1, id_number=id_number, phone="13812345678")
    client.force_login(b1_staff)
    page = client.post(
        "/members/transfers/claim/", {"step": "lookup", "number": id_number}
    ).content.decode()
    assert member.name in page
    assert id_number[:4] + "*" * 10 + id_number[-4:] in page
    response = client.post(
        "/members/transfers/claim/",
        {"number": member.card_number, "to_org": tree.b1.pk, "reason": "已在本村就业"},
    )
    transfer = MembershipTransfer.objects.get(member=member)
    assert response.status_code == 302
    assert transfer.requested_side == TransferSide.TO
    # The receiver sees the transfer, never the member's record or unmasked data.
    page = client.get(f"/members/transfers/{transfer.pk}/").content.decode()
    assert member.name in page and "同意转入" in page
    assert id_number not in page and "13812345678" not in page and "138****5678" not in page
    assert client.get(f"/members/{member.pk}/").status_code == 404
    assert client.post(f"/members/{member.pk}/unmask/", {"reason": "看看"}).status_code == 404
    # Approving moves the member into the receiver's scope.
    response = client.post(f"/members/transfers/{transfer.pk}/approve/")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.org == tree.b1
    assert client.get(f"/members/{member.pk}/").status_code == 200


def test_a_claim_reports_an_unknown_number_with_the_missing_reason(client, tree, b1_staff):
    """Issue 14 #3: the number used to be looked up only once the form was otherwise valid."""
    client.force_login(b1_staff)
    page = client.post(
        "/members/transfers/claim/",
        {"number": make_id_number(n=7701), "to_org": tree.b1.pk, "reason": ""},
    ).content.decode()
    assert "请填写转移原因。" in page
    assert "未找到该身份证号或会员卡号对应的在册会员。" in page
    assert not MembershipTransfer.objects.exists()


def test_claim_for_an_org_out_of_scope_is_404(login, users, tree, member_factory):
    member = member_factory(org=tree.b1)
    client = login(users.township_staff)
    response = client.post(
        "/members/transfers/claim/",
        {"number": member.card_number, "to_org": tree.b1.pk, "reason": "x"},
    )
    assert response.status_code == 404
    assert not MembershipTransfer.objects.exists()


def test_unrelated_township_gets_404_and_changes_nothing(client, tree, member_factory, b1_staff):
    from gonghui.orgs.models import OrgLevel, OrgType
    from gonghui.orgs.services import org_create

    c = org_create(
        actor=None,
        parent=tree.county,
        name="丙镇总工会",
        type=OrgType.TOWNSHIP,
        level=OrgLevel.TOWNSHIP,
        code="999003",
    )
    outsider = make_user("c_staff", "township_staff", c)
    member = member_factory(org=tree.a1)
    transfer = _request(None, member, tree.b1)
    client.force_login(outsider)
    base = f"/members/transfers/{transfer.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "approve/").status_code == 404
    assert client.post(base + "reject/", {"reason": "no"}).status_code == 404
    assert client.post(base + "cancel/").status_code == 404
    assert client.get(f"/members/transfers/new/?member={member.pk}").status_code == 404
    assert member.name not in client.get("/members/transfers/").content.decode()
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING and member.org == tree.a1


def test_duplicate_pending_request_through_the_page_is_refused(login, users, tree, member_factory):
    member = member_factory(org=tree.a1)
    _request(None, member, tree.b1)
    client = login(users.grassroots_staff)
    response = client.post(
        f"/members/transfers/new/?member={member.pk}&q=甲镇",
        {"member": member.pk, "to_org": tree.ae.pk, "reason": "再次申请"},
    )
    assert response.status_code == 200
    assert transfers.PENDING_EXISTS in response.content.decode()
    assert MembershipTransfer.objects.filter(member=member).count() == 1


def test_reject_and_cancel_pages(login, users, tree, member_factory, client, b1_staff):
    rejected = _request(None, member_factory(org=tree.b1), tree.a1)
    client = login(users.township_staff)
    base = f"/members/transfers/{rejected.pk}/"
    assert "同意转入" in client.get(base).content.decode()
    client.post(base + "reject/", {"reason": ""})
    rejected.refresh_from_db()
    assert rejected.status == TransferStatus.PENDING  # a reason is required
    assert client.post(base + "reject/", {"reason": "查无此人"}).status_code == 302
    rejected.refresh_from_db()
    assert (rejected.status, rejected.reject_reason) == (TransferStatus.REJECTED, "查无此人")

    cancelled = _request(users.township_staff, member_factory(org=tree.a1), tree.b1)
    assert client.post(f"/members/transfers/{cancelled.pk}/cancel/").status_code == 302
    cancelled.refresh_from_db()
    assert cancelled.status == TransferStatus.CANCELLED
    page = client.get("/members/transfers/?box=outgoing&status=cancelled").content.decode()
    assert cancelled.member.name in page

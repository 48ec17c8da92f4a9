"""Permission-matrix entries for the membership transfer pages (see core/testing/matrix.py).

The actor holds its role at township A. A transfer is "own" when one side lies in A's
subtree; sibling and parent transfers are between unions outside it, or (for approve,
reject and cancel) visible to A but decided by the other side.
"""

from gonghui.core.testing.matrix import Endpoint, Targets
from gonghui.members.models import MembershipTransfer, TransferSide
from gonghui.members.tests.factories import build_member
from gonghui.orgs.models import OrgLevel, OrgType


def _b2(tree):
    from gonghui.orgs.models import Org
    from gonghui.orgs.services import org_create

    existing = Org.objects.filter(code="999002002").first()
    return existing or org_create(
        actor=None,
        parent=tree.b,
        name="乙镇二村工会",
        type=OrgType.COMMUNITY,
        level=OrgLevel.GRASSROOTS,
        code="999002002",
    )


def _transfer(member_org, to_org, name, side=TransferSide.FROM):
    from gonghui.members.transfers.services import transfer_request

    member = build_member(org=member_org, name=name)
    return transfer_request(actor=None, member=member, to_org=to_org, reason="矩阵转移", side=side)


def _visible(tree, actor):
    """own: A1 → B1; sibling: B1 → B2; parent: county → B2."""
    b2 = _b2(tree)
    return Targets(
        own=_transfer(tree.a1, tree.b1, "甲镇转出会员"),
        sibling=_transfer(tree.b1, b2, "乙镇转出会员"),
        parent=_transfer(tree.county, b2, "县直转出会员"),
    )


def _to_decide(tree, actor):
    """own: B1 → A1 (A receives); sibling: A1 → B1 (A sends, B decides); parent: county → B2."""
    return Targets(
        own=_transfer(tree.b1, tree.a1, "转入甲镇会员"),
        sibling=_transfer(tree.a1, tree.b1, "转入乙镇会员"),
        parent=_transfer(tree.county, _b2(tree), "县直转出会员"),
    )


def _to_cancel(tree, actor):
    """own: A1 → B1 asked by A; sibling: B1 → A1 asked by B (visible to A); parent: county."""
    return Targets(
        own=_transfer(tree.a1, tree.b1, "甲镇转出会员"),
        sibling=_transfer(tree.b1, tree.a1, "乙镇转出会员"),
        parent=_transfer(tree.county, _b2(tree), "县直转出会员"),
    )


def _members(tree, actor):
    """Members to send, each towards B2 (created here)."""
    _b2(tree)
    return Targets(
        own=build_member(org=tree.a1, name="甲镇待转会员"),
        sibling=build_member(org=tree.b1, name="乙镇待转会员"),
        parent=build_member(org=tree.county, name="县直待转会员"),
    )


def _claims(tree, actor):
    """(receiving org, member elsewhere): own → A1; sibling → B1; parent → the county."""
    b2 = _b2(tree)
    return Targets(
        own=(tree.a1, build_member(org=b2, name="乙镇二村会员甲")),
        sibling=(tree.b1, build_member(org=b2, name="乙镇二村会员乙")),
        parent=(tree.county, build_member(org=b2, name="乙镇二村会员丙")),
    )


def _state(transfer):
    fresh = MembershipTransfer.objects.select_related("member").get(pk=transfer.pk)
    return (fresh.status, fresh.member.org_id, fresh.member.events.count())


def _count_for(member):
    return MembershipTransfer.objects.filter(member=member).count()


ENDPOINTS = [
    Endpoint(
        "members.transfer_list",
        "GET",
        "members",
        "view",
        lambda t: "/members/transfers/",
        _visible,
        marker=lambda t: t.member.name,
        scoped=False,
    ),
    Endpoint(
        "members.transfer_detail",
        "GET",
        "members",
        "view",
        lambda t: f"/members/transfers/{t.pk}/",
        _visible,
    ),
    Endpoint(
        "members.transfer_create_form",
        "GET",
        "members",
        "edit",
        lambda m: f"/members/transfers/new/?member={m.pk}",
        _members,
    ),
    Endpoint(
        "members.transfer_create",
        "POST",
        "members",
        "edit",
        lambda m: f"/members/transfers/new/?member={m.pk}",
        _members,
        data=lambda m: {"member": m.pk, "to_org": _b2_pk(), "reason": "矩阵转出"},
        snapshot=_count_for,
        success=(302,),
    ),
    Endpoint(
        "members.transfer_claim_form",
        "GET",
        "members",
        "edit",
        lambda t: "/members/transfers/claim/",
        _members,
        scoped=False,
    ),
    Endpoint(
        "members.transfer_claim",
        "POST",
        "members",
        "edit",
        lambda t: "/members/transfers/claim/",
        _claims,
        data=lambda t: {"number": t[1].card_number, "to_org": t[0].pk, "reason": "矩阵转入"},
        snapshot=lambda t: _count_for(t[1]),
        success=(302,),
    ),
    Endpoint(
        "members.transfer_approve",
        "POST",
        "members",
        "approve",
        lambda t: f"/members/transfers/{t.pk}/approve/",
        _to_decide,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "members.transfer_reject",
        "POST",
        "members",
        "approve",
        lambda t: f"/members/transfers/{t.pk}/reject/",
        _to_decide,
        data=lambda t: {"reason": "矩阵拒绝"},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "members.transfer_cancel",
        "POST",
        "members",
        "edit",
        lambda t: f"/members/transfers/{t.pk}/cancel/",
        _to_cancel,
        snapshot=_state,
        success=(302,),
    ),
]


def _b2_pk():
    from gonghui.orgs.models import Org

    return Org.objects.get(code="999002002").pk

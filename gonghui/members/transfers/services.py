"""Membership transfers (会籍转移, DESIGN §4): services and selectors.

A transfer moves an active member from the union holding them (`from_org`, the sending
side) to an active grassroots union (`org`, the receiving side). Either side may request
it; only the receiving side approves or rejects; the requesting side may cancel while it
is pending. Both sides see the transfer in their scope; the member's own record stays in
the scope of whoever holds it, so the other side only ever sees the name and masked ID.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.masking import mask_id_number
from gonghui.core.modules import Action
from gonghui.core.scope import in_dates, in_subtree, org_in_scope, scope_paths, scope_q
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean
from gonghui.members.models import (
    EventKind,
    Member,
    MembershipEvent,
    MembershipTransfer,
    MemberStatus,
    TransferSide,
    TransferStatus,
)
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "members"
TARGET_SEARCH_LIMIT = 20
PENDING_EXISTS = "该会员已有一笔待审批的会籍转移，请先处理该申请。"


# --- selectors ----------------------------------------------------------------------


def transfer_scoped(user, action: str = Action.VIEW) -> QuerySet[MembershipTransfer]:
    """Transfers whose sending or receiving union lies in the user's scope."""
    paths = scope_paths(user, MODULE, action)
    visible = scope_q(paths, "org__path") | scope_q(paths, "from_org__path")
    return MembershipTransfer.objects.filter(visible).select_related(
        "member", "org", "from_org", "requested_by", "decided_by"
    )


# The dates the transfer list's date range can apply to (`dated`), the first the default.
TRANSFER_DATED = {"created": "申请时间", "decided": "审批时间"}
# Status choices beyond TransferStatus: both decisions (what members.transfers_decided counts).
DECIDED_STATUS = ("decided", "已审批(转入或拒绝)")


def transfer_list(
    user,
    *,
    box: str = "",
    status: str = "",
    org: Org | None = None,
    dated: str = "created",
    date_from=None,
    date_to=None,
) -> QuerySet[MembershipTransfer]:
    """box "incoming": received by a union in scope; "outgoing": sent from one; else both.
    `org`: received by a union of its subtree (what members.transfers_decided counts);
    `status` "decided": approved or rejected; `dated` (TRANSFER_DATED), `date_from`/`date_to`:
    requested or decided on those days (Asia/Shanghai)."""
    paths = scope_paths(user, MODULE, Action.VIEW)
    transfers = in_subtree(transfer_scoped(user), org)
    if box == "incoming":
        transfers = transfers.filter(scope_q(paths, "org__path"))
    elif box == "outgoing":
        transfers = transfers.filter(scope_q(paths, "from_org__path"))
    if status in TransferStatus.values:
        transfers = transfers.filter(status=status)
    elif status == "decided":
        transfers = transfers.filter(status__in=(TransferStatus.APPROVED, TransferStatus.REJECTED))
    field = "decided_at" if dated == "decided" else "created_at"
    transfers = in_dates(transfers, field, date_from, date_to)
    return transfers.defer("member__id_number", "member__phone").order_by("-id")


def transfer_get(user, pk) -> MembershipTransfer:
    try:
        return transfer_scoped(user).get(pk=pk)
    except MembershipTransfer.DoesNotExist as exc:
        raise NotFound() from exc


def member_transfers(member: Member) -> QuerySet[MembershipTransfer]:
    """A member's transfers, newest first (the caller fetched the member in scope)."""
    return member.transfers.select_related("org", "from_org", "requested_by").order_by("-id")


def target_orgs_search(q: str) -> list[dict]:
    """Active grassroots unions matching q by name or code: name and code only, never more,
    because the receiving side may lie outside the requester's scope."""
    q = normalise_text(q).replace(" ", "")
    orgs = Org.objects.filter(status=OrgStatus.ACTIVE, level=OrgLevel.GRASSROOTS)
    if q:
        orgs = orgs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return list(orgs.order_by("code").values("id", "name", "code")[:TARGET_SEARCH_LIMIT])


def target_org_get(pk) -> Org:
    try:
        return Org.objects.get(pk=pk, status=OrgStatus.ACTIVE, level=OrgLevel.GRASSROOTS)
    except (Org.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("所选接收工会不存在或已撤销。") from exc


def member_lookup(number: str) -> Member | None:
    """An active member by exact ID number (keyed hash) or exact member card number.

    Anywhere in the installation: the receiving union finds the person it wants to take
    over. Callers show only `member_public` of the result.
    """
    raw = normalise_text(number).replace(" ", "").upper()
    if not raw:
        return None
    members = Member.objects.filter(status=MemberStatus.ACTIVE).select_related("org")
    try:
        id_number = id_number_clean(raw).number
    except IdNumberError:
        id_number = None
    if id_number is not None:
        found = members.filter(id_number_hash=keyed_hash(id_number)).first()
        if found is not None:
            return found
    if len(raw) == 15:
        return members.filter(card_number=raw).first()
    return None


def member_public(member: Member) -> dict:
    """What the other side may see of a member outside its scope."""
    return {"name": member.name, "id_masked": mask_id_number(member.id_number)}


# --- services -----------------------------------------------------------------------


def _can(actor, action: str, org) -> bool:
    return actor is None or org_in_scope(actor, MODULE, action, org)


def _fail(message: str, field: str = "__all__"):
    raise ValidationFailed(message, fields={field: [message]})


@transaction.atomic
def transfer_request(
    *, actor, member: Member, to_org: Org, reason: str, side: str = TransferSide.FROM
) -> MembershipTransfer:
    """Request a transfer. side FROM: the member's union asks (members.edit there);
    side TO: the receiving union asks (members.edit at to_org)."""
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    if side == TransferSide.FROM:
        if not _can(actor, Action.EDIT, member.org):
            raise NotFound()
    elif side == TransferSide.TO:
        if not _can(actor, Action.EDIT, to_org):
            raise NotFound()
    else:
        raise ValueError(f"unknown side {side!r}")
    reason = normalise_text(reason)
    if not reason:
        _fail("请填写转移原因。", "reason")
    if not member.is_active:
        _fail("该会员已退会，不能办理会籍转移。")
    if not to_org.is_active or to_org.level != OrgLevel.GRASSROOTS:
        _fail("接收工会须为正常状态的基层工会。", "to_org")
    if to_org.pk == member.org_id:
        _fail("接收工会与会员当前所在工会相同。", "to_org")
    pending = MembershipTransfer.objects.filter(member=member, status=TransferStatus.PENDING)
    if pending.exists():
        _fail(PENDING_EXISTS)
    by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            transfer = MembershipTransfer.objects.create(
                member=member,
                org=to_org,
                from_org=member.org,
                reason=reason[:200],
                requested_side=side,
                requested_by=by,
            )
    except IntegrityError:  # a concurrent request for the same member won
        _fail(PENDING_EXISTS)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=member.org if side == TransferSide.FROM else to_org,
        obj=transfer,
        detail={"from_org": member.org_id, "to_org": to_org.pk, "side": side},
    )
    return transfer


def _locked(transfer: MembershipTransfer) -> MembershipTransfer:
    return (
        MembershipTransfer.objects.select_for_update(of=("self",))
        .select_related("org", "from_org", "member")
        .get(pk=transfer.pk)
    )


def _pending(transfer: MembershipTransfer) -> None:
    if transfer.status != TransferStatus.PENDING:
        _fail(f"该转移申请{transfer.get_status_display()}，不能再处理。")


@transaction.atomic
def transfer_approve(*, actor, transfer: MembershipTransfer) -> MembershipTransfer:
    """The receiving union accepts: the member moves, with an event and an audit record."""
    transfer = _locked(transfer)
    if not _can(actor, Action.APPROVE, transfer.org):
        raise NotFound()
    _pending(transfer)
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=transfer.member_id)
    )
    if not member.is_active:
        _fail("该会员已退会，不能转入。")
    if member.org_id != transfer.from_org_id:
        _fail("该会员所在工会已变化，请撤销后重新发起转移。")
    if not transfer.org.is_active:
        _fail("接收工会已撤销，不能转入。")
    now = timezone.now()
    by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    from_org, to_org = transfer.from_org, transfer.org
    member.org = to_org
    member.save(update_fields=["org", "updated_at"])  # org_anchor follows (OrgOwned.save)
    member.refresh_from_db()
    transfer.status = TransferStatus.APPROVED
    transfer.decided_by = by
    transfer.decided_at = now
    transfer.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.TRANSFERRED,
        org=to_org,
        at=now,
        by=by,
        note=f"由 {from_org.name}（{from_org.code}）转入 {to_org.name}（{to_org.code}）"[:300],
    )
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        org=to_org,
        obj=transfer,
        detail={
            "kind": "membership_transfer",
            "member": member.pk,
            "from_org": from_org.pk,
            "to_org": to_org.pk,
        },
    )
    return transfer


@transaction.atomic
def transfer_reject(*, actor, transfer: MembershipTransfer, reason: str) -> MembershipTransfer:
    transfer = _locked(transfer)
    if not _can(actor, Action.APPROVE, transfer.org):
        raise NotFound()
    _pending(transfer)
    reason = normalise_text(reason)
    if not reason:
        _fail("请填写拒绝原因。", "reason")
    transfer.status = TransferStatus.REJECTED
    transfer.reject_reason = reason[:200]
    transfer.decided_by = actor if actor is not None and actor.is_authenticated else None
    transfer.decided_at = timezone.now()
    transfer.save(
        update_fields=["status", "reject_reason", "decided_by", "decided_at", "updated_at"]
    )
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        org=transfer.org,
        obj=transfer,
        detail={"kind": "membership_transfer", "decision": "rejected", "reason": reason},
    )
    return transfer


def requesting_org(transfer: MembershipTransfer) -> Org:
    return transfer.from_org if transfer.requested_side == TransferSide.FROM else transfer.org


@transaction.atomic
def transfer_cancel(*, actor, transfer: MembershipTransfer) -> MembershipTransfer:
    """The requesting side withdraws its pending request."""
    transfer = _locked(transfer)
    if not _can(actor, Action.EDIT, requesting_org(transfer)):
        raise NotFound()
    _pending(transfer)
    transfer.status = TransferStatus.CANCELLED
    transfer.decided_by = actor if actor is not None and actor.is_authenticated else None
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=requesting_org(transfer),
        obj=transfer,
        detail={"kind": "membership_transfer", "decision": "cancelled"},
    )
    return transfer

"""Membership transfer pages (会籍转移). Views parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.core.errors import NotFound, ServiceError, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.pages import (
    date_range_param,
    form_apply_error,
    org_param_or_404,
    paginate,
    posted_org_or_404,
)
from gonghui.core.scope import can, org_in_scope, requires, scope_queryset
from gonghui.members import selectors
from gonghui.members.models import TransferSide, TransferStatus
from gonghui.members.transfers import services as transfers
from gonghui.members.transfers.forms import RejectForm, TransferClaimForm, TransferRequestForm
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "members"
BOXES = (("", "全部"), ("incoming", "转入(待我方审批)"), ("outgoing", "转出"))


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _get(request, pk):
    try:
        return transfers.transfer_get(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@requires(MODULE, Action.VIEW)
def transfer_list(request):
    box = request.GET.get("box", "")
    status = request.GET.get("status", "")
    within = org_param_or_404(request, MODULE)
    dates = date_range_param(request, transfers.TRANSFER_DATED)
    rows = transfers.transfer_list(
        request.user,
        box=box,
        status=status,
        org=within,
        dated=dates.dated,
        date_from=dates.start,
        date_to=dates.end,
    )
    return render(
        request,
        "members/transfers/transfer_list.html",
        {
            **paginate(request, rows),
            "box": box,
            "status": status,
            "within": within,
            "dates": dates,
            "dated_choices": transfers.TRANSFER_DATED.items(),
            "boxes": BOXES,
            "status_choices": [*TransferStatus.choices, transfers.DECIDED_STATUS],
            "can_claim": can(request.user, MODULE, Action.EDIT),
        },
    )


@login_required
def transfer_detail(request, pk):
    _require(request, Action.VIEW)
    transfer = _get(request, pk)
    user = request.user
    pending = transfer.status == TransferStatus.PENDING
    return render(
        request,
        "members/transfers/transfer_detail.html",
        {
            "t": transfer,
            "member_public": transfers.member_public(transfer.member),
            "member_visible": org_in_scope(user, MODULE, Action.VIEW, transfer.member.org),
            "can_decide": pending and org_in_scope(user, MODULE, Action.APPROVE, transfer.org),
            "can_cancel": pending
            and org_in_scope(user, MODULE, Action.EDIT, transfers.requesting_org(transfer)),
            "reject_form": RejectForm(),
        },
    )


@login_required
def transfer_create(request):
    """The sending union requests: the member is theirs, the receiving union any active one."""
    _require(request, Action.EDIT)
    member_pk = request.GET.get("member") or request.POST.get("member") or ""
    if not member_pk.isdigit():
        raise Http404
    member = selectors.member_get(request.user, int(member_pk), Action.EDIT)
    q = request.GET.get("q", "").strip()
    found = [o for o in transfers.target_orgs_search(q) if o["id"] != member.org_id]
    chosen = request.POST.get("to_org", "")
    if chosen.isdigit() and all(str(o["id"]) != chosen for o in found):
        try:  # a choice made from an earlier search stays selectable
            org = transfers.target_org_get(int(chosen))
        except NotFound:
            pass
        else:
            found.insert(0, {"id": org.pk, "name": org.name, "code": org.code})
    choices = [(o["id"], f"{o['name']}（{o['code']}）") for o in found]
    form = TransferRequestForm(request.POST or None, org_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            to_org = transfers.target_org_get(form.cleaned_data["to_org"])
            transfer = transfers.transfer_request(
                actor=request.user,
                member=member,
                to_org=to_org,
                reason=form.cleaned_data["reason"],
                side=TransferSide.FROM,
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已提交会籍转移申请，等待接收工会审批。")
            return redirect("members:transfer_detail", pk=transfer.pk)
    return render(
        request,
        "members/transfers/transfer_form.html",
        {"form": form, "m": member, "q": q, "found": found},
    )


def _receiving_orgs(request):
    return (
        scope_queryset(Org.objects.all(), request.user, MODULE, Action.EDIT, org_field="")
        .filter(status=OrgStatus.ACTIVE, level=OrgLevel.GRASSROOTS)
        .order_by("path")[:500]
    )


NOT_A_MEMBER = "未找到该身份证号或会员卡号对应的在册会员。"


def _claim_check(data: dict) -> None:
    """Whether the number names a member, told with the form's other errors (one round)."""
    if data.get("number") and transfers.member_lookup(data["number"]) is None:
        raise ValidationFailed(NOT_A_MEMBER, fields={"number": [NOT_A_MEMBER]})


@login_required
def transfer_claim(request):
    """The receiving union requests: it names the person by exact ID number or card number."""
    _require(request, Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "to_org", MODULE, Action.EDIT)
    orgs = list(_receiving_orgs(request))
    form = TransferClaimForm(
        request.POST or None,
        org_choices=[(o.pk, f"{o.name}（{o.code}）") for o in orgs],
        check=_claim_check,
    )
    found = None
    if request.method == "POST" and request.POST.get("step") == "lookup":
        # First step: show who the number belongs to (name and masked ID only), no write.
        member = transfers.member_lookup(request.POST.get("number", ""))
        form = TransferClaimForm(
            initial={"number": request.POST.get("number", "")},
            org_choices=[(o.pk, f"{o.name}（{o.code}）") for o in orgs],
        )
        if member is None:
            messages.error(request, NOT_A_MEMBER)
        else:
            found = transfers.member_public(member)
    elif request.method == "POST" and form.is_valid():
        member = transfers.member_lookup(form.cleaned_data["number"])
        if member is None:
            form.add_error("number", NOT_A_MEMBER)
        else:
            found = transfers.member_public(member)
            to_org = next(o for o in orgs if o.pk == form.cleaned_data["to_org"])
            try:
                transfer = transfers.transfer_request(
                    actor=request.user,
                    member=member,
                    to_org=to_org,
                    reason=form.cleaned_data["reason"],
                    side=TransferSide.TO,
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, f"已提交转入申请：{found['name']}。")
                return redirect("members:transfer_detail", pk=transfer.pk)
    return render(request, "members/transfers/transfer_claim.html", {"form": form, "found": found})


def _decide(request, pk, action):
    transfer = _get(request, pk)
    try:
        action(transfer)
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("members:transfer_detail", pk=transfer.pk)


@login_required
@require_POST
def transfer_approve(request, pk):
    _require(request, Action.APPROVE)

    def approve(transfer):
        transfers.transfer_approve(actor=request.user, transfer=transfer)
        messages.success(request, f"{transfer.member.name} 已转入 {transfer.org.name}。")

    return _decide(request, pk, approve)


@login_required
@require_POST
def transfer_reject(request, pk):
    _require(request, Action.APPROVE)

    def reject(transfer):
        transfers.transfer_reject(
            actor=request.user, transfer=transfer, reason=request.POST.get("reason", "")
        )
        messages.success(request, "已拒绝该转移申请。")

    return _decide(request, pk, reject)


@login_required
@require_POST
def transfer_cancel(request, pk):
    _require(request, Action.EDIT)

    def cancel(transfer):
        transfers.transfer_cancel(actor=request.user, transfer=transfer)
        messages.success(request, "已撤销该转移申请。")

    return _decide(request, pk, cancel)

"""Online joining pages: the public application and status check, and the staff review queue."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.pages import date_range_param, form_apply_error, org_param_or_404, paginate
from gonghui.core.request_context import client_ip
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.members.joining import services as joining
from gonghui.members.joining.forms import JoinForm, RejectForm, StatusForm
from gonghui.members.models import (
    JoinPath,
    JoinStatus,
)

MODULE = "members"
DONE_SESSION_KEY = "join_done"


# --- public ---------------------------------------------------------------------------


@csrf_protect
def join_apply(request):
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = joining.application_submit(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                employment_form=data["employment_form"],
                path=data["path"],
                employer_id=data["employer"] or None,
                employer_query=data["employer_query"],
                pool_org_id=data["pool_org"] or None,
                ip=client_ip(request),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
            status = exc.status
        else:
            request.session[DONE_SESSION_KEY] = {
                "union": app.org.name,
                "path": app.path,
                "name": app.name,
            }
            return redirect("join:done")
    return render(
        request,
        "members/join/apply.html",
        {"form": form, "employer_search_limit": joining.EMPLOYER_SEARCH_LIMIT},
        status=status,
    )


def join_done(request):
    done = request.session.get(DONE_SESSION_KEY)
    if not done:
        return redirect("join:apply")
    return render(
        request,
        "members/join/done.html",
        {"done": done, "holding_pool": done.get("path") == JoinPath.HOLDING_POOL},
    )


@require_GET
def employer_search(request):
    """Employers with a union, by name or credit code: id, name and code only, at most 10."""
    return JsonResponse(
        {"results": joining.employer_search(request.GET.get("q", ""))},
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_protect
def join_status(request):
    form = StatusForm(request.POST or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            result = joining.application_status_check(
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                ip=client_ip(request),
            )
        except ServiceError as exc:
            status = exc.status
            if exc.fields:
                form_apply_error(request, form, exc)
            else:
                form.add_error(None, exc.message)
    return render(
        request, "members/join/status.html", {"form": form, "result": result}, status=status
    )


# --- staff review ---------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def join_list(request):
    """The review queue; read-only (no decisions) for those who may only view members."""
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "path", "q")}
    if "status" not in request.GET:
        filters["status"] = JoinStatus.PENDING
    within = org_param_or_404(request, MODULE)
    dates = date_range_param(request, joining.APPLICATION_DATED)
    apps = joining.application_list(
        request.user,
        org=within,
        dated=dates.dated,
        date_from=dates.start,
        date_to=dates.end,
        **filters,
    )
    return render(
        request,
        "members/join/review_list.html",
        {
            **paginate(request, apps),
            "filters": filters,
            "within": within,
            "dates": dates,
            "dated_choices": joining.APPLICATION_DATED.items(),
            "status_choices": [*JoinStatus.choices, joining.REVIEWED_STATUS],
            "path_choices": JoinPath.choices,
            "can_review": can(request.user, MODULE, Action.APPROVE),
        },
    )


def _detail(request, app, reject_form=None, status=200):
    return render(
        request,
        "members/join/review_detail.html",
        {
            "a": app,
            "id_masked": mask_id_number(app.id_number),
            "phone_masked": mask_phone(app.phone),
            "can_review": org_in_scope(request.user, MODULE, Action.APPROVE, app.org),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@requires(MODULE, Action.VIEW)
def join_detail(request, pk):
    return _detail(request, joining.application_get(request.user, pk, Action.VIEW))


@require_POST
@requires(MODULE, Action.APPROVE)
def join_approve(request, pk):
    app = joining.application_get(request.user, pk)
    try:
        member = joining.application_approve(actor=request.user, application=app)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("members:join_detail", pk=app.pk)
    messages.success(request, f"已批准入会：{member.name}，会员卡号 {member.card_number}。")
    return redirect("members:join_detail", pk=app.pk)


@require_POST
@requires(MODULE, Action.APPROVE)
def join_reject(request, pk):
    app = joining.application_get(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写未通过原因。")
        return _detail(request, app, reject_form=form, status=422)
    try:
        joining.application_reject(
            actor=request.user, application=app, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        form_apply_error(request, form, exc)
        return _detail(request, app, reject_form=form, status=exc.status)
    messages.success(request, f"已退回 {app.name} 的入会申请。")
    return redirect("members:join_detail", pk=app.pk)

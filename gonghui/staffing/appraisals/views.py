"""Pages of the appraisals: list, opening a period, one appraisal (ratings, links,
publishing, the objection's answer), the worker's own appraisals (我的考核) and the
portal's one-time anonymous rating page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.request_context import client_ip
from gonghui.core.scope import (
    can,
    org_in_scope,
    requires,
    role_assignments,
    scope_queryset,
)
from gonghui.orgs.models import Org
from gonghui.staffing.appraisals import selectors, services
from gonghui.staffing.appraisals.forms import (
    AnonymousRatingForm,
    AnswerForm,
    AppraisalOpenForm,
    InvitesForm,
    ObjectionForm,
    RatingForm,
)
from gonghui.staffing.appraisals.models import (
    AppraisalKind,
    AppraisalResult,
    AppraisalStatus,
    RaterGroup,
)
from gonghui.staffing.pay import selectors as pay_selectors
from gonghui.staffing.people import selectors as people_selectors
from gonghui.staffing.people.models import WorkerStatus
from gonghui.staffing.shared import MODULE


def _orgs(user, action=Action.EDIT, levels=None):
    orgs = scope_queryset(Org.objects.filter(status="active"), user, MODULE, action, org_field="")
    if levels:
        orgs = orgs.filter(level__in=levels)
    return orgs.order_by("path")


def _status(form) -> int:
    return 422 if form.is_bound and form.errors else 200


RESULT_LABELS = dict(AppraisalResult.choices)


@requires(MODULE, Action.VIEW)
def appraisal_list(request):
    filters = {
        k: request.GET.get(k, "").strip()
        for k in ("q", "kind", "status", "result", "year", "objection")
    }
    year = int(filters["year"]) if filters["year"].isdigit() else None
    rows = selectors.appraisal_list(request.user, **(filters | {"year": year}))
    return render(
        request,
        "staffing/appraisals/appraisal_list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "kind_choices": AppraisalKind.choices,
            "status_choices": AppraisalStatus.choices,
            "result_choices": AppraisalResult.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def appraisal_open(request):
    today = timezone.localdate()
    form = AppraisalOpenForm(
        request.POST or None,
        orgs=_orgs(request.user),
        initial={"year": today.year, "kind": "quarter", "quarter": (today.month - 1) // 3 + 1},
    )
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            data = form.cleaned_data
            workers = list(
                people_selectors.worker_list(
                    request.user, status=WorkerStatus.ACTIVE, org=org, action=Action.EDIT
                )
            )
            try:
                opened = services.appraisals_open(
                    actor=request.user,
                    workers=workers,
                    kind=data["kind"],
                    year=data["year"],
                    quarter=data["quarter"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(
                    request, f"已开启 {len(opened)} 名社工的考核，实绩得分已按平台记录计算。"
                )
                return redirect(
                    f"{_url('staffing:appraisal_list')}?status=rating&year={data['year']}"
                )
    return render(
        request, "staffing/appraisals/appraisal_open.html", {"form": form}, status=_status(form)
    )


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def _appraisal_context(request, appraisal, **extra) -> dict:
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, appraisal.org)
    can_approve = org_in_scope(request.user, MODULE, Action.APPROVE, appraisal.org)
    rating_open = appraisal.status == AppraisalStatus.RATING
    objection = selectors.objection_of(appraisal)
    group_labels = dict(RaterGroup.choices)
    summary = [
        row | {"label": group_labels.get(row["group"], row["group"])}
        for row in selectors.rating_summary(appraisal)
    ]
    return {
        "a": appraisal,
        "evidence": selectors.evidence_lines(appraisal),
        "summary": summary,
        "named": selectors.named_ratings(appraisal),
        "scheme": pay_selectors.scheme_for(appraisal.org),
        "objection": objection,
        "anonymous_min": selectors.ANONYMOUS_MIN,
        "rating_form": RatingForm() if can_edit and rating_open else None,
        "invites_form": InvitesForm() if can_edit and rating_open else None,
        "can_publish": can_approve and rating_open,
        "answer_form": AnswerForm()
        if can_approve and objection is not None and objection.answered_at is None
        else None,
        **extra,
    }


@requires(MODULE, Action.VIEW)
def appraisal_detail(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk)
    return render(
        request, "staffing/appraisals/appraisal_detail.html", _appraisal_context(request, appraisal)
    )


@requires(MODULE, Action.EDIT)
@require_POST
def rating_add(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.EDIT)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_submit(actor=request.user, appraisal=appraisal, **form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "评议已提交。")
            return redirect("staffing:appraisal_detail", pk=appraisal.pk)
    return render(
        request,
        "staffing/appraisals/appraisal_detail.html",
        _appraisal_context(request, appraisal, rating_form=form),
        status=422,
    )


@requires(MODULE, Action.EDIT)
@require_POST
def invites_issue(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.EDIT)
    form = InvitesForm(request.POST)
    tokens = []
    if form.is_valid():
        try:
            tokens = services.invites_issue(
                actor=request.user, appraisal=appraisal, count=form.cleaned_data["count"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
    if not tokens:
        return render(
            request,
            "staffing/appraisals/appraisal_detail.html",
            _appraisal_context(request, appraisal, invites_form=form),
            status=422,
        )
    links = [request.build_absolute_uri(_url("staffing_portal:rate", t)) for t in tokens]
    return render(request, "staffing/appraisals/invites.html", {"a": appraisal, "links": links})


@requires(MODULE, Action.APPROVE)
@require_POST
def appraisal_publish(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.APPROVE)
    try:
        appraisal = services.appraisal_publish(actor=request.user, appraisal=appraisal)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"考核已公布：{appraisal.total} 分，{RESULT_LABELS[appraisal.result]}。"
        )
    return redirect("staffing:appraisal_detail", pk=appraisal.pk)


@requires(MODULE, Action.APPROVE)
@require_POST
def objection_answer(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.APPROVE)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(
                actor=request.user, appraisal=appraisal, answer=form.cleaned_data["answer"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "异议已答复。")
            return redirect("staffing:appraisal_detail", pk=appraisal.pk)
    return render(
        request,
        "staffing/appraisals/appraisal_detail.html",
        _appraisal_context(request, appraisal, answer_form=form),
        status=422,
    )


def _holds_social_worker_role(user) -> bool:
    """The 我的考核 menu link and page: social workers (the loaded role assignments, no query)."""
    return any(a.role.code == "social_worker" for a in role_assignments(user))


@requires(test=_holds_social_worker_role)
def my_appraisals(request):
    worker = people_selectors.worker_of_user(request.user)
    return render(
        request,
        "staffing/appraisals/my_appraisals.html",
        {"worker": worker, "appraisals": selectors.own_appraisals(request.user)},
    )


def _my_context(request, appraisal, form=None):
    objection = selectors.objection_of(appraisal)
    can_object = objection is None and selectors.objection_open(appraisal)
    return {
        "a": appraisal,
        "evidence": selectors.evidence_lines(appraisal),
        "objection": objection,
        "form": form or (ObjectionForm() if can_object else None),
        "result_labels": RESULT_LABELS,
    }


@login_required
def my_appraisal(request, pk):
    appraisal = selectors.own_appraisal_get(request.user, pk)
    return render(request, "staffing/appraisals/my_appraisal.html", _my_context(request, appraisal))


@login_required
@require_POST
def my_objection(request, pk):
    appraisal = selectors.own_appraisal_get(request.user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_submit(
                actor=request.user, appraisal=appraisal, text=form.cleaned_data["text"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "异议已提交，请等待答复。")
            return redirect("staffing:my_appraisal", pk=appraisal.pk)
    return render(
        request,
        "staffing/appraisals/my_appraisal.html",
        _my_context(request, appraisal, form),
        status=422,
    )


@csrf_protect
def portal_rate(request, token):
    try:
        services.rating_rate_check(client_ip(request))
    except services.RateLimited as exc:
        return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)
    try:
        appraisal = services.invite_lookup(token)
    except ServiceError as exc:
        return render(
            request,
            "staffing/appraisals/portal_rate_gone.html",
            {"message": exc.message},
            status=404,
        )
    form = AnonymousRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit_anonymous(token=token, score=form.cleaned_data["score"])
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            return render(request, "staffing/appraisals/portal_rate_done.html", {})
    return render(
        request,
        "staffing/appraisals/portal_rate.html",
        {"a": appraisal, "form": form, "scheme": pay_selectors.scheme_for(appraisal.org)},
        status=_status(form),
    )

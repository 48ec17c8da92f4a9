"""名师带徒 pages: list, agreement, detail with checkpoints, appraisal and the master's
reward, termination; 拜师仪式 with the pairs they formed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.pages import org_param_or_404, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE
from gonghui.workforce.competitions.selectors import trade_choices
from gonghui.workforce.mentorships import selectors, services
from gonghui.workforce.mentorships.forms import (
    AppraiseForm,
    CeremonyForm,
    CheckpointDoneForm,
    CheckpointForm,
    MentorshipForm,
    TerminateForm,
)
from gonghui.workforce.mentorships.models import Checkpoint, MentorshipStatus


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _errors_text(form) -> str:
    return "；".join(e for errors in form.errors.values() for e in errors)


@requires(MODULE, Action.VIEW)
def mentorship_list(request):
    filters = {k: (request.GET.get(k) or "").strip() for k in ("q", "status", "year", "trade")}
    rows = selectors.mentorship_list(
        request.user,
        q=filters["q"],
        status=filters["status"],
        year=_int(filters["year"]),
        trade=_int(filters["trade"]),
        org=(within := org_param_or_404(request, MODULE)),
    )
    return render(
        request,
        "workforce/mentorships/list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "within": within,
            "status_choices": [
                (selectors.DUE, "期满待考评"),
                (selectors.CHECKPOINT_OVERDUE, "考核节点逾期"),
                *MentorshipStatus.choices,
            ],
            "trade_choices": trade_choices(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def mentorship_create(request):
    initial = {}
    if request.GET.get("ceremony"):
        initial["ceremony"] = request.GET["ceremony"]
    form = MentorshipForm(
        request.POST or None,
        initial=initial,
        trades=trade_choices(),
        ceremonies=selectors.ceremony_scoped(request.user).order_by("-held_on")[:100],
        user=request.user,
        validate=lambda **values: services.mentorship_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = services.mentorship_create(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记师徒协议。")
            return redirect("workforce:mentorship_detail", pk=mentorship.pk)
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": "登记名师带徒协议",
            "crumbs": [("名师带徒", reverse("workforce:mentorship_list"))],
            "cancel": reverse("workforce:mentorship_list"),
            "intro": "师傅和徒弟均须为在册会员；同一徒弟同一期间只能有一份带徒中的协议。",
            "submit": "登记",
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.VIEW)
def mentorship_detail(request, pk):
    mentorship = selectors.mentorship_get(request.user, pk)
    policy = selectors.policy_of(mentorship.county)
    return render(
        request,
        "workforce/mentorships/detail.html",
        {
            "m": mentorship,
            "checkpoints": list(mentorship.checkpoints.order_by("due_on", "id")),
            "rewards": list(
                mentorship.rewards.select_related("entry__competition", "entry__trade")
            ),
            "policy": policy,
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, mentorship.org),
            "can_approve": org_in_scope(request.user, MODULE, Action.APPROVE, mentorship.org),
            "checkpoint_form": CheckpointForm(),
            "done_form": CheckpointDoneForm(),
            "appraise_form": AppraiseForm(initial={"appraised_on": services.today()}),
            "terminate_form": TerminateForm(initial={"terminated_on": services.today()}),
        },
    )


@requires(MODULE, Action.EDIT)
@require_POST
def mentorship_log(request, pk, what):
    """Checkpoints and termination (edit permission)."""
    forms = {"checkpoint": CheckpointForm, "done": CheckpointDoneForm, "terminate": TerminateForm}
    if what not in forms:
        raise Http404
    mentorship = selectors.mentorship_get(request.user, pk, Action.EDIT)
    form = forms[what](request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_errors_text(form))
        data = form.cleaned_data
        if what == "checkpoint":
            services.checkpoint_add(
                actor=request.user,
                mentorship=mentorship,
                title=data["title"],
                due_on=data["due_on"],
            )
        elif what == "done":
            checkpoint = Checkpoint.objects.filter(
                pk=data["checkpoint"], mentorship=mentorship
            ).first()
            if checkpoint is None:
                raise Http404
            services.checkpoint_done(
                actor=request.user,
                checkpoint=checkpoint,
                done_on=data["done_on"],
                note=data["note"],
            )
        else:
            services.mentorship_terminate(
                actor=request.user,
                mentorship=mentorship,
                on=data["terminated_on"],
                reason=data["reason"],
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存。")
    return redirect("workforce:mentorship_detail", pk=mentorship.pk)


@requires(MODULE, Action.APPROVE)
@require_POST
def mentorship_appraise(request, pk):
    mentorship = selectors.mentorship_get(request.user, pk, Action.APPROVE)
    form = AppraiseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_errors_text(form))
        mentorship = services.mentorship_appraise(
            actor=request.user,
            mentorship=mentorship,
            result=form.cleaned_data["result"],
            appraised_on=form.cleaned_data["appraised_on"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已记录出师考评；带徒津贴 {mentorship.allowance_total:,.2f} 元。"
        )
    return redirect("workforce:mentorship_detail", pk=mentorship.pk)


@requires(MODULE, Action.VIEW)
def ceremony_list(request):
    rows = selectors.ceremony_list(request.user)
    return render(
        request,
        "workforce/mentorships/ceremony_list.html",
        {**paginate_peek(request, rows), "can_edit": can(request.user, MODULE, Action.EDIT)},
    )


@requires(MODULE, Action.EDIT)
def ceremony_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    form = CeremonyForm(
        request.POST or None,
        orgs=lookups.org_options(request.user, Action.EDIT),
        user=request.user,
        validate=lambda **values: services.ceremony_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            ceremony = services.ceremony_create(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记拜师仪式，可在仪式页面登记结对的师徒。")
            return redirect("workforce:ceremony_detail", pk=ceremony.pk)
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": "登记拜师仪式",
            "crumbs": [("拜师仪式", reverse("workforce:ceremony_list"))],
            "cancel": reverse("workforce:ceremony_list"),
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.VIEW)
def ceremony_detail(request, pk):
    ceremony = selectors.ceremony_get(request.user, pk)
    pairs = selectors.ceremony_pairs(request.user, ceremony)
    return render(
        request,
        "workforce/mentorships/ceremony_detail.html",
        {"c": ceremony, "pairs": pairs, "can_edit": can(request.user, MODULE, Action.EDIT)},
    )

"""The staff queue of public feedback and repair reports (反馈与报修): each report sits in
the queue of its site's managing org; staff answer and close it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.sites import selectors, services
from gonghui.sites.forms import FeedbackAnswerForm, FeedbackCloseForm
from gonghui.sites.models import FeedbackKind, FeedbackStatus

MODULE = "sites"
FILTER_KEYS = ("q", "status", "kind", "site")


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


@requires(MODULE, Action.VIEW)
def feedback_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    site = None
    if filters["site"].isdigit():
        site = selectors.site_get(request.user, int(filters["site"]))
    items = selectors.feedback_list(
        request.user, status=filters["status"], kind=filters["kind"], site=site, q=filters["q"]
    )
    return render(
        request,
        "sites/feedback/list.html",
        {
            **paginate_peek(request, items),
            "filters": filters,
            "site": site,
            "status_choices": FeedbackStatus.choices,
            "kind_choices": FeedbackKind.choices,
        },
    )


def _detail_context(request, feedback, **extra) -> dict:
    can_handle = (
        org_in_scope(request.user, MODULE, Action.EDIT, feedback.org)
        and feedback.status != FeedbackStatus.CLOSED
    )
    return {
        "f": feedback,
        "phone_masked": mask_phone(feedback.phone),
        "can_handle": can_handle,
        "answer_form": FeedbackAnswerForm(initial={"answer": feedback.answer})
        if can_handle
        else None,
        "close_form": FeedbackCloseForm() if can_handle else None,
        **extra,
    }


@login_required
def feedback_detail(request, pk):
    _require(request, Action.VIEW)
    feedback = selectors.feedback_get(request.user, pk)
    return render(request, "sites/feedback/detail.html", _detail_context(request, feedback))


@login_required
@require_POST
def feedback_answer(request, pk):
    _require(request, Action.EDIT)
    feedback = selectors.feedback_get(request.user, pk, Action.EDIT)
    form = FeedbackAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_answer(
                actor=request.user, feedback=feedback, answer=form.cleaned_data["answer"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已答复。")
            return redirect("sites:feedback_detail", pk=feedback.pk)
    return render(
        request,
        "sites/feedback/detail.html",
        _detail_context(request, feedback, answer_form=form),
    )


@login_required
@require_POST
def feedback_close(request, pk):
    _require(request, Action.EDIT)
    feedback = selectors.feedback_get(request.user, pk, Action.EDIT)
    form = FeedbackCloseForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_close(
                actor=request.user, feedback=feedback, note=form.cleaned_data["note"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "反馈已关闭。")
            return redirect("sites:feedback_detail", pk=feedback.pk)
    return render(
        request,
        "sites/feedback/detail.html",
        _detail_context(request, feedback, close_form=form),
    )

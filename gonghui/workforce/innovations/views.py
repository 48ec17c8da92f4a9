"""五小 and 合理化建议 pages: lists, submission by staff, detail with the exclusion
questions, panel scores, attachments and the decision."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.attachments import file_response
from gonghui.core.errors import ServiceError, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.workforce.choices import MODULE
from gonghui.workforce.innovations import selectors, services
from gonghui.workforce.innovations.forms import (
    AttachmentForm,
    DecisionForm,
    ExclusionsForm,
    InnovationForm,
    ReviewForm,
    SuggestionDecisionForm,
    SuggestionForm,
    yes_no,
)
from gonghui.workforce.innovations.models import (
    InnovationCategory,
    InnovationStatus,
    SuggestionStatus,
)
from gonghui.workforce.pioneers.selectors import team_scoped


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _errors_text(form) -> str:
    return "；".join(e for errors in form.errors.values() for e in errors)


@requires(MODULE, Action.VIEW)
def innovation_list(request):
    filters = {k: (request.GET.get(k) or "").strip() for k in ("q", "category", "status", "year")}
    rows = selectors.innovation_list(
        request.user,
        q=filters["q"],
        category=filters["category"],
        status=filters["status"],
        year=_int(filters["year"]),
    )
    return render(
        request,
        "workforce/innovations/list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "category_choices": InnovationCategory.choices,
            "status_choices": [(selectors.UNDECIDED, "待评定"), *InnovationStatus.choices],
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def innovation_create(request):
    teams = list(team_scoped(request.user, Action.EDIT).select_related("enterprise")[:500])
    form = InnovationForm(
        request.POST or None,
        initial={"year": datetime.date.today().year},
        teams=teams,
        user=request.user,
        validate=lambda **values: services.innovation_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.innovation_submit(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记五小成果。")
            return redirect("workforce:innovation_detail", pk=item.pk)
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": "登记五小成果",
            "crumbs": [("五小与建议", reverse("workforce:innovation_list"))],
            "cancel": reverse("workforce:innovation_list"),
            "intro": "五小：小发明、小创造、小革新、小设计、小建议(亦称小改造)。已获政府科技计划资助或已在其他评选中获奖的成果不参加评奖。",
            "submit": "登记",
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.VIEW)
def innovation_detail(request, pk):
    item = selectors.innovation_get(request.user, pk)
    reviews = list(item.reviews.select_related("reviewer").order_by("id"))
    return render(
        request,
        "workforce/innovations/detail.html",
        {
            "i": item,
            "reviews": reviews,
            "mean": (sum(r.score for r in reviews) / len(reviews)) if reviews else None,
            "attachments": list(item.attachments.all()),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, item.org),
            "can_approve": org_in_scope(request.user, MODULE, Action.APPROVE, item.org),
            "open": item.status in (InnovationStatus.SUBMITTED, InnovationStatus.REVIEWING),
            "exclusions_form": ExclusionsForm(
                initial={
                    "funded_by_science_plan": {True: "yes", False: "no"}.get(
                        item.funded_by_science_plan, ""
                    ),
                    "awarded_elsewhere": {True: "yes", False: "no"}.get(item.awarded_elsewhere, ""),
                }
            ),
            "review_form": ReviewForm(),
            "attachment_form": AttachmentForm(),
            "decision_form": DecisionForm(),
        },
    )


@requires(MODULE, Action.EDIT)
@require_POST
def innovation_log(request, pk, what):
    """Exclusion answers, a panel score, an attachment (edit permission)."""
    forms = {"exclusions": ExclusionsForm, "review": ReviewForm, "attachment": AttachmentForm}
    if what not in forms:
        raise Http404
    item = selectors.innovation_get(request.user, pk, Action.EDIT)
    form = forms[what](request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationFailed(_errors_text(form))
        data = form.cleaned_data
        if what == "exclusions":
            services.innovation_exclusions_set(
                actor=request.user,
                innovation=item,
                funded_by_science_plan=yes_no(data["funded_by_science_plan"]),
                awarded_elsewhere=yes_no(data["awarded_elsewhere"]),
            )
        elif what == "review":
            services.innovation_review(
                actor=request.user, innovation=item, score=data["score"], comment=data["comment"]
            )
        else:
            services.attachment_add(actor=request.user, innovation=item, upload=data["file"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存。")
    return redirect("workforce:innovation_detail", pk=item.pk)


@requires(MODULE, Action.APPROVE)
@require_POST
def innovation_decide(request, pk):
    item = selectors.innovation_get(request.user, pk, Action.APPROVE)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_errors_text(form))
        item = services.innovation_decide(
            actor=request.user,
            innovation=item,
            award=form.cleaned_data["award"],
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已评定：{item.get_status_display()}。")
    return redirect("workforce:innovation_detail", pk=item.pk)


@requires(MODULE, Action.VIEW)
def attachment_download(request, pk):
    return file_response(selectors.attachment_get(request.user, pk))


# --- 合理化建议 ------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def suggestion_list(request):
    filters = {k: (request.GET.get(k) or "").strip() for k in ("q", "status", "year")}
    rows = selectors.suggestion_list(
        request.user, q=filters["q"], status=filters["status"], year=_int(filters["year"])
    )
    return render(
        request,
        "workforce/innovations/suggestion_list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "status_choices": SuggestionStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def suggestion_create(request):
    form = SuggestionForm(
        request.POST or None,
        initial={"year": datetime.date.today().year},
        user=request.user,
        validate=lambda **values: services.suggestion_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.suggestion_submit(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记合理化建议。")
            return redirect("workforce:suggestion_detail", pk=item.pk)
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": "登记合理化建议",
            "crumbs": [("合理化建议", reverse("workforce:suggestion_list"))],
            "cancel": reverse("workforce:suggestion_list"),
            "submit": "登记",
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.VIEW)
def suggestion_detail(request, pk):
    item = selectors.suggestion_get(request.user, pk)
    return render(
        request,
        "workforce/innovations/suggestion_detail.html",
        {
            "s": item,
            "can_approve": org_in_scope(request.user, MODULE, Action.APPROVE, item.org),
            "decision_form": SuggestionDecisionForm(),
        },
    )


@requires(MODULE, Action.APPROVE)
@require_POST
def suggestion_decide(request, pk):
    item = selectors.suggestion_get(request.user, pk, Action.APPROVE)
    form = SuggestionDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_errors_text(form))
        services.suggestion_decide(
            actor=request.user,
            suggestion=item,
            adopted=form.cleaned_data["adopted"] == "1",
            benefit=form.cleaned_data["benefit"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已处理。")
    return redirect("workforce:suggestion_detail", pk=item.pk)

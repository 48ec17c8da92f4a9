"""Studio pages: list, application, detail with its members, reports, outcomes and
appraisals, naming and revocation, and the yearly appraisal computed from its records."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE
from gonghui.workforce.county import county_of
from gonghui.workforce.studios import selectors, services
from gonghui.workforce.studios.forms import (
    AppraisalForm,
    MemberAddForm,
    MemberLeaveForm,
    NameForm,
    OutcomeForm,
    ReportForm,
    RevokeForm,
    StudioEditForm,
    StudioForm,
)
from gonghui.workforce.studios.models import StudioKind, StudioLevel, StudioMember, StudioStatus

FIELDS = ("name", "kind", "founded_on", "site", "area_m2", "funds", "equipment", "topics")


def _errors_text(form) -> str:
    return "；".join(e for errors in form.errors.values() for e in errors)


@requires(MODULE, Action.VIEW)
def studio_list(request):
    filters = {k: (request.GET.get(k) or "").strip() for k in ("q", "kind", "level", "status")}
    rows = selectors.studio_list(request.user, **filters)
    return render(
        request,
        "workforce/studios/list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "kind_choices": StudioKind.choices,
            "level_choices": StudioLevel.choices,
            "status_choices": StudioStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def studio_create(request):
    form = StudioForm(
        request.POST or None,
        user=request.user,
        validate=lambda **values: services.studio_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            studio = services.studio_create(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已登记“{studio.name}”(申报中)。")
            return redirect("workforce:studio_detail", pk=studio.pk)
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": "申报创新工作室",
            "crumbs": [("创新工作室", reverse("workforce:studio_list"))],
            "cancel": reverse("workforce:studio_list"),
            "submit": "登记",
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.EDIT)
def studio_edit(request, pk):
    studio = selectors.studio_get(request.user, pk, Action.EDIT)
    initial = {name: getattr(studio, name) for name in FIELDS} | {
        "lead": studio.lead.name,
        "host": studio.host.name,
    }
    form = StudioEditForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        validate=lambda **values: services.studio_validate(
            actor=request.user, lead=studio.lead, host=studio.host, studio=studio, **values
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.studio_update(actor=request.user, studio=studio, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已保存。")
            return redirect("workforce:studio_detail", pk=studio.pk)
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": f"编辑工作室：{studio.name}",
            "crumbs": [
                ("创新工作室", reverse("workforce:studio_list")),
                (studio.name, reverse("workforce:studio_detail", args=[studio.pk])),
            ],
            "cancel": reverse("workforce:studio_detail", args=[studio.pk]),
            "intro": "领衔人和依托单位在申报时确定，不能在此修改。",
        },
        status=422 if request.method == "POST" else 200,
    )


def _detail_context(request, studio) -> dict:
    user = request.user
    items = selectors.standards_for(county_of(studio.org))
    return {
        "s": studio,
        "members": list(selectors.studio_members(studio)),
        "reports": list(studio.reports.order_by("-year", "-quarter")),
        "outcomes": list(studio.outcomes.order_by("-achieved_on", "-id")),
        "appraisals": list(studio.appraisals.order_by("-year")),
        "items": items,
        "can_edit": org_in_scope(user, MODULE, Action.EDIT, studio.org),
        "can_approve": org_in_scope(user, MODULE, Action.APPROVE, studio.org),
        "member_form": MemberAddForm(),
        "leave_form": MemberLeaveForm(),
        "report_form": ReportForm(initial={"year": services.today().year}),
        "outcome_form": OutcomeForm(),
        "name_form": NameForm(initial={"named_on": services.today()}),
        "revoke_form": RevokeForm(),
    }


@requires(MODULE, Action.VIEW)
def studio_detail(request, pk):
    studio = selectors.studio_get(request.user, pk)
    return render(request, "workforce/studios/detail.html", _detail_context(request, studio))


LOG_FORMS = {
    "member": MemberAddForm,
    "leave": MemberLeaveForm,
    "report": ReportForm,
    "outcome": OutcomeForm,
}


@requires(MODULE, Action.EDIT)
@require_POST
def studio_log(request, pk, what):
    """Members joining or leaving, quarterly reports, outcomes (edit permission)."""
    if what not in LOG_FORMS:
        raise Http404
    studio = selectors.studio_get(request.user, pk, Action.EDIT)
    form = LOG_FORMS[what](request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_errors_text(form))
        data = form.cleaned_data
        if what == "member":
            member = lookups.member_find(request.user, data["member"])
            services.studio_member_add(
                actor=request.user,
                studio=studio,
                member=member,
                role=data["role"],
                joined_on=data["joined_on"],
            )
        elif what == "leave":
            row = StudioMember.objects.filter(pk=data["row"], studio=studio).first()
            if row is None:
                raise Http404
            services.studio_member_leave(actor=request.user, row=row, left_on=data["left_on"])
        elif what == "report":
            services.report_add(actor=request.user, studio=studio, **data)
        else:
            services.outcome_add(actor=request.user, studio=studio, **data)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存。")
    return redirect(reverse("workforce:studio_detail", args=[studio.pk]) + f"#{what}")


@requires(MODULE, Action.APPROVE)
@require_POST
def studio_decide(request, pk, what):
    """Naming (at a level) and revocation (approve permission)."""
    if what not in ("name", "revoke"):
        raise Http404
    studio = selectors.studio_get(request.user, pk, Action.APPROVE)
    form = (NameForm if what == "name" else RevokeForm)(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_errors_text(form))
        if what == "name":
            services.studio_name(actor=request.user, studio=studio, **form.cleaned_data)
        else:
            services.studio_revoke(
                actor=request.user, studio=studio, reason=form.cleaned_data["reason"]
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已命名。" if what == "name" else "已撤销。")
    return redirect("workforce:studio_detail", pk=studio.pk)


@requires(MODULE, Action.APPROVE)
def studio_appraisal(request, pk):
    """The yearly appraisal: logged items computed with their evidence; the appraiser marks
    the rest. GET previews; POST saves."""
    studio = selectors.studio_get(request.user, pk, Action.APPROVE)
    items = selectors.standards_for(county_of(studio.org))
    form = AppraisalForm(request.POST or request.GET or None, items=items)
    year = services.today().year - 1
    manual = {}
    if form.is_bound:
        form.is_valid()
        year = form.cleaned_data.get("year") or year
        manual = {
            i.code: form.cleaned_data.get(i.code)
            for i in items
            if i.basis == "manual" and form.cleaned_data.get(i.code) is not None
        }
    status = 200
    if request.method == "POST":
        try:
            if form.errors:
                raise ValidationFailed(_errors_text(form))
            services.studio_appraise(
                actor=request.user, studio=studio, year=year, manual_scores=manual
            )
        except ServiceError as exc:
            form.add_service_errors(exc, only_new=True)
            messages.error(request, exc.message)
            status = 422
        else:
            messages.success(request, f"已保存 {year} 年度考评。")
            return redirect(reverse("workforce:studio_detail", args=[studio.pk]) + "#appraisals")
    preview = services.appraisal_preview(studio, year, manual)
    return render(
        request,
        "workforce/studios/appraisal.html",
        {"s": studio, "form": form, "preview": preview, "year": year},
        status=status,
    )

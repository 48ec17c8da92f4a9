"""Follow-up pages: the due list (overdue first; assign in bulk), recording a result, and the
county's schedule. Views parse, call one service or selector, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.pages import (
    date_range_param,
    flash_errors,
    form_apply_error,
    org_param_or_404,
)
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.orgs.models import Enterprise
from gonghui.outreach.caravans.selectors import staff_in_scope
from gonghui.outreach.followups import selectors, services
from gonghui.outreach.followups.forms import AssignForm, FollowUpForm, SettingsForm
from gonghui.outreach.followups.models import DEFAULT_OFFSETS, FollowUpResult
from gonghui.sites.selectors import county_of

MODULE = "outreach"


@requires(MODULE, Action.VIEW)
def followup_list(request):
    due = request.GET.get("due") or "week"
    if due not in dict(selectors.DUE_CHOICES):
        due = "week"
    mine = request.GET.get("mine") == "1"
    q = (request.GET.get("q") or "").strip()
    within = org_param_or_404(request, MODULE)
    dates = date_range_param(request)
    rows = selectors.followup_due_list(
        request.user,
        due=due,
        mine=mine,
        q=q,
        org=within,
        date_from=dates.start,
        date_to=dates.end,
    )
    can_edit = can(request.user, MODULE, Action.EDIT)
    return render(
        request,
        "outreach/followups/followup_list.html",
        {
            **paginate_peek(request, rows, per_page=50),
            "due": due,
            "mine": mine,
            "q": q,
            "within": within,
            "dates": dates,
            "date_label": "回访日期" if due == "done" else "应回访日期",
            "due_choices": selectors.DUE_CHOICES,
            "today": timezone.localdate(),
            "can_edit": can_edit,
            "assign_form": AssignForm(staff=staff_in_scope(request.user)) if can_edit else None,
            "can_configure": bool(selectors.followup_counties(request.user)),
        },
    )


def _employer(registration, name: str):
    """The county's employer of that exact name, if there is one."""
    county = county_of(registration.org)
    if not name or county is None:
        return None
    return (
        Enterprise.objects.filter(name=name.strip(), org__path__startswith=county.path)
        .order_by("id")
        .first()
    )


def _service_data(cleaned: dict, registration) -> dict:
    name = (cleaned.get("employer_name") or "").strip()
    result = cleaned.get("result") or ""
    return {
        "done_on": cleaned.get("done_on"),
        "result": result,
        "employer": _employer(registration, name) if result == FollowUpResult.EMPLOYED else None,
        "employer_name": name,
        "monthly_pay": cleaned.get("monthly_pay"),
        "note": cleaned.get("note") or "",
    }


@requires(MODULE, Action.EDIT)
def followup_record(request, pk):
    followup = selectors.followup_get(request.user, pk, Action.EDIT)
    registration = followup.registration
    form = FollowUpForm(
        request.POST or None,
        check=lambda cleaned: services.followup_validate(
            actor=request.user, followup=followup, **_service_data(cleaned, registration)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_record(
                actor=request.user,
                followup=followup,
                final=form.cleaned_data.get("final") or False,
                **_service_data(form.cleaned_data, registration),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已记录{registration.name}的第 {followup.number} 次回访。")
            return redirect("outreach:registration_detail", pk=registration.pk)
    return render(
        request,
        "outreach/followups/followup_form.html",
        {
            "f": followup,
            "r": registration,
            "form": form,
            "history": selectors.registration_followups(registration),
            "can_call": org_in_scope(request.user, MODULE, Action.VIEW_SENSITIVE, registration.org)
            and bool(registration.phone),
            "pending": followup.status == "pending",
        },
    )


@requires(MODULE, Action.EDIT)
@require_POST
def followup_assign(request):
    staff = {u.pk: u for u in staff_in_scope(request.user)}
    scoped = selectors.followup_scoped(request.user, Action.EDIT).select_related("org")

    def check(cleaned: dict) -> None:
        services.followup_assign_validate(
            actor=request.user,
            followups=list(scoped.filter(pk__in=cleaned.get("followups") or [])),
            assignee=staff.get(cleaned.get("assignee")),
        )

    form = AssignForm(request.POST, staff=staff.values(), check=check)
    form.set_followup_choices(request.POST.getlist("followups"))
    back = request.POST.get("next") or ""
    if not back.startswith("/outreach/followups/"):
        back = "/outreach/followups/"
    if not form.is_valid():
        flash_errors(request, form)
        return redirect(back)
    rows = list(scoped.filter(pk__in=form.cleaned_data["followups"]))
    if len(rows) != len(set(form.cleaned_data["followups"])):
        raise Http404
    assignee = staff.get(form.cleaned_data.get("assignee"))
    try:
        count = services.followup_assign(actor=request.user, followups=rows, assignee=assignee)
    except ServiceError as exc:
        flash_errors(request, exc=exc)
    else:
        who = assignee.display_name if assignee else "无人"
        messages.success(request, f"已将 {count} 次回访分派给{who}。")
    return redirect(back)


@requires(MODULE, Action.VIEW)
def followup_settings(request):
    """The follow-up schedule in force for the user's county; set (audited) by those who
    approve in outreach at the county federation."""
    counties = selectors.followup_counties(request.user)
    county = counties[0] if counties else county_of(request.user.org)
    if request.GET.get("county", "").isdigit():
        county = next((c for c in counties if c.pk == int(request.GET["county"])), county)
    setting = selectors.followup_settings_of(county) if county is not None else None
    offsets = setting.offsets if setting else list(DEFAULT_OFFSETS)
    initial = {
        "offsets": ",".join(str(d) for d in offsets),
        "working_days_only": setting.working_days_only if setting else True,
    }
    can_set = county is not None and county in counties
    form = SettingsForm(
        request.POST
        if request.method == "POST" and can(request.user, MODULE, Action.APPROVE)
        else None,
        initial=initial,
        check=lambda cleaned: services.offsets_clean(cleaned.get("offsets") or ""),
    )
    if request.method == "POST":
        if not can(request.user, MODULE, Action.APPROVE):
            raise Http404
        if not can_set:
            form.is_valid()
            form.add_error(None, "回访时间由县总工会设置，您可以查看现行设置。")
        elif form.is_valid():
            try:
                services.followup_settings_set(
                    actor=request.user,
                    county=county,
                    offsets=form.cleaned_data["offsets"],
                    working_days_only=form.cleaned_data["working_days_only"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, f"{county.name}的回访时间已保存。")
                return redirect(f"{request.path}?county={county.pk}")
    return render(
        request,
        "outreach/followups/followup_settings.html",
        {
            "form": form,
            "county": county,
            "counties": counties,
            "can_set": can_set,
            "offsets": offsets,
            "working_days_only": initial["working_days_only"],
        },
    )

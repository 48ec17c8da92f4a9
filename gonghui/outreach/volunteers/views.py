"""Volunteer team pages: teams, their volunteers (members), projects and service hours."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.pages import flash_errors, form_apply_error, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.outreach.caravans.selectors import org_choices
from gonghui.outreach.volunteers import selectors, services
from gonghui.outreach.volunteers.forms import HoursForm, ProjectForm, TeamForm, VolunteerForm
from gonghui.outreach.volunteers.models import TeamKind, Volunteer

MODULE = "outreach"


@requires(MODULE, Action.VIEW)
def team_list(request):
    q = (request.GET.get("q") or "").strip()
    kind = (request.GET.get("kind") or "").strip()
    return render(
        request,
        "outreach/volunteers/team_list.html",
        {
            **paginate_peek(request, selectors.team_list(request.user, q=q, kind=kind)),
            "q": q,
            "kind": kind,
            "kind_choices": TeamKind.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


def _team_data(cleaned: dict) -> dict:
    return {k: cleaned.get(k) for k in services.TEAM_FIELDS}


@requires(MODULE, Action.EDIT)
def team_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = org_choices(request.user)
    form = TeamForm(
        request.POST or None,
        orgs=orgs,
        check=lambda cleaned: services.team_validate(actor=request.user, **_team_data(cleaned)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                actor=request.user,
                org=orgs.get(pk=form.cleaned_data["org"]),
                **_team_data(form.cleaned_data),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已登记志愿服务队：{team.name}。")
            return redirect("outreach:team_detail", pk=team.pk)
    return render(request, "outreach/volunteers/team_form.html", {"form": form, "creating": True})


@requires(MODULE, Action.EDIT)
def team_edit(request, pk):
    team = selectors.team_get(request.user, pk, Action.EDIT)
    form = TeamForm(
        request.POST or None,
        initial={f: getattr(team, f) for f in services.TEAM_FIELDS},
        check=lambda cleaned: services.team_validate(
            actor=request.user, team=team, **_team_data(cleaned)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, **_team_data(form.cleaned_data))
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "队伍信息已保存。")
            return redirect("outreach:team_detail", pk=team.pk)
    return render(request, "outreach/volunteers/team_form.html", {"form": form, "t": team})


@requires(MODULE, Action.VIEW)
def team_detail(request, pk):
    team = selectors.team_get(request.user, pk)
    volunteers = selectors.team_volunteers(team)
    active = [v for v in volunteers if v.left_on is None]
    projects = list(team.projects.order_by("-starts_on", "-id"))
    return render(
        request,
        "outreach/volunteers/team_detail.html",
        {
            "t": team,
            "volunteers": volunteers,
            "projects": projects,
            "hours": selectors.team_hours(team),
            "total_hours": sum((v.hours_total for v in volunteers), 0),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, team.org),
            "volunteer_form": VolunteerForm(),
            "project_form": ProjectForm(),
            "hours_form": HoursForm(volunteers=active, projects=projects),
        },
    )


@requires(MODULE, Action.EDIT)
@require_POST
def volunteer_add(request, pk):
    team = selectors.team_get(request.user, pk, Action.EDIT)
    form = VolunteerForm(
        request.POST, check=lambda cleaned: services.volunteer_validate(team=team, **cleaned)
    )
    if form.is_valid():
        try:
            volunteer = services.volunteer_add(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, f"已加入志愿者：{volunteer.member.name}。")
    else:
        flash_errors(request, form)
    return redirect(f"{reverse('outreach:team_detail', args=[team.pk])}#volunteers")


@requires(MODULE, Action.EDIT)
@require_POST
def team_dissolve(request, pk):
    team = selectors.team_get(request.user, pk, Action.EDIT)
    try:
        services.team_dissolve(actor=request.user, team=team)
    except ServiceError as exc:
        flash_errors(request, exc=exc)
    else:
        messages.success(request, f"{team.name}已解散。")
    return redirect("outreach:team_detail", pk=team.pk)


@requires(MODULE, Action.EDIT)
@require_POST
def volunteer_leave(request, pk, volunteer_pk):
    team = selectors.team_get(request.user, pk, Action.EDIT)
    volunteer = get_object_or_404(Volunteer, pk=volunteer_pk, team=team)
    try:
        services.volunteer_leave(actor=request.user, volunteer=volunteer)
    except ServiceError as exc:
        flash_errors(request, exc=exc)
    else:
        messages.success(request, "已登记退出。")
    return redirect(f"{reverse('outreach:team_detail', args=[team.pk])}#volunteers")


@requires(MODULE, Action.EDIT)
@require_POST
def project_add(request, pk):
    team = selectors.team_get(request.user, pk, Action.EDIT)
    form = ProjectForm(
        request.POST, check=lambda cleaned: services.project_validate(team=team, **cleaned)
    )
    if form.is_valid():
        try:
            services.project_create(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "已增加服务项目。")
    else:
        flash_errors(request, form)
    return redirect(f"{reverse('outreach:team_detail', args=[team.pk])}#projects")


def _hours_check(volunteers, projects):
    """The service's checks of a service record on the values that parsed (they need the
    volunteer: without one the form's own message says what is missing)."""

    def check(cleaned):
        volunteer = next((v for v in volunteers if v.pk == cleaned.get("volunteer")), None)
        if volunteer is not None:
            services.hours_validate(
                volunteer=volunteer,
                project=next((p for p in projects if p.pk == cleaned.get("project")), None),
                served_on=cleaned.get("served_on"),
                hours=cleaned.get("hours"),
                note=cleaned.get("note") or "",
            )

    return check


@requires(MODULE, Action.EDIT)
@require_POST
def hours_add(request, pk):
    team = selectors.team_get(request.user, pk, Action.EDIT)
    volunteers = list(team.volunteers.select_related("member").filter(left_on__isnull=True))
    projects = list(team.projects.all())
    form = HoursForm(
        request.POST,
        volunteers=volunteers,
        projects=projects,
        check=_hours_check(volunteers, projects),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.hours_record(
                actor=request.user,
                volunteer=next(v for v in volunteers if v.pk == data["volunteer"]),
                project=next((p for p in projects if p.pk == data.get("project")), None),
                served_on=data["served_on"],
                hours=data["hours"],
                note=data.get("note") or "",
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "已登记服务时长。")
    else:
        flash_errors(request, form)
    return redirect(f"{reverse('outreach:team_detail', args=[team.pk])}#hours")

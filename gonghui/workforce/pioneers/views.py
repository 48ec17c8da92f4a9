"""Pages of teams, honours nominations (工人先锋号 and others), 优秀班组, team trainings and
employer incidents. Views parse input, call one service or selector, render."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.pages import posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE
from gonghui.workforce.pioneers import prechecks, selectors, services
from gonghui.workforce.pioneers.forms import (
    DecideForm,
    ExcellentTeamForm,
    IncidentForm,
    NominationForm,
    NoticeForm,
    ObjectionForm,
    ReasonForm,
    ResolveForm,
    ReviewForm,
    TeamEditForm,
    TeamForm,
    TrainingForm,
)
from gonghui.workforce.pioneers.models import (
    ExcellentTeamStatus,
    NominationKind,
    NominationObjection,
    NominationStatus,
    ObjectionOutcome,
    TeamKind,
)

TEAM_OPTIONS_MAX = 500


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _form_page(request, form, *, title, crumbs, cancel, status=200, intro="", submit="保存"):
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "cancel": cancel,
            "intro": intro,
            "submit": submit,
        },
        status=status,
    )


def _teams(user, action=Action.EDIT):
    return list(selectors.team_scoped(user, action).select_related("enterprise")[:TEAM_OPTIONS_MAX])


# --- teams ----------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def team_list(request):
    q, kind = (request.GET.get("q") or "").strip(), request.GET.get("kind") or ""
    rows = selectors.team_list(request.user, q=q, kind=kind)
    return render(
        request,
        "workforce/pioneers/team_list.html",
        {
            **paginate_peek(request, rows),
            "q": q,
            "kind": kind,
            "kind_choices": TeamKind.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def team_create(request):
    form = TeamForm(
        request.POST or None,
        user=request.user,
        validate=lambda **values: services.team_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已登记班组“{team.name}”。")
            return redirect("workforce:team_ledger", pk=team.pk)
    return _form_page(
        request,
        form,
        title="登记班组",
        crumbs=[("班组与培训", reverse("workforce:team_list"))],
        cancel=reverse("workforce:team_list"),
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.EDIT)
def team_edit(request, pk):
    team = selectors.team_get(request.user, pk, Action.EDIT)
    initial = {
        "enterprise": team.enterprise.name,
        "name": team.name,
        "kind": team.kind,
        "leader_name": team.leader_name,
        "headcount": team.headcount,
    }
    form = TeamEditForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        validate=lambda **values: services.team_validate(
            actor=request.user, enterprise=team.enterprise, team=team, **values
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已保存。")
            return redirect("workforce:team_ledger", pk=team.pk)
    return _form_page(
        request,
        form,
        title=f"编辑班组：{team.name}",
        crumbs=[("班组与培训", reverse("workforce:team_list"))],
        cancel=reverse("workforce:team_ledger", args=[team.pk]),
        status=422 if request.method == "POST" else 200,
    )


# --- nominations ------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def nomination_list(request):
    filters = {k: (request.GET.get(k) or "").strip() for k in ("q", "kind", "status", "year")}
    rows = selectors.nomination_list(
        request.user,
        q=filters["q"],
        kind=filters["kind"],
        status=filters["status"],
        year=_int(filters["year"]),
    )
    return render(
        request,
        "workforce/pioneers/nomination_list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "kind_choices": NominationKind.choices,
            "status_choices": NominationStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def nomination_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    initial = {"year": datetime.date.today().year, "level": "county"}
    team_id = _int(request.GET.get("team"))
    if team_id:
        initial.update(team=str(team_id), kind=NominationKind.PIONEER)
    form = NominationForm(
        request.POST or None,
        initial=initial,
        orgs=lookups.org_options(request.user, Action.EDIT),
        teams=_teams(request.user),
        user=request.user,
        validate=lambda **values: services.nomination_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已推荐，等待乡镇(街道)或县总工会审核。")
            return redirect("workforce:nomination_detail", pk=nomination.pk)
    return _form_page(
        request,
        form,
        title="推荐工人先锋号等荣誉",
        crumbs=[("荣誉推荐", reverse("workforce:nomination_list"))],
        cancel=reverse("workforce:nomination_list"),
        status=422 if request.method == "POST" else 200,
        intro="基层工会在听取职工意见后推荐；经乡镇(街道)或县总工会审核、公示期满无异议，并通过单位情况核查后命名。",
        submit="推荐",
    )


def _nomination_context(request, nomination, **extra) -> dict:
    day = services.today()
    if (
        nomination.status in (NominationStatus.APPROVED, NominationStatus.REVOKED)
        and nomination.prechecks
    ):
        checks = [prechecks.Check(**c) for c in nomination.prechecks]
        checks_snapshot = True
    else:
        checks = prechecks.nomination_prechecks(nomination, on=day)
        checks_snapshot = False
    can_act = org_in_scope(request.user, MODULE, Action.APPROVE, nomination.org)
    objections = list(nomination.objections.order_by("id"))
    context = {
        "n": nomination,
        "checks": checks,
        "checks_snapshot": checks_snapshot,
        "objections": objections,
        "can_act": can_act,
        "blockers": services.approval_blockers(nomination, checks, on=day)
        if nomination.status == NominationStatus.NOTICE
        else [],
        "review_form": ReviewForm(),
        "notice_form": NoticeForm(
            initial={"notice_from": day, "notice_until": day + datetime.timedelta(days=6)}
        ),
        "objection_form": ObjectionForm(initial={"received_on": day}),
        "resolve_form": ResolveForm(),
        "reason_form": ReasonForm(),
        "pending_objections": [o for o in objections if o.outcome == ObjectionOutcome.PENDING],
    }
    context.update(extra)
    return context


@requires(MODULE, Action.VIEW)
def nomination_detail(request, pk):
    nomination = selectors.nomination_get(request.user, pk)
    return render(
        request,
        "workforce/pioneers/nomination_detail.html",
        _nomination_context(request, nomination),
    )


STEP_LABELS = {
    "review": "审核通过",
    "notice": "发布公示",
    "objection": "登记异议",
    "resolve": "核实异议",
    "approve": "审批命名",
    "reject": "退回",
    "revoke": "摘牌",
}


@requires(MODULE, Action.APPROVE)
@require_POST
def nomination_act(request, pk, step):
    """Review, public notice, objections, approval, rejection, revocation (approve permission)."""
    if step not in STEP_LABELS:
        raise Http404
    nomination = selectors.nomination_get(request.user, pk, Action.APPROVE)
    form_class = {
        "review": ReviewForm,
        "notice": NoticeForm,
        "objection": ObjectionForm,
        "resolve": ResolveForm,
        "approve": None,
        "reject": ReasonForm,
        "revoke": ReasonForm,
    }[step]
    form = form_class(request.POST) if form_class else None
    try:
        if form is not None and not form.is_valid():
            raise ValidationFailed(
                "；".join(e for errors in form.errors.values() for e in errors)
                or "请检查填写的内容。"
            )
        data = form.cleaned_data if form is not None else {}
        if step == "review":
            services.nomination_review(actor=request.user, nomination=nomination, note=data["note"])
        elif step == "notice":
            services.nomination_notice(
                actor=request.user,
                nomination=nomination,
                notice_from=data["notice_from"],
                notice_until=data["notice_until"],
            )
        elif step == "objection":
            services.objection_record(
                actor=request.user,
                nomination=nomination,
                received_on=data["received_on"],
                content=data["content"],
            )
        elif step == "resolve":
            objection = NominationObjection.objects.filter(
                pk=data["objection"], nomination=nomination
            ).first()
            if objection is None:
                raise Http404
            services.objection_resolve(
                actor=request.user,
                objection=objection,
                outcome=data["outcome"],
                note=data["outcome_note"],
            )
        elif step == "approve":
            services.nomination_approve(actor=request.user, nomination=nomination)
        elif step == "reject":
            services.nomination_reject(
                actor=request.user, nomination=nomination, reason=data["reason"]
            )
        else:
            services.nomination_revoke(
                actor=request.user, nomination=nomination, reason=data["reason"]
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{STEP_LABELS[step]}。")
    return redirect("workforce:nomination_detail", pk=nomination.pk)


# --- 优秀班组 ---------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def excellent_list(request):
    year = _int(request.GET.get("year"))
    status = request.GET.get("status") or ""
    rows = selectors.excellent_list(request.user, year=year, status=status)
    return render(
        request,
        "workforce/pioneers/excellent_list.html",
        {
            **paginate_peek(request, rows),
            "year": year or "",
            "status": status,
            "status_choices": ExcellentTeamStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
            "decide_form": DecideForm(),
        },
    )


@requires(MODULE, Action.EDIT)
def excellent_create(request):
    form = ExcellentTeamForm(
        request.POST or None,
        initial={"year": datetime.date.today().year},
        teams=_teams(request.user),
        user=request.user,
        validate=lambda **values: services.excellent_team_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.excellent_team_propose(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已推荐参加优秀班组评选。")
            return redirect("workforce:excellent_list")
    return _form_page(
        request,
        form,
        title="推荐参加优秀班组评选",
        crumbs=[("优秀班组", reverse("workforce:excellent_list"))],
        cancel=reverse("workforce:excellent_list"),
        status=422 if request.method == "POST" else 200,
        submit="推荐",
    )


@requires(MODULE, Action.APPROVE)
@require_POST
def excellent_decide(request, pk):
    item = selectors.excellent_get(request.user, pk, Action.APPROVE)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择评选结果。")
        return redirect("workforce:excellent_list")
    try:
        services.excellent_team_decide(
            actor=request.user, item=item, selected=form.cleaned_data["selected"] == "1"
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已记录“{item.team.name}”的评选结果。")
    return redirect("workforce:excellent_list")


# --- trainings ------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def training_list(request):
    year, q = _int(request.GET.get("year")), (request.GET.get("q") or "").strip()
    rows = selectors.training_list(request.user, year=year, q=q)
    return render(
        request,
        "workforce/pioneers/training_list.html",
        {
            **paginate_peek(request, rows),
            "year": year or "",
            "q": q,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def training_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    form = TrainingForm(
        request.POST or None,
        orgs=lookups.org_options(request.user, Action.EDIT),
        teams=_teams(request.user),
        user=request.user,
        validate=lambda **values: services.training_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记班组培训。")
            return redirect("workforce:training_list")
    return _form_page(
        request,
        form,
        title="登记班组培训",
        crumbs=[("班组培训", reverse("workforce:training_list"))],
        cancel=reverse("workforce:training_list"),
        status=422 if request.method == "POST" else 200,
    )


# --- incidents ------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def incident_list(request):
    return render(
        request,
        "workforce/pioneers/incident_list.html",
        {
            **paginate_peek(request, selectors.incident_list(request.user)),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def incident_create(request):
    form = IncidentForm(
        request.POST or None,
        user=request.user,
        validate=lambda **values: services.incident_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_record(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记。")
            return redirect("workforce:incident_list")
    return _form_page(
        request,
        form,
        title="登记用人单位不良记录",
        crumbs=[("不良记录", reverse("workforce:incident_list"))],
        cancel=reverse("workforce:incident_list"),
        status=422 if request.method == "POST" else 200,
        intro="按县总工会设置的“一票否决规则”，单位在规定年限内有此类记录的，其班组和职工不能被命名工人先锋号等荣誉。",
    )

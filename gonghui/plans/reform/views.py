"""Staff pages of the 产改 lists: the problem and task lists (filter, search, overdue and
reports due), an item with its reports, new items, progress reports, joint meetings; the pilot
enterprises; the 三员 with their enterprises, visits and the feedback put on the problem list."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, paginate, posted_org_or_404
from gonghui.core.scope import can, requires, scope_queryset
from gonghui.orgs.models import Org, OrgLevel, OrgStatus
from gonghui.plans.reform import selectors, services
from gonghui.plans.reform.forms import (
    AgentAssignForm,
    AgentForm,
    FeedbackProblemForm,
    MeetingForm,
    PilotForm,
    ReformItemForm,
    ReformReportForm,
    VisitForm,
)
from gonghui.plans.reform.models import (
    PilotLevel,
    PilotStatus,
    ReformAgentKind,
    ReformKind,
    ReformStatus,
)

MODULE = "plans"


def _orgs(user):
    return scope_queryset(
        Org.objects.filter(level__lte=OrgLevel.TOWNSHIP, status=OrgStatus.ACTIVE),
        user,
        MODULE,
        Action.EDIT,
        org_field="",
    ).order_by("path")


@requires(MODULE, Action.VIEW)
def reform_list(request):
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()
    items = selectors.items_filtered(
        request.user,
        kind=kind if kind in ReformKind.values else "",
        status=status if status in ReformStatus.values else "",
        q=q,
        state=state,
    )
    return render(
        request,
        "plans/reform/item_list.html",
        {
            **paginate(request, items),
            "kind": kind,
            "status": status,
            "state": state,
            "q": q,
            "kinds": ReformKind.choices,
            "statuses": ReformStatus.choices,
            "today": timezone.localdate(),
            "last_meeting": selectors.last_meeting_day(request.user),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def reform_create(request):
    orgs = _orgs(request.user)
    meetings = list(selectors.meetings_scoped(request.user, Action.EDIT)[:50])
    by_pk = {m.pk: m for m in meetings}

    def check(d):
        services.reform_item_validate(
            org=orgs.filter(pk=d.get("org")).first(),
            kind=d.get("kind"),
            title=d.get("title"),
            deadline=d.get("deadline"),
            meeting=by_pk.get(d.get("meeting")),
        )

    form = ReformItemForm(
        request.POST or None,
        orgs=orgs,
        meetings=meetings,
        initial={"kind": request.GET.get("kind", ReformKind.TASK)},
        check=check,
    )
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.reform_item_create(
                    actor=request.user,
                    org=org,
                    kind=data["kind"],
                    title=data["title"],
                    deadline=data["deadline"],
                    description=data["description"],
                    meeting=by_pk.get(data["meeting"]),
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已添加事项。")
                return redirect("plans:reform_detail", item.pk)
    return render(request, "plans/reform/item_form.html", {"form": form})


@requires(MODULE, Action.VIEW)
def reform_detail(request, pk: int):
    item = selectors.item_get(request.user, pk)
    can_edit = selectors.items_scoped(request.user, Action.EDIT).filter(pk=pk).exists()
    form = None
    if can_edit:
        form = ReformReportForm(
            request.POST or None,
            initial={
                "reported_on": timezone.localdate(),
                "progress": item.progress,
                "status": ReformStatus.IN_PROGRESS,
            },
        )
    return render(
        request,
        "plans/reform/item_detail.html",
        {
            "item": item,
            "reports": item.reports.select_related("reported_by")[:50],
            "form": form,
            "today": timezone.localdate(),
            "open": item.status in (ReformStatus.OPEN, ReformStatus.IN_PROGRESS),
        },
    )


@requires(MODULE, Action.EDIT)
def reform_report(request, pk: int):
    item = selectors.item_get(request.user, pk, Action.EDIT)
    form = ReformReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reform_report_add(actor=request.user, item=item, **form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已报告进展。")
            return redirect("plans:reform_detail", item.pk)
    return render(
        request,
        "plans/reform/item_detail.html",
        {
            "item": item,
            "reports": item.reports.select_related("reported_by")[:50],
            "form": form,
            "today": timezone.localdate(),
            "open": True,
        },
    )


@requires(MODULE, Action.VIEW)
def meeting_list(request):
    meetings = selectors.meetings_scoped(request.user).select_related("org")
    return render(
        request,
        "plans/reform/meeting_list.html",
        {**paginate(request, meetings), "can_edit": can(request.user, MODULE, Action.EDIT)},
    )


@requires(MODULE, Action.EDIT)
def meeting_create(request):
    form = MeetingForm(request.POST or None, orgs=_orgs(request.user))
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "org"}
            try:
                services.meeting_create(actor=request.user, org=org, **data)
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已登记联席会议。")
                return redirect("plans:meeting_list")
    return render(request, "plans/reform/meeting_form.html", {"form": form})


# --- pilot enterprises and the 三员 --------------------------------------------------------


@requires(MODULE, Action.VIEW)
def pilot_list(request):
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    status = request.GET.get("status", "")
    pilots = selectors.pilots_filtered(
        request.user,
        q=q,
        level=level if level in PilotLevel.values else "",
        status=status if status in PilotStatus.values else "",
    )
    return render(
        request,
        "plans/reform/pilot_list.html",
        {
            **paginate(request, pilots),
            "q": q,
            "level": level,
            "status": status,
            "levels": PilotLevel.choices,
            "statuses": PilotStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def pilot_create(request):
    orgs = _orgs(request.user)

    def check(d):
        services.pilot_validate(
            enterprise=selectors.enterprise_find(request.user, d.get("enterprise", "")),
            named_by=orgs.filter(pk=d.get("named_by")).first(),
            level=d.get("level"),
            named_on=d.get("named_on"),
        )

    form = PilotForm(
        request.POST or None,
        orgs=orgs,
        initial={"named_on": timezone.localdate(), "level": PilotLevel.COUNTY},
        check=check,
    )
    if request.method == "POST":
        named_by = posted_org_or_404(request, "named_by", MODULE, Action.EDIT)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pilot = services.pilot_name(
                    actor=request.user,
                    enterprise=selectors.enterprise_find(request.user, data["enterprise"]),
                    named_by=named_by,
                    level=data["level"],
                    named_on=data["named_on"],
                    focus=data["focus"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已确定试点企业。")
                return redirect("plans:pilot_detail", pilot.pk)
    return render(request, "plans/reform/pilot_form.html", {"form": form})


@requires(MODULE, Action.VIEW)
def pilot_detail(request, pk: int):
    pilot = selectors.pilot_get(request.user, pk)
    agents = selectors.agents_scoped(request.user).filter(enterprises=pilot.enterprise_id)
    visits = selectors.visits_with_feedback(
        selectors.visits_scoped(request.user).filter(enterprise=pilot.enterprise_id)[:50]
    )
    return render(
        request,
        "plans/reform/pilot_detail.html",
        {"pilot": pilot, "agents": agents, "visits": visits},
    )


@requires(MODULE, Action.VIEW)
def agent_list(request):
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    agents = selectors.agents_filtered(
        request.user, kind=kind if kind in ReformAgentKind.values else "", q=q
    )
    return render(
        request,
        "plans/reform/agent_list.html",
        {
            **paginate(request, agents),
            "kind": kind,
            "q": q,
            "kinds": ReformAgentKind.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def agent_create(request):
    orgs = _orgs(request.user)
    form = AgentForm(
        request.POST or None,
        orgs=orgs,
        initial={"appointed_on": timezone.localdate()},
        check=lambda d: services.agent_validate(
            org=orgs.filter(pk=d.get("org")).first(),
            kind=d.get("kind"),
            name=d.get("name"),
            appointed_on=d.get("appointed_on"),
        ),
    )
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "org"}
            try:
                agent = services.agent_create(actor=request.user, org=org, **data)
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已登记。")
                return redirect("plans:agent_detail", agent.pk)
    return render(request, "plans/reform/agent_form.html", {"form": form})


def _agent_page(request, agent, *, assign_form=None, visit_form=None, status=200):
    can_edit = selectors.agents_scoped(request.user, Action.EDIT).filter(pk=agent.pk).exists()
    enterprises = list(agent.enterprises.select_related("org").order_by("name"))
    pilots = set(
        selectors.pilots_scoped(request.user)
        .filter(enterprise__in=[e.pk for e in enterprises])
        .values_list("enterprise_id", flat=True)
    )
    if can_edit:
        assign_form = assign_form or AgentAssignForm()
        visit_form = visit_form or VisitForm(
            enterprises=enterprises, initial={"visited_on": timezone.localdate()}
        )
    visits = selectors.visits_with_feedback(
        selectors.visits_scoped(request.user).filter(agent=agent)[:50]
    )
    return render(
        request,
        "plans/reform/agent_detail.html",
        {
            "agent": agent,
            "enterprises": enterprises,
            "pilots": pilots,
            "visits": visits,
            "can_edit": can_edit,
            "assign_form": assign_form,
            "visit_form": visit_form,
            "problem_form": FeedbackProblemForm(
                orgs=_orgs(request.user), initial={"org": agent.org_id}
            )
            if can_edit
            else None,
        },
        status=status,
    )


@requires(MODULE, Action.VIEW)
def agent_detail(request, pk: int):
    return _agent_page(request, selectors.agent_get(request.user, pk))


@require_POST
@requires(MODULE, Action.EDIT)
def agent_assign(request, pk: int):
    agent = selectors.agent_get(request.user, pk, Action.EDIT)
    form = AgentAssignForm(
        request.POST,
        check=lambda d: services.agent_assign_validate(
            agent=agent,
            enterprise=selectors.enterprise_find(request.user, d.get("enterprise", "")),
        ),
    )
    if form.is_valid():
        try:
            services.agent_assign(
                actor=request.user,
                agent=agent,
                enterprise=selectors.enterprise_find(request.user, form.cleaned_data["enterprise"]),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已添加联系企业。")
            return redirect("plans:agent_detail", agent.pk)
    return _agent_page(request, agent, assign_form=form)


@require_POST
@requires(MODULE, Action.EDIT)
def visit_create(request, pk: int):
    agent = selectors.agent_get(request.user, pk, Action.EDIT)
    enterprises = list(agent.enterprises.select_related("org"))
    by_pk = {e.pk: e for e in enterprises}
    form = VisitForm(
        request.POST,
        enterprises=enterprises,
        check=lambda d: services.visit_validate(
            agent=agent,
            enterprise=by_pk.get(d.get("enterprise")),
            visited_on=d.get("visited_on"),
            summary=d.get("summary"),
            feedback=VisitForm.lines(d.get("feedback", "")),
        ),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_record(
                actor=request.user,
                agent=agent,
                enterprise=by_pk.get(data["enterprise"]),
                visited_on=data["visited_on"],
                summary=data["summary"],
                feedback=form.feedback_lines(),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已登记走访。")
            return redirect("plans:agent_detail", agent.pk)
    return _agent_page(request, agent, visit_form=form)


@require_POST
@requires(MODULE, Action.EDIT)
def feedback_problem(request, pk: int):
    feedback = selectors.feedback_get(request.user, pk, Action.EDIT)
    org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
    form = FeedbackProblemForm(request.POST, orgs=_orgs(request.user))
    if form.is_valid():
        try:
            item = services.feedback_to_problem(
                actor=request.user,
                feedback=feedback,
                org=org,
                deadline=form.cleaned_data["deadline"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已列入问题清单。")
            return redirect("plans:reform_detail", item.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("plans:agent_detail", feedback.visit.agent_id)

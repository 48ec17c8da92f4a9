"""Staff pages of the 产改 lists: the problem and task lists (filter, search, overdue and
reports due), an item with its reports, new items, progress reports, joint meetings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.scope import can, requires, scope_queryset
from gonghui.core.views_helpers import form_apply_error, paginate, posted_org_or_404
from gonghui.orgs.models import Org, OrgLevel, OrgStatus
from gonghui.plans.reform import selectors, services
from gonghui.plans.reform.forms import MeetingForm, ReformItemForm, ReformReportForm
from gonghui.plans.reform.models import ReformKind, ReformStatus

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

"""Reminder pages: the list (mine, overdue, by kind), closing one with a note, and a run on
demand for county staff (the daily run comes from cron or the task worker)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import NotFound
from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, requires
from gonghui.rights.employers.selectors import township_choices
from gonghui.rights.reminders import selectors, services
from gonghui.rights.reminders.forms import CloseForm
from gonghui.rights.reminders.models import ReminderKind
from gonghui.rights.shared import MODULE, today
from gonghui.rights.views import filters, form_page, get_int


@requires(MODULE, Action.VIEW)
def reminder_list(request):
    chosen = filters(request.GET, ("kind", "status", "overdue", "mine", "township"))
    status = chosen["status"] if chosen["status"] in ("open", "done", "all") else "open"
    rows = selectors.reminder_list(
        request.user,
        kind=chosen["kind"] if chosen["kind"] in ReminderKind.values else "",
        status="" if status == "all" else status,
        overdue=chosen["overdue"] == "1",
        mine=chosen["mine"] == "1",
        township=get_int(request.GET, "township"),
    )
    return render(
        request,
        "rights/reminders/reminder_list.html",
        {
            **paginate_peek(request, rows, per_page=50),
            "filters": {**chosen, "status": status},
            "kinds": ReminderKind.choices,
            "townships": township_choices(request.user),
            "on": today(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
            "can_run": can(request.user, MODULE, Action.EDIT),
            "runs": selectors.runs_recent(3),
        },
    )


@requires(MODULE, Action.EDIT)
def reminder_close(request, pk):
    reminder = selectors.reminder_get(request.user, pk, Action.EDIT)
    return form_page(
        request,
        CloseForm(request.POST or None),
        title=f"办结：{reminder.get_kind_display()}",
        crumbs=[("维权提醒", reverse("rights:reminder_list"))],
        on_valid=lambda d: services.reminder_close(actor=request.user, reminder=reminder, **d),
        success=lambda r: reverse("rights:reminder_list"),
        message="提醒已办结。",
    )


@require_POST
@requires(MODULE, Action.EDIT)
def reminder_run(request):
    """Run the daily check now (idempotent: it opens only what the daily run would)."""
    try:
        run = services.reminders_run_now(actor=request.user)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(
        request,
        f"已运行维权提醒：新开 {run.opened} 条，自动办结 {run.closed} 条，用时 {run.duration_ms} 毫秒。",
    )
    return redirect("rights:reminder_list")

"""Reads of reminders, in the user's rights scope."""

from django.db.models import QuerySet

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.rights.reminders.models import Reminder, ReminderRun, ReminderStatus
from gonghui.rights.shared import MODULE, today


def reminder_scoped(user, action: str = Action.VIEW) -> QuerySet[Reminder]:
    return scope_queryset(Reminder.objects.all(), user, MODULE, action)


def reminder_list(
    user, *, kind="", status=ReminderStatus.OPEN, overdue=False, mine=False, township=None
):
    rows = (
        reminder_scoped(user)
        .select_related("enterprise", "assigned_to", "contract", "offer", "notice", "case")
        .only(
            "id",
            "kind",
            "due_on",
            "opened_on",
            "deadline",
            "status",
            "closed_on",
            "closed_note",
            "org_id",
            "enterprise__id",
            "enterprise__name",
            "assigned_to__id",
            "assigned_to__full_name",
            "assigned_to__username",
            "contract__id",
            "contract__title",
            "offer__id",
            "offer__subject",
            "notice__id",
            "notice__step",
            "case__id",
            "case__number",
        )
    )
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(status=ReminderStatus.OPEN, deadline__lt=today())
    if mine:
        rows = rows.filter(assigned_to=user)
    if township:
        rows = rows.filter(org_anchor_id=township)
    return rows.order_by("deadline", "id")


def reminder_get(user, pk: int, action: str = Action.VIEW) -> Reminder:
    return get_in_scope_or_404(Reminder.objects.all(), user, MODULE, action, pk=pk)


def runs_recent(limit: int = 5) -> list[ReminderRun]:
    return list(ReminderRun.objects.order_by("-id")[:limit])

"""Reads of the 产改 lists, scoped to the user; overdue items and reports due."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.plans.reform.models import OPEN_STATUSES, JointMeeting, ReformItem

MODULE = "plans"


def items_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(ReformItem.objects.all(), user, MODULE, action)


def item_get(user, pk: int, action: str = Action.VIEW) -> ReformItem:
    return get_in_scope_or_404(
        ReformItem.objects.select_related("org", "meeting"), user, MODULE, action, pk=pk
    )


def meetings_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(JointMeeting.objects.all(), user, MODULE, action)


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=today)


def last_meeting_day(user) -> dt.date | None:
    return (
        meetings_scoped(user)
        .filter(held_on__lte=timezone.localdate())
        .aggregate(last=Max("held_on"))["last"]
    )


def report_due_q(last_meeting: dt.date | None) -> Q:
    """Open items with no report since the last joint meeting (a unit reports before the next)."""
    if last_meeting is None:
        return Q(pk__in=[])
    return Q(status__in=OPEN_STATUSES) & (
        Q(last_reported_on__isnull=True, created_at__date__lt=last_meeting)
        | Q(last_reported_on__lt=last_meeting)
    )


def items_filtered(user, *, kind="", status="", q="", state="") -> QuerySet:
    items = items_scoped(user).select_related("org")
    if kind:
        items = items.filter(kind=kind)
    if status:
        items = items.filter(status=status)
    if q:
        items = items.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    today = timezone.localdate()
    if state == "overdue":
        items = items.filter(overdue_q(today))
    elif state == "report_due":
        items = items.filter(report_due_q(last_meeting_day(user)))
    return items.order_by("deadline", "id")

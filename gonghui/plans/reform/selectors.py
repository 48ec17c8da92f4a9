"""Reads of the 产改 lists, scoped to the user; overdue items and reports due."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.orgs.models import Enterprise
from gonghui.plans.reform.models import (
    OPEN_STATUSES,
    JointMeeting,
    PilotEnterprise,
    ReformAgent,
    ReformFeedback,
    ReformItem,
    ReformVisit,
)

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


# --- pilot enterprises and the 三员 --------------------------------------------------------


def pilots_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(
        PilotEnterprise.objects.select_related("enterprise", "org", "named_by"),
        user,
        MODULE,
        action,
    )


def pilot_get(user, pk: int, action: str = Action.VIEW) -> PilotEnterprise:
    return get_in_scope_or_404(
        PilotEnterprise.objects.select_related("enterprise", "org", "named_by"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def pilots_filtered(user, *, q: str = "", level: str = "", status: str = "") -> QuerySet:
    pilots = pilots_scoped(user)
    if q:
        pilots = pilots.filter(
            Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__startswith=q.upper())
        )
    if level:
        pilots = pilots.filter(level=level)
    if status:
        pilots = pilots.filter(status=status)
    return pilots.order_by("-named_on", "id")


def agents_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(ReformAgent.objects.select_related("org"), user, MODULE, action)


def agent_get(user, pk: int, action: str = Action.VIEW) -> ReformAgent:
    return get_in_scope_or_404(
        ReformAgent.objects.select_related("org"), user, MODULE, action, pk=pk
    )


def agents_filtered(user, *, kind: str = "", q: str = "") -> QuerySet:
    from django.db.models import Count

    agents = agents_scoped(user).annotate(
        enterprise_count=Count("enterprises", distinct=True),
        visit_count=Count("visits", distinct=True),
    )
    if kind:
        agents = agents.filter(kind=kind)
    if q:
        agents = agents.filter(Q(name__icontains=q) | Q(unit__icontains=q))
    return agents.order_by("kind", "name", "id")


def visits_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(
        ReformVisit.objects.select_related("agent", "enterprise"), user, MODULE, action
    )


def visits_with_feedback(visits) -> list[ReformVisit]:
    """The visits with their feedback (and the problem each became), two queries."""
    visits = list(visits)
    by_visit: dict[int, list] = {v.pk: [] for v in visits}
    for fb in ReformFeedback.objects.filter(visit__in=visits).select_related("item"):
        by_visit[fb.visit_id].append(fb)
    for visit in visits:
        visit.feedback_rows = by_visit[visit.pk]
    return visits


def feedback_get(user, pk: int, action: str = Action.VIEW) -> ReformFeedback:
    """A piece of feedback whose agent is in the user's scope (404 otherwise)."""
    feedback = (
        ReformFeedback.objects.select_related("visit__agent__org", "visit__enterprise", "item")
        .filter(pk=pk)
        .first()
    )
    if (
        feedback is None
        or not agents_scoped(user, action).filter(pk=feedback.visit.agent_id).exists()
    ):
        from django.http import Http404

        raise Http404
    return feedback


def enterprise_in_scope(user, pk: int, action: str = Action.EDIT) -> Enterprise | None:
    return (
        scope_queryset(Enterprise.objects.select_related("org"), user, MODULE, action)
        .filter(pk=pk)
        .first()
    )


def enterprise_find(user, text: str, action: str = Action.EDIT) -> Enterprise | None:
    """The enterprise in the user's scope that `text` names: its unified social credit code
    or its full registered name (None when none or several match)."""
    text = (text or "").strip()
    if not text:
        return None
    enterprises = scope_queryset(Enterprise.objects.select_related("org"), user, MODULE, action)
    code = text.replace(" ", "").upper()
    found = list(enterprises.filter(Q(credit_code=code) | Q(name=text))[:2])
    return found[0] if len(found) == 1 else None

"""Reads of follow-ups through the user's scope: the due list (overdue first), one
follow-up, and the schedule in force."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.core.modules import Action
from gonghui.core.scope import (
    get_in_scope_or_404,
    in_dates,
    in_subtree,
    scope_queryset,
    scope_roots,
)
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org, OrgLevel
from gonghui.outreach.followups.models import FollowUp, FollowUpSettings, FollowUpStatus

MODULE = "outreach"
DUE_SOON_DAYS = 7

# The due list's filters (`due`).
DUE_CHOICES = (
    ("overdue", "已逾期"),
    ("week", f"{DUE_SOON_DAYS} 天内到期(含逾期)"),
    ("all", "全部待回访"),
    ("done", "已回访"),
)


def followup_scoped(user, action: str = Action.VIEW) -> QuerySet[FollowUp]:
    return scope_queryset(FollowUp.objects.all(), user, MODULE, action)


def followup_due_list(
    user,
    *,
    due: str = "week",
    mine: bool = False,
    q: str = "",
    on: datetime.date | None = None,
    org: Org | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = Action.VIEW,
) -> QuerySet[FollowUp]:
    """Pending follow-ups in scope by due date (the earliest first): `due` "overdue" (before
    today), "week" (up to DUE_SOON_DAYS ahead, overdue included), "all"; "done" lists the
    recorded ones, the latest first. `mine`: assigned to the user; `org`: its subtree;
    `date_from`/`date_to`: the date shown (done on for "done", else due on) in that range."""
    today = on or timezone.localdate()
    rows = in_subtree(followup_scoped(user, action), org).select_related(
        "registration", "registration__stop", "registration__offer", "assigned_to"
    )
    if mine:
        rows = rows.filter(assigned_to=user)
    q = normalise_text(q).upper()
    if q:
        rows = rows.filter(Q(registration__name__contains=q) | Q(registration__reference=q))
    if due == "done":
        rows = in_dates(rows, "done_on", date_from, date_to)
        return rows.filter(status=FollowUpStatus.DONE).order_by("-done_on", "-id")
    rows = in_dates(rows, "due_on", date_from, date_to).filter(status=FollowUpStatus.PENDING)
    if due == "overdue":
        rows = rows.filter(due_on__lt=today)
    elif due != "all":
        rows = rows.filter(due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    return rows.order_by("due_on", "id")


def followups_overdue(user, action: str = Action.VIEW, *, mine: bool = False) -> QuerySet[FollowUp]:
    rows = followup_scoped(user, action).filter(
        status=FollowUpStatus.PENDING, due_on__lt=timezone.localdate()
    )
    return rows.filter(assigned_to=user) if mine else rows


def followup_get(user, pk, action: str = Action.VIEW) -> FollowUp:
    return get_in_scope_or_404(
        FollowUp.objects.select_related(
            "registration",
            "registration__stop",
            "registration__stop__caravan",
            "registration__offer",
            "org",
            "assigned_to",
            "recorded_by",
            "employer",
        ),
        user,
        MODULE,
        action,
        pk=pk,
    )


def registration_followups(registration) -> list[FollowUp]:
    return list(
        registration.followups.select_related("assigned_to", "recorded_by").order_by("number")
    )


def followup_settings_of(county) -> FollowUpSettings | None:
    return FollowUpSettings.objects.filter(org=county).first()


def followup_counties(user) -> list:
    """Counties where the user sets the schedule (approve scope at the county or above)."""
    roots = [r for r in scope_roots(user, MODULE, Action.APPROVE) if r.level <= OrgLevel.COUNTY]
    if not roots:
        return []
    counties = Org.objects.filter(level=OrgLevel.COUNTY, status="active").order_by("code")
    return [c for c in counties if any(c.path.startswith(r.path) for r in roots)]

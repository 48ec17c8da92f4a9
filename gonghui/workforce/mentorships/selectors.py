"""Reads of mentorships and ceremonies, through the user's scope."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import in_subtree, scope_queryset
from gonghui.workforce.choices import MODULE
from gonghui.workforce.mentorships.models import (
    Ceremony,
    Checkpoint,
    Mentorship,
    MentorshipPolicy,
    MentorshipStatus,
)

DUE = "due"  # list filters: active past their end (appraisal due); with overdue checkpoints
CHECKPOINT_OVERDUE = "checkpoint_overdue"


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def mentorship_scoped(user, action: str = Action.VIEW) -> QuerySet[Mentorship]:
    return scope_queryset(Mentorship.objects.all(), user, MODULE, action)


def mentorship_list(
    user,
    *,
    q: str = "",
    status: str = "",
    year: int | None = None,
    trade: int | None = None,
    org=None,
) -> QuerySet[Mentorship]:
    rows = in_subtree(mentorship_scoped(user), org).select_related(
        "master", "apprentice", "trade", "org", "enterprise"
    )
    if q:
        rows = rows.filter(Q(master__name__icontains=q) | Q(apprentice__name__icontains=q))
    if status == DUE:
        rows = rows.filter(status=MentorshipStatus.ACTIVE, ends_on__lt=_today())
    elif status == CHECKPOINT_OVERDUE:
        rows = rows.filter(
            status=MentorshipStatus.ACTIVE,
            checkpoints__done_on__isnull=True,
            checkpoints__due_on__lt=_today(),
        ).distinct()
    elif status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(signed_on__year=year)
    if trade:
        rows = rows.filter(trade_id=trade)
    return rows.order_by("-signed_on", "-id")


def mentorship_get(user, pk, action: str = Action.VIEW) -> Mentorship:
    try:
        return (
            mentorship_scoped(user, action)
            .select_related("master", "apprentice", "trade", "org", "enterprise", "ceremony")
            .get(pk=pk)
        )
    except (Mentorship.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def checkpoints_overdue(
    user, action: str = Action.EDIT, *, on: datetime.date
) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(
        mentorship__in=mentorship_scoped(user, action).filter(status=MentorshipStatus.ACTIVE),
        done_on__isnull=True,
        due_on__lt=on,
    )


def appraisals_due(
    user, action: str = Action.APPROVE, *, on: datetime.date
) -> QuerySet[Mentorship]:
    """Active agreements past their end: the completion appraisal is due."""
    return mentorship_scoped(user, action).filter(status=MentorshipStatus.ACTIVE, ends_on__lt=on)


def ceremony_scoped(user, action: str = Action.VIEW) -> QuerySet[Ceremony]:
    return scope_queryset(Ceremony.objects.all(), user, MODULE, action)


def ceremony_get(user, pk) -> Ceremony:
    try:
        return ceremony_scoped(user).select_related("org").get(pk=pk)
    except (Ceremony.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def ceremony_list(user) -> QuerySet[Ceremony]:
    return ceremony_scoped(user).select_related("org").order_by("-held_on", "-id")


def ceremony_pairs(user, ceremony: Ceremony) -> QuerySet[Mentorship]:
    """The pairs a ceremony formed that the user may see."""
    return (
        mentorship_scoped(user)
        .filter(ceremony=ceremony)
        .select_related("master", "apprentice", "trade", "org")
        .order_by("id")
    )


def policy_get(county) -> MentorshipPolicy | None:
    """The county's allowance and reward rule as set (None before it is first set or used:
    reading never creates it)."""
    return MentorshipPolicy.objects.filter(org=county).first() if county is not None else None


def policy_of(county) -> MentorshipPolicy | None:
    """The county's rule in force: as set, or the defaults (unsaved) before it is first set
    or used. Reading never writes; None without a county."""
    if county is None:
        return None
    return policy_get(county) or MentorshipPolicy(org=county)

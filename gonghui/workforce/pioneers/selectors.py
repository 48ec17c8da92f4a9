"""Reads of teams, nominations, 优秀班组, trainings and incidents, through the user's scope."""

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import scope_queryset
from gonghui.workforce.choices import MODULE
from gonghui.workforce.pioneers.models import (
    BarRule,
    EmployerIncident,
    ExcellentTeam,
    Nomination,
    NominationStatus,
    Team,
    TeamTraining,
)


def _scoped(model, user, action=Action.VIEW) -> QuerySet:
    return scope_queryset(model.objects.all(), user, MODULE, action)


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def team_scoped(user, action: str = Action.VIEW) -> QuerySet[Team]:
    return _scoped(Team, user, action)


def team_list(
    user, *, q: str = "", kind: str = "", enterprise: int | None = None
) -> QuerySet[Team]:
    rows = team_scoped(user).select_related("enterprise", "org")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(enterprise__name__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if enterprise:
        rows = rows.filter(enterprise_id=enterprise)
    return rows.order_by("-id")


def team_get(user, pk, action: str = Action.VIEW) -> Team:
    return _get(team_scoped(user, action).select_related("enterprise", "org"), pk)


def nomination_scoped(user, action: str = Action.VIEW) -> QuerySet[Nomination]:
    return _scoped(Nomination, user, action)


def nomination_list(
    user, *, q: str = "", kind: str = "", status: str = "", year: int | None = None
) -> QuerySet[Nomination]:
    rows = nomination_scoped(user).select_related("org", "team", "member", "enterprise")
    if q:
        rows = rows.filter(
            Q(team__name__icontains=q)
            | Q(member__name__icontains=q)
            | Q(enterprise__name__icontains=q)
        )
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("-id")


def nomination_get(user, pk, action: str = Action.VIEW) -> Nomination:
    return _get(
        nomination_scoped(user, action).select_related(
            "org", "team", "member", "enterprise__org", "reviewed_by", "approved_by"
        ),
        pk,
    )


def nominations_awaiting(user, action: str = Action.APPROVE) -> QuerySet[Nomination]:
    """Nominations waiting on a reviewer: to review, or on notice (to approve once it ends)."""
    return nomination_scoped(user, action).filter(
        status__in=(NominationStatus.NOMINATED, NominationStatus.NOTICE)
    )


def excellent_list(user, *, year: int | None = None, status: str = "") -> QuerySet[ExcellentTeam]:
    rows = _scoped(ExcellentTeam, user).select_related("team__enterprise", "org")
    if year:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-year", "-id")


def excellent_get(user, pk, action: str = Action.VIEW) -> ExcellentTeam:
    return _get(_scoped(ExcellentTeam, user, action).select_related("team__enterprise", "org"), pk)


def training_list(user, *, year: int | None = None, q: str = "") -> QuerySet[TeamTraining]:
    rows = _scoped(TeamTraining, user).select_related("team", "enterprise", "org")
    if year:
        rows = rows.filter(held_on__year=year)
    if q:
        rows = rows.filter(
            Q(topic__icontains=q) | Q(trainer__icontains=q) | Q(team__name__icontains=q)
        )
    return rows.order_by("-held_on", "-id")


def incident_list(user) -> QuerySet[EmployerIncident]:
    return (
        _scoped(EmployerIncident, user)
        .select_related("enterprise", "org")
        .order_by("-occurred_on", "-id")
    )


def bar_rules(county) -> QuerySet[BarRule]:
    """A county's barred-year rules (shown to everyone of the county, set by its admins)."""
    return BarRule.objects.filter(org=county).order_by("kind")

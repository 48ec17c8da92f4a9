"""Reads of volunteer teams through the user's scope."""

from django.db.models import Count, Q, QuerySet, Sum

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.outreach.volunteers.models import ServiceHours, Volunteer, VolunteerTeam

MODULE = "outreach"


def team_scoped(user, action: str = Action.VIEW) -> QuerySet[VolunteerTeam]:
    return scope_queryset(VolunteerTeam.objects.all(), user, MODULE, action)


def team_list(user, *, q: str = "", kind: str = "") -> QuerySet[VolunteerTeam]:
    rows = (
        team_scoped(user)
        .select_related("org")
        .annotate(
            active_volunteers=Count("volunteers", filter=Q(volunteers__left_on__isnull=True)),
            hours=Sum("volunteers__hours_total"),
        )
    )
    q = normalise_text(q)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(leader_name__contains=q))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-id")


def team_get(user, pk, action: str = Action.VIEW) -> VolunteerTeam:
    return get_in_scope_or_404(
        VolunteerTeam.objects.select_related("org"), user, MODULE, action, pk=pk
    )


def team_volunteers(team: VolunteerTeam) -> list[Volunteer]:
    return list(team.volunteers.select_related("member").order_by("left_on", "-hours_total", "id"))


def team_hours(team: VolunteerTeam, limit: int = 30) -> list[ServiceHours]:
    return list(
        ServiceHours.objects.filter(volunteer__team=team)
        .select_related("volunteer__member", "project")
        .order_by("-served_on", "-id")[:limit]
    )

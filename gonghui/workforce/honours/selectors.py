"""Reads of the honours ledger: search, and one page per person, team and employer listing
everything linked to its record. A ledger page runs a fixed number of indexed queries
(bench/workforce.py measures it at province size)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_queryset
from gonghui.members.models import Member
from gonghui.orgs.models import Enterprise
from gonghui.workforce.choices import MODULE
from gonghui.workforce.competitions.models import Award, Entry, ProjectParticipant
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.innovations.models import SmallInnovation, Suggestion
from gonghui.workforce.mentorships.models import MentorReward, Mentorship
from gonghui.workforce.pioneers.models import (
    EmployerIncident,
    ExcellentTeam,
    Nomination,
    Team,
    TeamTraining,
)
from gonghui.workforce.studios.models import InnovationStudio, StudioMember

HONOUR_RELATED = (
    "member",
    "team",
    "enterprise",
    "title",
    "trade",
    "award__entry__competition",
)


def honour_scoped(user, action: str = Action.VIEW) -> QuerySet[Honour]:
    return scope_queryset(Honour.objects.all(), user, MODULE, action)


def honour_search(
    user,
    *,
    q: str = "",
    kind: str = "",
    title: int | None = None,
    trade: int | None = None,
    level: str = "",
    year: int | None = None,
    include_revoked: bool = False,
    action: str = Action.VIEW,
) -> QuerySet[Honour]:
    """Honours in scope matching the filters (who are our 技术能手 in welding?)."""
    rows = honour_scoped(user, action).select_related(
        "member", "team", "enterprise", "title", "trade", "org"
    )
    if q:
        rows = rows.filter(
            Q(name__icontains=q)
            | Q(member__name__icontains=q)
            | Q(team__name__icontains=q)
            | Q(enterprise__name__icontains=q)
        )
    if kind:
        rows = rows.filter(kind=kind)
    if title:
        rows = rows.filter(title_id=title)
    if trade:
        rows = rows.filter(trade_id=trade)
    if level:
        rows = rows.filter(level=level)
    if year:
        rows = rows.filter(year=year)
    if not include_revoked:
        rows = rows.filter(revoked=False)
    return rows.order_by("-awarded_on", "-id")


def honour_get(user, pk, action: str = Action.VIEW) -> Honour:
    try:
        return honour_scoped(user, action).select_related(*HONOUR_RELATED).get(pk=pk)
    except (Honour.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _member_in_scope(user, pk) -> Member:
    member = Member.objects.select_related("org", "employer").filter(pk=pk).first()
    if member is None or not org_in_scope(user, MODULE, Action.VIEW, member.org):
        raise Http404
    return member


def member_ledger(user, pk) -> dict:
    """Everything linked to a member: honours, contest results, studio roles, mentorships
    (as master and as apprentice, with rewards), 五小 results and suggestions, nominations."""
    return _ledger(_member_in_scope(user, pk))


def member_ledger_public(member: Member) -> dict:
    """The member's own ledger on the portal (no scope: the member proved who they are):
    the same records as the staff page without revoked honours and nominations."""
    return _ledger(member, public=True)


def _ledger(member: Member, *, public: bool = False) -> dict:
    entries = list(
        Entry.objects.filter(member=member)
        .select_related("competition", "trade")
        .order_by("-competition__starts_on", "-id")
    )
    awards: dict[int, list] = {}
    for award in Award.objects.filter(entry__member=member).select_related("title"):
        awards.setdefault(award.entry_id, []).append(award)
    for entry in entries:
        entry.award_list = awards.get(entry.pk, [])
    as_master = list(
        Mentorship.objects.filter(master=member)
        .select_related("apprentice", "trade")
        .order_by("-signed_on")
    )
    as_apprentice = list(
        Mentorship.objects.filter(apprentice=member)
        .select_related("master", "trade")
        .order_by("-signed_on")
    )
    rewards = {
        r.mentorship_id: r
        for r in MentorReward.objects.filter(
            mentorship__in=[m.pk for m in as_master]
        ).select_related("entry__competition")
    }
    for mentorship in as_master:
        mentorship.reward = rewards.get(mentorship.pk)
    honours = Honour.objects.filter(member=member)
    if public:
        honours = honours.filter(revoked=False)
    ledger = {
        "member": member,
        "honours": list(honours.select_related(*HONOUR_RELATED).order_by("-awarded_on", "-id")),
        "entries": entries,
        "studios": list(
            StudioMember.objects.filter(member=member)
            .select_related("studio")
            .order_by("-joined_on")
        ),
        "as_master": as_master,
        "as_apprentice": as_apprentice,
        "innovations": list(SmallInnovation.objects.filter(member=member).order_by("-year", "-id")),
        "suggestions": list(Suggestion.objects.filter(member=member).order_by("-year", "-id")),
    }
    if not public:
        ledger["nominations"] = list(
            Nomination.objects.filter(member=member).select_related("enterprise").order_by("-year")
        )
    return ledger


def team_ledger(user, pk) -> dict:
    team = Team.objects.select_related("enterprise", "org").filter(pk=pk).first()
    if team is None or not org_in_scope(user, MODULE, Action.VIEW, team.org):
        raise Http404
    return {
        "team": team,
        "honours": list(
            Honour.objects.filter(team=team).select_related(*HONOUR_RELATED).order_by("-awarded_on")
        ),
        "nominations": list(Nomination.objects.filter(team=team).order_by("-year", "-id")),
        "excellent": list(ExcellentTeam.objects.filter(team=team).order_by("-year")),
        "trainings": list(TeamTraining.objects.filter(team=team).order_by("-held_on")[:50]),
        "innovations": list(SmallInnovation.objects.filter(team=team).order_by("-year", "-id")),
    }


def enterprise_ledger(user, pk) -> dict:
    enterprise = Enterprise.objects.select_related("org").filter(pk=pk).first()
    if enterprise is None or not org_in_scope(user, MODULE, Action.VIEW, enterprise.org):
        raise Http404
    return {
        "enterprise": enterprise,
        "honours": list(
            Honour.objects.filter(enterprise=enterprise)
            .select_related(*HONOUR_RELATED)
            .order_by("-awarded_on", "-id")[:500]
        ),
        "teams": list(Team.objects.filter(enterprise=enterprise).order_by("name")),
        "studios": list(InnovationStudio.objects.filter(host=enterprise).select_related("lead")),
        "projects": list(
            ProjectParticipant.objects.filter(enterprise=enterprise).select_related("competition")
        ),
        "incidents": list(EmployerIncident.objects.filter(enterprise=enterprise)),
    }

"""Permission-matrix entries of volunteer teams (pages and API)."""

import datetime

from django.forms.models import model_to_dict
from django.utils import timezone

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.members.tests.factories import build_member
from gonghui.outreach.volunteers import services
from gonghui.outreach.volunteers.models import (
    ServiceHours,
    Volunteer,
    VolunteerProject,
    VolunteerTeam,
)

M = "outreach"


def _teams(tree, actor):
    def make(org, tag):
        team = services.team_create(actor=None, org=org, name=f"{tag}矩阵志愿队", kind="team")
        member = build_member(org=org)
        team.volunteer_for_matrix = services.volunteer_add(
            actor=None,
            team=team,
            member_card=member.card_number,
            joined_on=timezone.localdate() - datetime.timedelta(days=10),
        )
        team.volunteer_for_matrix_pk = team.volunteer_for_matrix.pk
        team.spare_card_for_matrix = build_member(org=org).card_number
        return team

    return Targets(
        own=make(tree.a1, "甲"), sibling=make(tree.b1, "乙"), parent=make(tree.county, "县")
    )


def _orgs(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _state(team):
    return model_to_dict(VolunteerTeam.objects.get(pk=team.pk))


def _volunteers(team):
    return list(Volunteer.objects.filter(team=team).values_list("member_id", "left_on"))


def _hours(team):
    return {
        "volunteer": team.volunteer_for_matrix.pk,
        "served_on": timezone.localdate().isoformat(),
        "hours": "2",
    }


ENDPOINTS = [
    Endpoint(
        "outreach.team_list",
        "GET",
        M,
        "view",
        lambda t: "/outreach/volunteers/",
        _teams,
        marker=lambda t: t.name,
        scoped=False,
    ),
    Endpoint(
        "outreach.team_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/outreach/volunteers/new/",
        _teams,
        scoped=False,
    ),
    Endpoint(
        "outreach.team_create",
        "POST",
        M,
        "edit",
        lambda t: "/outreach/volunteers/new/",
        _orgs,
        data=lambda org: {"org": org.pk, "name": "矩阵新志愿队", "kind": "practice_station"},
        snapshot=lambda t: VolunteerTeam.objects.filter(name="矩阵新志愿队").count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.team_detail", "GET", M, "view", lambda t: f"/outreach/volunteers/{t.pk}/", _teams
    ),
    Endpoint(
        "outreach.team_edit_form",
        "GET",
        M,
        "edit",
        lambda t: f"/outreach/volunteers/{t.pk}/edit/",
        _teams,
    ),
    Endpoint(
        "outreach.team_edit",
        "POST",
        M,
        "edit",
        lambda t: f"/outreach/volunteers/{t.pk}/edit/",
        _teams,
        data=lambda t: {"name": t.name + "改", "kind": t.kind},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.team_dissolve",
        "POST",
        M,
        "edit",
        lambda t: f"/outreach/volunteers/{t.pk}/dissolve/",
        _teams,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.volunteer_add",
        "POST",
        M,
        "edit",
        lambda t: f"/outreach/volunteers/{t.pk}/members/",
        _teams,
        data=lambda t: {
            "member_card": t.spare_card_for_matrix,
            "role": "member",
            "joined_on": timezone.localdate().isoformat(),
        },
        snapshot=_volunteers,
        success=(302,),
    ),
    Endpoint(
        "outreach.volunteer_leave",
        "POST",
        M,
        "edit",
        lambda t: f"/outreach/volunteers/{t.pk}/members/{t.volunteer_for_matrix_pk}/leave/",
        _teams,
        snapshot=_volunteers,
        success=(302,),
    ),
    Endpoint(
        "outreach.project_add",
        "POST",
        M,
        "edit",
        lambda t: f"/outreach/volunteers/{t.pk}/projects/",
        _teams,
        data=lambda t: {"title": "矩阵项目", "starts_on": timezone.localdate().isoformat()},
        snapshot=lambda t: VolunteerProject.objects.filter(team=t).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.hours_add",
        "POST",
        M,
        "edit",
        lambda t: f"/outreach/volunteers/{t.pk}/hours/",
        _teams,
        data=_hours,
        snapshot=lambda t: ServiceHours.objects.filter(volunteer__team=t).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.api.team_list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/volunteer-teams",
        _teams,
        api=True,
        marker=lambda t: t.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "outreach.api.team_detail",
        "GET",
        M,
        "view",
        lambda t: f"/api/v1/outreach/volunteer-teams/{t.pk}",
        _teams,
        api=True,
    ),
    Endpoint(
        "outreach.api.hours_create",
        "POST",
        M,
        "edit",
        lambda t: f"/api/v1/outreach/volunteer-teams/{t.pk}/hours",
        _teams,
        data=lambda t: {
            "volunteer_id": t.volunteer_for_matrix.pk,
            "served_on": timezone.localdate().isoformat(),
            "hours": "1.5",
        },
        snapshot=lambda t: ServiceHours.objects.filter(volunteer__team=t).count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.team_create",
        "POST",
        M,
        "edit",
        lambda t: "/api/v1/outreach/volunteer-teams",
        _orgs,
        data=lambda org: {"org_id": org.pk, "name": "矩阵接口志愿队", "kind": "team"},
        snapshot=lambda t: VolunteerTeam.objects.filter(name="矩阵接口志愿队").count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.volunteer_add",
        "POST",
        M,
        "edit",
        lambda t: f"/api/v1/outreach/volunteer-teams/{t.pk}/volunteers",
        _teams,
        data=lambda t: {
            "member_card": t.spare_card_for_matrix,
            "joined_on": timezone.localdate().isoformat(),
        },
        snapshot=_volunteers,
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.project_create",
        "POST",
        M,
        "edit",
        lambda t: f"/api/v1/outreach/volunteer-teams/{t.pk}/projects",
        _teams,
        data=lambda t: {"title": "矩阵接口项目", "starts_on": timezone.localdate().isoformat()},
        snapshot=lambda t: VolunteerProject.objects.filter(team=t).count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.team_update",
        "PATCH",
        M,
        "edit",
        lambda t: f"/api/v1/outreach/volunteer-teams/{t.pk}",
        _teams,
        data=lambda t: {"name": t.name + "改"},
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.team_dissolve",
        "POST",
        M,
        "edit",
        lambda t: f"/api/v1/outreach/volunteer-teams/{t.pk}/dissolve",
        _teams,
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.volunteer_leave",
        "POST",
        M,
        "edit",
        lambda t: (
            f"/api/v1/outreach/volunteer-teams/{t.pk}/volunteers/{t.volunteer_for_matrix_pk}/leave"
        ),
        _teams,
        data=lambda t: {},
        snapshot=_volunteers,
        api=True,
    ),
]

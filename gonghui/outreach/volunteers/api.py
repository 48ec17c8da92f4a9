"""API of volunteer teams: /api/v1/outreach/volunteer-teams and service hours."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.outreach.volunteers import selectors, services
from gonghui.outreach.volunteers.models import TeamKind, Volunteer, VolunteerProject

router = Router(tags=["服务职工进基层：志愿服务"])
MODULE = "outreach"


class VolunteerOut(Schema):
    id: int
    name: str
    role: str
    joined_on: date
    left_on: date | None
    hours_total: Decimal = Field(description="累计服务时长(小时)")

    @staticmethod
    def resolve_name(obj):
        return obj.member.name


class TeamOut(Schema):
    id: int
    name: str
    kind: TeamKind
    org_id: int
    leader_name: str
    founded_on: date | None
    status: str
    volunteers: list[VolunteerOut]

    @staticmethod
    def resolve_volunteers(obj):
        return list(obj.volunteers.select_related("member").order_by("id"))


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class HoursIn(Schema):
    model_config = ConfigDict(extra="forbid")

    volunteer_id: int
    project_id: int | None = None
    served_on: date
    hours: Decimal = Field(description="小时，以半小时计")
    note: str = Field("", max_length=200)


class HoursOut(Schema):
    id: int
    volunteer_id: int
    project_id: int | None
    served_on: date
    hours: Decimal
    note: str


@router.get(
    "/volunteer-teams", response={200: TeamPage, **errors(403, 422)}, summary="志愿服务队列表"
)
def team_list(request, page: Query[PageParams], q: str = "", kind: str = ""):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(selectors.team_list(request.auth, q=q, kind=kind), page, descending=True)


@router.get(
    "/volunteer-teams/{pk:id}",
    response={200: TeamOut, **errors(403, 404)},
    summary="志愿服务队详情",
)
def team_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.team_get(request.auth, id)


@router.post(
    "/volunteer-teams/{pk:id}/hours",
    response={201: HoursOut, **errors(403, 404, 409, 422)},
    summary="登记服务时长",
)
def hours_create(request, id: int, payload: HoursIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    team = selectors.team_get(user, id, Action.EDIT)
    volunteer = get_object_or_404(Volunteer, pk=payload.volunteer_id, team=team)
    project = (
        get_object_or_404(VolunteerProject, pk=payload.project_id, team=team)
        if payload.project_id
        else None
    )
    record = services.hours_record(
        actor=user,
        volunteer=volunteer,
        project=project,
        served_on=payload.served_on,
        hours=payload.hours,
        note=payload.note,
    )
    return Status(201, record)

"""API of volunteer teams: /api/v1/outreach/volunteer-teams (teams, their volunteers and
projects) and service hours."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, paginate, plain, require, required_not_null
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.outreach.volunteers import selectors, services
from gonghui.outreach.volunteers.models import (
    TeamKind,
    Volunteer,
    VolunteerProject,
    VolunteerRole,
)

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
    description: str
    founded_on: date | None
    status: str = Field(description="active 活动中 / dissolved 已解散")
    volunteers: list[VolunteerOut]

    @staticmethod
    def resolve_volunteers(obj):
        return list(obj.volunteers.select_related("member").order_by("id"))


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class TeamIn(Schema):
    model_config = ConfigDict(extra="forbid")

    org_id: int = Field(description="所属工会 id")
    name: str = Field(max_length=100)
    kind: TeamKind
    leader_name: str = Field("", max_length=50)
    description: str = Field("", max_length=2000)
    founded_on: date | None = None


class VolunteerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member_card: str = Field(max_length=20, description="会员卡号(志愿者须是在册会员)")
    role: VolunteerRole = VolunteerRole.MEMBER
    joined_on: date


class ProjectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=100)
    starts_on: date
    ends_on: date | None = None
    place: str = Field("", max_length=150)
    description: str = Field("", max_length=2000)


class ProjectOut(Schema):
    id: int
    title: str
    starts_on: date
    ends_on: date | None
    place: str
    description: str


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
    "/volunteer-teams",
    response={201: TeamOut, **errors(403, 404, 422)},
    summary="登记志愿服务队",
)
def team_create(request, payload: TeamIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    team = services.team_create(actor=user, org=org, **data)
    return Status(201, selectors.team_get(user, team.pk))


@router.post(
    "/volunteer-teams/{pk:id}/volunteers",
    response={201: VolunteerOut, **errors(403, 404, 409, 422)},
    summary="增加志愿者",
    description="按会员卡号加入(志愿者须是在册会员)；退出后可再次加入。",
)
def volunteer_add(request, id: int, payload: VolunteerIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    team = selectors.team_get(user, id, Action.EDIT)
    volunteer = services.volunteer_add(
        actor=user,
        team=team,
        member_card=payload.member_card,
        role=payload.role.value,
        joined_on=payload.joined_on,
    )
    return Status(201, volunteer)


@router.post(
    "/volunteer-teams/{pk:id}/projects",
    response={201: ProjectOut, **errors(403, 404, 409, 422)},
    summary="登记志愿服务项目",
)
def project_create(request, id: int, payload: ProjectIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    team = selectors.team_get(user, id, Action.EDIT)
    return Status(201, services.project_create(actor=user, team=team, **payload.model_dump()))


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


class TeamPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=100)
    kind: TeamKind | None = None
    leader_name: str | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=2000)
    founded_on: date | None = Field(None, description="成立日期；null 为清空")


@router.patch(
    "/volunteer-teams/{pk:id}",
    response={200: TeamOut, **errors(403, 404, 409, 422)},
    summary="修改志愿服务队",
    description="只改传入的字段。",
)
def team_update(request, id: int, payload: TeamPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    team = selectors.team_get(user, id, Action.EDIT)
    changes = plain(payload.model_dump(exclude_unset=True))
    required_not_null(changes, nullable=("founded_on",))
    services.team_update(actor=user, team=team, **changes)
    return selectors.team_get(user, id)


@router.post(
    "/volunteer-teams/{pk:id}/dissolve",
    response={200: TeamOut, **errors(403, 404, 409)},
    summary="解散志愿服务队",
    description="队伍解散后，仍在队的志愿者当天退出(服务时长保留)，不能再加入志愿者。",
)
def team_dissolve(request, id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    team = selectors.team_get(user, id, Action.EDIT)
    services.team_dissolve(actor=user, team=team)
    return selectors.team_get(user, id)


class LeaveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    left_on: date | None = Field(None, description="退出日期；不填为今天，不能早于加入日期")


@router.post(
    "/volunteer-teams/{pk:id}/volunteers/{pk:volunteer_id}/leave",
    response={200: VolunteerOut, **errors(403, 404, 409, 422)},
    summary="志愿者退出",
)
def volunteer_leave(request, id: int, volunteer_id: int, payload: LeaveIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    team = selectors.team_get(user, id, Action.EDIT)
    volunteer = get_object_or_404(Volunteer, pk=volunteer_id, team=team)
    volunteer = services.volunteer_leave(actor=user, volunteer=volunteer, left_on=payload.left_on)
    return Volunteer.objects.select_related("member").get(pk=volunteer.pk)

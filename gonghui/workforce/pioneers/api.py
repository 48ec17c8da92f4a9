"""API of honours nominations (工人先锋号 and others): /api/v1/workforce/nominations."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.county import NOT_COUNTY_ADMIN, settings_county
from gonghui.workforce.pioneers import prechecks, selectors, services
from gonghui.workforce.pioneers.models import (
    ExcellentTeamStatus,
    IncidentKind,
    NominationKind,
    NominationObjection,
    NominationStatus,
    ObjectionOutcome,
    Team,
    TeamKind,
)

router = Router(tags=["产业工人：工人先锋号与荣誉推荐"])


class CheckOut(Schema):
    code: str
    label: str
    status: str = Field(description="passed 通过 / failed 不通过 / not_checked 未核查")
    detail: str


class NominationOut(Schema):
    id: int
    kind: NominationKind
    level: ContestLevel
    year: int
    status: NominationStatus
    nominee: str = Field(description="班组名称或个人姓名")
    team_id: int | None
    member_id: int | None
    enterprise: OrgRef = Field(description="所在单位 {id, name}")
    org: OrgRef = Field(description="推荐单位")
    nominated_on: date
    notice_from: date | None
    notice_until: date | None
    approved_on: date | None
    revoked_on: date | None

    @staticmethod
    def resolve_nominee(obj):
        return obj.nominee_name

    @staticmethod
    def resolve_enterprise(obj):
        return {"id": obj.enterprise_id, "name": obj.enterprise.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class ObjectionOut(Schema):
    id: int
    received_on: date
    content: str
    outcome: ObjectionOutcome
    outcome_note: str


class NominationDetail(NominationOut):
    deeds: str
    review_note: str
    rejected_reason: str
    revoke_reason: str
    prechecks: list[CheckOut] = Field(description="单位情况核查(已审批的为审批时的结果)")
    objections: list[ObjectionOut] = Field(description="公示异议及核实结果")

    @staticmethod
    def resolve_objections(obj):
        return list(obj.objections.order_by("id"))


class NominationPage(Schema):
    items: list[NominationOut]
    next_cursor: str | None


class NominationFilters(Schema):
    kind: NominationKind | None = None
    status: NominationStatus | None = None
    year: int | None = None


class NominationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    org_id: int = Field(description="推荐单位")
    kind: NominationKind
    level: ContestLevel = ContestLevel.COUNTY
    year: int
    team_id: int | None = Field(None, description="工人先锋号：班组")
    member: str | None = Field(None, description="个人荣誉：会员卡号或身份证号")
    deeds: str = Field(max_length=5000)
    workers_heard_on: date
    workers_heard_note: str = Field(max_length=200)


def _detail(user, pk):
    nomination = selectors.nomination_get(user, pk)
    if nomination.prechecks and nomination.status in (
        NominationStatus.APPROVED,
        NominationStatus.REVOKED,
    ):
        checks = nomination.prechecks
    else:
        checks = [c.as_dict() for c in prechecks.nomination_prechecks(nomination)]
    nomination.prechecks = checks
    return nomination


@router.get("", response={200: NominationPage, **errors(403, 422)}, summary="荣誉推荐列表")
def nomination_list(request, filters: Query[NominationFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.nomination_list(
        request.auth,
        kind=filters.kind.value if filters.kind else "",
        status=filters.status.value if filters.status else "",
        year=filters.year,
    )
    return paginate(rows, page, descending=True)


@router.get(
    "/{pk:id}",
    response={200: NominationDetail, **errors(403, 404)},
    summary="荣誉推荐详情与单位情况核查",
)
def nomination_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _detail(request.auth, id)


@router.post("", response={201: NominationDetail, **errors(403, 404, 422)}, summary="推荐")
def nomination_create(request, payload: NominationIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=payload.org_id)
    team = None
    if payload.team_id is not None:
        team = selectors.team_scoped(user, Action.EDIT).filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationFailed(
                "班组不存在或不在您的范围内。", fields={"team_id": ["班组不存在或不在您的范围内。"]}
            )
    member = None
    if payload.member:
        try:
            member = lookups.member_find(user, payload.member, action=Action.EDIT)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, fields={"member": [exc.message]}) from None
    nomination = services.nomination_create(
        actor=user,
        org=org,
        kind=payload.kind.value,
        level=payload.level.value,
        year=payload.year,
        team=team,
        member=member,
        deeds=payload.deeds,
        workers_heard_on=payload.workers_heard_on,
        workers_heard_note=payload.workers_heard_note,
    )
    return Status(201, _detail(user, nomination.pk))


@router.post(
    "/{pk:id}/approve",
    response={200: NominationDetail, **errors(403, 404, 422)},
    summary="审批命名",
    description="公示期满、异议已核实且不属实、单位情况核查无“不通过”时才能审批；核查结果随审批保存。",
)
def nomination_approve(request, id: int):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    nomination = selectors.nomination_get(user, id, Action.APPROVE)
    services.nomination_approve(actor=user, nomination=nomination)
    return _detail(user, id)


# --- the steps before and after approval (approve permission) -----------------------------


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=200, description="审核意见")


class NoticeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    notice_from: date = Field(description="公示开始")
    notice_until: date = Field(description="公示截止(公示期不少于 5 天)")


class ObjectionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    received_on: date = Field(description="收到日期(不早于公示开始，不晚于今天)")
    content: str = Field(max_length=2000, description="反映内容")


class ResolveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: ObjectionOutcome = Field(description="upheld 反映属实 / dismissed 反映不属实")
    outcome_note: str = Field(max_length=300, description="核实说明")


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=200)


def _for_step(request, id: int):
    require(request.auth, MODULE, Action.APPROVE)
    return selectors.nomination_get(request.auth, id, Action.APPROVE)


@router.post(
    "/{pk:id}/review",
    response={200: NominationDetail, **errors(403, 404, 422)},
    summary="审核通过",
    description="乡镇(街道)或县总工会审核推荐，通过后可发布公示。",
)
def nomination_review(request, id: int, payload: ReviewIn):
    nomination = _for_step(request, id)
    services.nomination_review(actor=request.auth, nomination=nomination, note=payload.note)
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/notice",
    response={200: NominationDetail, **errors(403, 404, 422)},
    summary="发布公示",
)
def nomination_notice(request, id: int, payload: NoticeIn):
    nomination = _for_step(request, id)
    services.nomination_notice(
        actor=request.auth,
        nomination=nomination,
        notice_from=payload.notice_from,
        notice_until=payload.notice_until,
    )
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/objections",
    response={201: NominationDetail, **errors(403, 404, 422)},
    summary="登记公示异议",
    description="公示期间收到的异议；有待核实或经核实属实的异议时不能审批。",
)
def objection_record(request, id: int, payload: ObjectionIn):
    nomination = _for_step(request, id)
    services.objection_record(
        actor=request.auth,
        nomination=nomination,
        received_on=payload.received_on,
        content=payload.content,
    )
    return Status(201, _detail(request.auth, id))


@router.post(
    "/{pk:id}/objections/{pk:objection_id}/resolve",
    response={200: NominationDetail, **errors(403, 404, 422)},
    summary="核实公示异议",
)
def objection_resolve(request, id: int, objection_id: int, payload: ResolveIn):
    nomination = _for_step(request, id)
    objection = NominationObjection.objects.filter(pk=objection_id, nomination=nomination).first()
    if objection is None:
        raise NotFound()
    services.objection_resolve(
        actor=request.auth,
        objection=objection,
        outcome=payload.outcome.value,
        note=payload.outcome_note,
    )
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/reject",
    response={200: NominationDetail, **errors(403, 404, 422)},
    summary="退回(未通过)",
)
def nomination_reject(request, id: int, payload: ReasonIn):
    nomination = _for_step(request, id)
    services.nomination_reject(actor=request.auth, nomination=nomination, reason=payload.reason)
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/revoke",
    response={200: NominationDetail, **errors(403, 404, 422)},
    summary="摘牌",
    description="已命名的荣誉摘牌；荣誉台账中保留并注明摘牌原因。",
)
def nomination_revoke(request, id: int, payload: ReasonIn):
    nomination = _for_step(request, id)
    services.nomination_revoke(actor=request.auth, nomination=nomination, reason=payload.reason)
    return _detail(request.auth, id)


# --- teams, 优秀班组, team trainings, employer incidents, barred-year rules -----------------
# (/api/v1/workforce/teams, /excellent-teams, /trainings, /incidents, /bar-rules)

teams_router = Router(tags=["产业工人：班组、优秀班组与班组培训"])


class TeamOut(Schema):
    id: int
    name: str
    kind: TeamKind = Field(description="crew 班组 / office 科室 / window 窗口 / project 项目部")
    enterprise: OrgRef = Field(description="所在单位 {id, name}")
    org: OrgRef = Field(description="所属工会")
    leader_name: str
    headcount: int
    is_active: bool

    @staticmethod
    def resolve_enterprise(obj):
        return {"id": obj.enterprise_id, "name": obj.enterprise.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class TeamFilters(Schema):
    q: str = Field("", description="班组或单位名称包含")
    kind: TeamKind | None = None
    enterprise_id: int | None = None


class TeamIn(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise: str = Field(description="所在单位：统一社会信用代码或全称(须在您的编辑范围内)")
    name: str = Field(max_length=100)
    kind: TeamKind
    leader_name: str = Field("", max_length=50)
    headcount: int = 0


class TeamPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=100)
    kind: TeamKind | None = None
    leader_name: str | None = Field(None, max_length=50)
    headcount: int | None = None


def _team_in_scope(user, team_id: int | None, field: str = "team_id") -> Team | None:
    if team_id is None:
        return None
    team = selectors.team_scoped(user, Action.EDIT).filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(
            "班组不存在或不在您的范围内。", fields={field: ["班组不存在或不在您的范围内。"]}
        )
    return team


def _enterprise(user, text: str):
    try:
        return lookups.enterprise_find(user, text, action=Action.EDIT)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"enterprise": [exc.message]}) from None


@teams_router.get("/teams", response={200: TeamPage, **errors(403, 422)}, summary="班组列表")
def team_list(request, filters: Query[TeamFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.team_list(
        request.auth,
        q=filters.q,
        kind=filters.kind.value if filters.kind else "",
        enterprise=filters.enterprise_id,
    )
    return paginate(rows, page, descending=True)


@teams_router.get(
    "/teams/{pk:id}",
    response={200: TeamOut, **errors(403, 404)},
    summary="班组详情",
    description="班组的荣誉、推荐、培训等见荣誉台账：/api/v1/workforce/honours/teams/{id}。",
)
def team_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.team_get(request.auth, id)


@teams_router.post(
    "/teams",
    response={201: TeamOut, **errors(403, 404, 422)},
    summary="登记班组",
    description="同一单位的班组名称不能重复。",
)
def team_create(request, payload: TeamIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = payload.model_dump(exclude={"enterprise"})
    data["kind"] = payload.kind.value
    team = services.team_create(
        actor=user, enterprise=_enterprise(user, payload.enterprise), **data
    )
    return Status(201, selectors.team_get(user, team.pk))


@teams_router.patch(
    "/teams/{pk:id}",
    response={200: TeamOut, **errors(403, 404, 422)},
    summary="修改班组",
    description="只改所给的字段；所在单位不能修改。",
)
def team_update(request, id: int, payload: TeamPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    team = selectors.team_get(user, id, Action.EDIT)
    data = {
        k: getattr(v, "value", v)
        for k, v in payload.model_dump(exclude_unset=True).items()
        if v is not None
    }
    services.team_update(actor=user, team=team, **data)
    return selectors.team_get(user, id)


class ExcellentOut(Schema):
    id: int
    team: OrgRef = Field(description="班组 {id, name}")
    enterprise: OrgRef = Field(description="所在单位 {id, name}")
    org: OrgRef = Field(description="推荐单位")
    year: int
    level: ContestLevel
    reason: str
    status: ExcellentTeamStatus = Field(
        description="candidate 候选 / selected 已评选 / not_selected 未评上"
    )
    selected_on: date | None

    @staticmethod
    def resolve_team(obj):
        return {"id": obj.team_id, "name": obj.team.name}

    @staticmethod
    def resolve_enterprise(obj):
        return {"id": obj.team.enterprise_id, "name": obj.team.enterprise.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class ExcellentPage(Schema):
    items: list[ExcellentOut]
    next_cursor: str | None


class ExcellentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    team_id: int
    year: int
    level: ContestLevel = ContestLevel.COUNTY
    reason: str = Field("", max_length=300)


class DecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    selected: bool = Field(description="true 评上 / false 未评上")


@teams_router.get(
    "/excellent-teams",
    response={200: ExcellentPage, **errors(403, 422)},
    summary="优秀班组评选列表",
)
def excellent_list(
    request,
    page: Query[PageParams],
    year: int | None = None,
    status: ExcellentTeamStatus | None = None,
):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.excellent_list(request.auth, year=year, status=status.value if status else "")
    return paginate(rows, page, descending=True)


@teams_router.post(
    "/excellent-teams",
    response={201: ExcellentOut, **errors(403, 404, 422)},
    summary="推荐参加优秀班组评选",
    description="同一班组同一年度同一级别只推荐一次。",
)
def excellent_create(request, payload: ExcellentIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    item = services.excellent_team_propose(
        actor=user,
        team=_team_in_scope(user, payload.team_id),
        year=payload.year,
        level=payload.level.value,
        reason=payload.reason,
    )
    return Status(201, selectors.excellent_get(user, item.pk))


@teams_router.post(
    "/excellent-teams/{pk:id}/decide",
    response={200: ExcellentOut, **errors(403, 404, 422)},
    summary="记录优秀班组评选结果",
    description="须有审批权限；评上的写入班组荣誉台账。",
)
def excellent_decide(request, id: int, payload: DecideIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    item = selectors.excellent_get(user, id, Action.APPROVE)
    services.excellent_team_decide(actor=user, item=item, selected=payload.selected)
    return selectors.excellent_get(user, id)


class TrainingOut(Schema):
    id: int
    org: OrgRef = Field(description="组织单位")
    team: OrgRef | None = Field(description="班组 {id, name}")
    enterprise: OrgRef | None = Field(description="单位 {id, name}")
    held_on: date
    topic: str
    trainer: str
    attendees: int = Field(description="参训人数")
    hours: Decimal
    note: str

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_team(obj):
        return {"id": obj.team_id, "name": obj.team.name} if obj.team_id else None

    @staticmethod
    def resolve_enterprise(obj):
        return {"id": obj.enterprise_id, "name": obj.enterprise.name} if obj.enterprise_id else None


class TrainingPage(Schema):
    items: list[TrainingOut]
    next_cursor: str | None


class TrainingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    org_id: int = Field(description="组织单位(须在您的编辑范围内)")
    team_id: int | None = Field(None, description="班组(属于组织单位)")
    held_on: date
    topic: str = Field(max_length=150)
    trainer: str = Field(max_length=50)
    attendees: int = Field(description="参训人数")
    hours: Decimal = Field(Decimal(2), description="学时(0.5–200，最多一位小数)")
    note: str = Field("", max_length=200)


@teams_router.get(
    "/trainings", response={200: TrainingPage, **errors(403, 422)}, summary="班组培训列表"
)
def training_list(request, page: Query[PageParams], year: int | None = None, q: str = ""):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(selectors.training_list(request.auth, year=year, q=q), page, descending=True)


@teams_router.post(
    "/trainings",
    response={201: TrainingOut, **errors(403, 404, 422)},
    summary="登记班组培训",
    description="计入年度“班组培训”目标。",
)
def training_create(request, payload: TrainingIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=payload.org_id)
    training = services.training_record(
        actor=user,
        org=org,
        team=_team_in_scope(user, payload.team_id),
        **payload.model_dump(exclude={"org_id", "team_id"}),
    )
    return Status(201, selectors.training_list(user).get(pk=training.pk))


class IncidentOut(Schema):
    id: int
    enterprise: OrgRef = Field(description="用人单位 {id, name}")
    org: OrgRef = Field(description="覆盖该单位的工会")
    kind: IncidentKind
    occurred_on: date
    description: str

    @staticmethod
    def resolve_enterprise(obj):
        return {"id": obj.enterprise_id, "name": obj.enterprise.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class IncidentPage(Schema):
    items: list[IncidentOut]
    next_cursor: str | None


class IncidentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    enterprise: str = Field(description="用人单位：统一社会信用代码或全称(须在您的编辑范围内)")
    kind: IncidentKind
    occurred_on: date
    description: str = Field(max_length=300)


@teams_router.get(
    "/incidents",
    response={200: IncidentPage, **errors(403, 422)},
    summary="用人单位不良记录列表",
)
def incident_list(request, page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(selectors.incident_list(request.auth), page, descending=True)


@teams_router.post(
    "/incidents",
    response={201: IncidentOut, **errors(403, 404, 422)},
    summary="登记用人单位不良记录",
    description="按县总工会设置的一票否决规则，单位在规定年限内有此类记录的，其班组和职工不能被命名工人先锋号等荣誉。",
)
def incident_create(request, payload: IncidentIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    incident = services.incident_record(
        actor=user,
        enterprise=_enterprise(user, payload.enterprise),
        kind=payload.kind.value,
        occurred_on=payload.occurred_on,
        description=payload.description,
    )
    return Status(201, selectors.incident_list(user).get(pk=incident.pk))


class BarRuleOut(Schema):
    kind: IncidentKind
    years: int = Field(description="限制年限")
    is_active: bool
    note: str


class BarRulesOut(Schema):
    county: OrgRef | None = Field(description="规则所属的县总工会(不在任何县内时为空)")
    editable: bool = Field(description="您是否可以修改(县总工会管理员)")
    rules: list[BarRuleOut]


class BarRuleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    county_id: int | None = Field(None, description="县总工会(管理多个县时选择；不传为第一个)")
    kind: IncidentKind
    years: int = Field(description="限制年限(1–10)")
    is_active: bool = True
    note: str = Field("", max_length=200, description="依据")


def _bar_rules(user, county_id: int | None) -> dict:
    county, editable, _counties = settings_county(user, county_id)
    return {
        "county": {"id": county.pk, "name": county.name} if county is not None else None,
        "editable": editable,
        "rules": list(selectors.bar_rules(county)) if county is not None else [],
    }


@teams_router.get(
    "/bar-rules",
    response={200: BarRulesOut, **errors(403, 422)},
    summary="一票否决规则(县总工会设置)",
)
def bar_rule_list(request, county_id: int | None = None):
    require(request.auth, MODULE, Action.VIEW)
    return _bar_rules(request.auth, county_id)


@teams_router.post(
    "/bar-rules",
    response={200: BarRulesOut, **errors(403, 422)},
    summary="设置一票否决规则",
    description="按事项新增或修改(每个事项一条)；只有县总工会管理员可以设置。",
)
def bar_rule_set(request, payload: BarRuleIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county, editable, _counties = settings_county(user, payload.county_id)
    if county is None or not editable:
        raise PermissionDenied(NOT_COUNTY_ADMIN)
    services.bar_rule_set(
        actor=user,
        county=county,
        kind=payload.kind.value,
        years=payload.years,
        is_active=payload.is_active,
        note=payload.note,
    )
    return _bar_rules(user, county.pk)

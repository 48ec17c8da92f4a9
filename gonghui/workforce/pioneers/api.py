"""API of honours nominations (工人先锋号 and others): /api/v1/workforce/nominations."""

from datetime import date

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.pioneers import prechecks, selectors, services
from gonghui.workforce.pioneers.models import (
    NominationKind,
    NominationObjection,
    NominationStatus,
    ObjectionOutcome,
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

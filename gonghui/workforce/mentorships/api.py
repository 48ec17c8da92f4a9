"""API of 名师带徒: /api/v1/workforce/mentorships."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE, AppraisalResult
from gonghui.workforce.competitions.models import Trade
from gonghui.workforce.mentorships import selectors, services
from gonghui.workforce.mentorships.models import MentorshipStatus

router = Router(tags=["产业工人：名师带徒"])


class MentorshipOut(Schema):
    id: int
    master: OrgRef = Field(description="师傅 {id, name}")
    apprentice: OrgRef = Field(description="徒弟 {id, name}")
    trade: OrgRef
    org: OrgRef
    signed_on: date
    starts_on: date
    ends_on: date
    status: MentorshipStatus
    result: str = Field(
        description="出师考评：excellent 优秀 / pass 合格 / fail 不合格；未考评为空"
    )
    allowance_total: Decimal | None
    reward_until: date

    @staticmethod
    def resolve_master(obj):
        return {"id": obj.master_id, "name": obj.master.name}

    @staticmethod
    def resolve_apprentice(obj):
        return {"id": obj.apprentice_id, "name": obj.apprentice.name}

    @staticmethod
    def resolve_trade(obj):
        return {"id": obj.trade_id, "name": obj.trade.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class MentorshipPage(Schema):
    items: list[MentorshipOut]
    next_cursor: str | None


class MentorshipFilters(Schema):
    status: MentorshipStatus | None = None
    year: int | None = Field(None, description="签订年度")


class MentorshipIn(Schema):
    model_config = ConfigDict(extra="forbid")
    master: str = Field(description="师傅：会员卡号或身份证号")
    apprentice: str = Field(description="徒弟：会员卡号或身份证号")
    trade_id: int
    signed_on: date
    starts_on: date
    ends_on: date
    goals: str = Field(max_length=2000)
    plan: str = Field("", max_length=5000)


@router.get("", response={200: MentorshipPage, **errors(403, 422)}, summary="名师带徒列表")
def mentorship_list(request, filters: Query[MentorshipFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.mentorship_list(
        request.auth, status=filters.status.value if filters.status else "", year=filters.year
    )
    return paginate(rows, page, descending=True)


@router.get("/{pk:id}", response={200: MentorshipOut, **errors(403, 404)}, summary="名师带徒详情")
def mentorship_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.mentorship_get(request.auth, id)


@router.post(
    "",
    response={201: MentorshipOut, **errors(403, 404, 422)},
    summary="登记师徒协议",
    description="师傅和徒弟不能是同一人；同一徒弟同一期间只能有一份带徒中的协议。",
)
def mentorship_create(request, payload: MentorshipIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    people = {}
    for field in ("master", "apprentice"):
        try:
            people[field] = lookups.member_find(user, getattr(payload, field))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, fields={field: [exc.message]}) from None
    mentorship = services.mentorship_create(
        actor=user,
        trade=Trade.objects.filter(pk=payload.trade_id).first(),
        signed_on=payload.signed_on,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        goals=payload.goals,
        plan=payload.plan,
        **people,
    )
    return Status(201, selectors.mentorship_get(user, mentorship.pk))


class AppraiseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    result: AppraisalResult = Field(description="excellent 优秀 / pass 合格 / fail 不合格")
    appraised_on: date
    note: str = Field("", max_length=300)


class TerminateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    terminated_on: date
    reason: str = Field(max_length=200)


@router.post(
    "/{pk:id}/appraise",
    response={200: MentorshipOut, **errors(403, 404, 422)},
    summary="出师考评",
    description="按县总工会的带徒津贴规则计算应发津贴(如优秀全额、合格减半、不合格不发)。",
)
def mentorship_appraise(request, id: int, payload: AppraiseIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    mentorship = selectors.mentorship_get(user, id, Action.APPROVE)
    services.mentorship_appraise(
        actor=user,
        mentorship=mentorship,
        result=payload.result.value,
        appraised_on=payload.appraised_on,
        note=payload.note,
    )
    return selectors.mentorship_get(user, id)


@router.post(
    "/{pk:id}/terminate",
    response={200: MentorshipOut, **errors(403, 404, 422)},
    summary="终止师徒关系",
)
def mentorship_terminate(request, id: int, payload: TerminateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    mentorship = selectors.mentorship_get(user, id, Action.EDIT)
    services.mentorship_terminate(
        actor=user, mentorship=mentorship, on=payload.terminated_on, reason=payload.reason
    )
    return selectors.mentorship_get(user, id)

"""API of 名师带徒: /api/v1/workforce/mentorships."""

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
from gonghui.workforce.choices import MODULE, AppraisalResult
from gonghui.workforce.competitions.models import Trade
from gonghui.workforce.county import NOT_COUNTY_ADMIN, settings_county
from gonghui.workforce.mentorships import selectors, services
from gonghui.workforce.mentorships.models import Checkpoint, MentorshipPolicy, MentorshipStatus

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
    ceremony_id: int | None = Field(description="结对的拜师仪式")

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
    ceremony_id: int | None = Field(None, description="在哪次拜师仪式上结对")


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
    ceremony = None
    if payload.ceremony_id is not None:
        ceremony = selectors.ceremony_scoped(user).filter(pk=payload.ceremony_id).first()
        if ceremony is None:
            message = "拜师仪式不存在或不在您的范围内。"
            raise ValidationFailed(message, fields={"ceremony_id": [message]})
    mentorship = services.mentorship_create(
        actor=user,
        ceremony=ceremony,
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


# --- checkpoints --------------------------------------------------------------------------


class CheckpointOut(Schema):
    id: int
    title: str = Field(description="考核节点")
    due_on: date = Field(description="计划日期")
    done_on: date | None = Field(description="完成日期；未完成为空")
    note: str = Field(description="完成情况")


class CheckpointIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=100)
    due_on: date = Field(description="计划日期(在带徒期间内)")


class CheckpointDoneIn(Schema):
    model_config = ConfigDict(extra="forbid")
    done_on: date = Field(description="完成日期(不晚于今天)")
    note: str = Field("", max_length=200, description="完成情况")


@router.get(
    "/{pk:id}/checkpoints",
    response={200: list[CheckpointOut], **errors(403, 404)},
    summary="带徒考核节点",
)
def checkpoint_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    mentorship = selectors.mentorship_get(request.auth, id)
    return list(mentorship.checkpoints.order_by("due_on", "id"))


@router.post(
    "/{pk:id}/checkpoints",
    response={201: CheckpointOut, **errors(403, 404, 422)},
    summary="添加考核节点",
    description="只有带徒中的师徒关系可以添加；计划日期在带徒期间内。",
)
def checkpoint_add(request, id: int, payload: CheckpointIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    mentorship = selectors.mentorship_get(user, id, Action.EDIT)
    checkpoint = services.checkpoint_add(
        actor=user, mentorship=mentorship, title=payload.title, due_on=payload.due_on
    )
    return Status(201, checkpoint)


@router.post(
    "/{pk:id}/checkpoints/{pk:checkpoint_id}/done",
    response={200: CheckpointOut, **errors(403, 404, 422)},
    summary="记录考核节点完成情况",
    description="再次记录即修改完成日期和情况。",
)
def checkpoint_done(request, id: int, checkpoint_id: int, payload: CheckpointDoneIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    mentorship = selectors.mentorship_get(user, id, Action.EDIT)
    checkpoint = Checkpoint.objects.filter(pk=checkpoint_id, mentorship=mentorship).first()
    if checkpoint is None:
        raise NotFound()
    return services.checkpoint_done(
        actor=user, checkpoint=checkpoint, done_on=payload.done_on, note=payload.note
    )


# --- ceremonies (拜师仪式) ------------------------------------------------------------------


class CeremonyOut(Schema):
    id: int
    name: str
    held_on: date
    place: str
    org: OrgRef = Field(description="组织单位")

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class CeremonyDetail(CeremonyOut):
    pairs: list[MentorshipOut] = Field(description="在本次仪式上结对的师徒(您范围内的)")

    @staticmethod
    def resolve_pairs(obj):
        return obj.pairs_seen


class CeremonyPage(Schema):
    items: list[CeremonyOut]
    next_cursor: str | None


class CeremonyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    org_id: int = Field(description="组织单位(须在您的编辑范围内)")
    name: str = Field(max_length=150)
    held_on: date
    place: str = Field("", max_length=150)


def _ceremony(user, pk) -> dict:
    ceremony = selectors.ceremony_get(user, pk)
    ceremony.pairs_seen = list(selectors.ceremony_pairs(user, ceremony))
    return ceremony


@router.get("/ceremonies", response={200: CeremonyPage, **errors(403, 422)}, summary="拜师仪式列表")
def ceremony_list(request, page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(selectors.ceremony_list(request.auth), page, descending=True)


@router.get(
    "/ceremonies/{pk:id}",
    response={200: CeremonyDetail, **errors(403, 404)},
    summary="拜师仪式详情与结对的师徒",
)
def ceremony_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _ceremony(request.auth, id)


@router.post(
    "/ceremonies",
    response={201: CeremonyDetail, **errors(403, 404, 422)},
    summary="登记拜师仪式",
    description="结对的师徒在登记师徒协议时填写 ceremony_id。",
)
def ceremony_create(request, payload: CeremonyIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=payload.org_id)
    ceremony = services.ceremony_create(
        actor=user, org=org, name=payload.name, held_on=payload.held_on, place=payload.place
    )
    return Status(201, _ceremony(user, ceremony.pk))


# --- the county's allowance and reward rule (规则设置; county admins change it) -------------


class PolicyValues(Schema):
    monthly_allowance: Decimal = Field(description="带徒津贴(元/月)")
    excellent_share: int = Field(description="出师考评优秀的发放比例(%)")
    pass_share: int = Field(description="合格的发放比例(%)")
    fail_share: int = Field(description="不合格的发放比例(%)")
    reward_years: int = Field(description="师傅奖励期限(签订协议后年数)")
    reward_amount: Decimal = Field(description="师傅奖励(元)")
    placing_rank: int = Field(description="徒弟竞赛名次不低于此名次即算获得名次")


class PolicyOut(Schema):
    county: OrgRef | None = Field(description="规则所属的县总工会")
    editable: bool = Field(description="您是否可以修改(县总工会管理员)")
    policy: PolicyValues | None = Field(description="尚未设置时为默认值")


class PolicyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    county_id: int | None = Field(None, description="县总工会(管理多个县时选择；不传为第一个)")
    monthly_allowance: Decimal | None = None
    excellent_share: int | None = None
    pass_share: int | None = None
    fail_share: int | None = None
    reward_years: int | None = None
    reward_amount: Decimal | None = None
    placing_rank: int | None = None


def _policy(user, county_id) -> dict:
    county, editable, _counties = settings_county(user, county_id)
    policy = selectors.policy_get(county) if county is not None else None
    return {
        "county": {"id": county.pk, "name": county.name} if county is not None else None,
        "editable": editable,
        "policy": (policy or MentorshipPolicy()) if county is not None else None,
    }


@router.get(
    "/policy",
    response={200: PolicyOut, **errors(403, 422)},
    summary="带徒津贴与师傅奖励规则(县总工会设置)",
)
def policy_detail(request, county_id: int | None = None):
    require(request.auth, MODULE, Action.VIEW)
    return _policy(request.auth, county_id)


@router.post(
    "/policy",
    response={200: PolicyOut, **errors(403, 422)},
    summary="设置带徒津贴与师傅奖励规则",
    description="只改所给的项目；只有县总工会管理员可以设置。新签的协议按当时的奖励期限计算。",
)
def policy_set(request, payload: PolicyIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county, editable, _counties = settings_county(user, payload.county_id)
    if county is None or not editable:
        raise PermissionDenied(NOT_COUNTY_ADMIN)
    values = payload.model_dump(exclude={"county_id"}, exclude_none=True)
    services.policy_set(actor=user, county=county, **values)
    return _policy(user, county.pk)

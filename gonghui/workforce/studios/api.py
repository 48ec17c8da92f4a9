"""API of innovation studios: /api/v1/workforce/studios."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE
from gonghui.workforce.county import NOT_COUNTY_ADMIN, settings_county
from gonghui.workforce.studios import selectors, services
from gonghui.workforce.studios.models import (
    OutcomeKind,
    StandardBasis,
    StudioKind,
    StudioLevel,
    StudioMember,
    StudioRole,
    StudioStatus,
)

router = Router(tags=["产业工人：创新工作室"])


class StudioOut(Schema):
    id: int
    name: str
    kind: StudioKind
    level: StudioLevel
    status: StudioStatus
    lead: OrgRef = Field(description="领衔人 {id, name}(会员)")
    host: OrgRef = Field(description="依托单位 {id, name}")
    founded_on: date
    named_on: date | None
    funds: Decimal

    @staticmethod
    def resolve_lead(obj):
        return {"id": obj.lead_id, "name": obj.lead.name}

    @staticmethod
    def resolve_host(obj):
        return {"id": obj.host_id, "name": obj.host.name}


class AppraisalOut(Schema):
    year: int
    total: Decimal
    max_total: Decimal
    result: str
    items: list[dict] = Field(description="各项得分与依据")


class StudioDetail(StudioOut):
    site: str
    area_m2: int
    equipment: str
    topics: str
    members: int
    appraisals: list[AppraisalOut]

    @staticmethod
    def resolve_members(obj):
        return obj.members.filter(left_on__isnull=True).count()

    @staticmethod
    def resolve_appraisals(obj):
        return list(obj.appraisals.order_by("-year"))


class StudioPage(Schema):
    items: list[StudioOut]
    next_cursor: str | None


class StudioFilters(Schema):
    kind: StudioKind | None = None
    level: StudioLevel | None = None
    status: StudioStatus | None = None


@router.get("", response={200: StudioPage, **errors(403, 422)}, summary="创新工作室列表")
def studio_list(request, filters: Query[StudioFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.studio_list(
        request.auth,
        kind=filters.kind.value if filters.kind else "",
        level=filters.level.value if filters.level else "",
        status=filters.status.value if filters.status else "",
    )
    return paginate(rows, page, descending=True)


@router.get(
    "/{pk:id}", response={200: StudioDetail, **errors(403, 404)}, summary="创新工作室详情与年度考评"
)
def studio_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.studio_get(request.auth, id)


# --- writes (edit permission) --------------------------------------------------------------


class StudioIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=150)
    kind: StudioKind
    lead: str = Field(description="领衔人：会员卡号或身份证号")
    host: str = Field(description="依托单位：统一社会信用代码或单位全称")
    founded_on: date
    site: str = Field("", max_length=200)
    area_m2: int | None = Field(None, ge=0)
    funds: Decimal | None = Field(None, ge=0)
    equipment: str = Field("", max_length=3000)
    topics: str = Field("", max_length=3000)


class StudioPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=150)
    kind: StudioKind | None = None
    founded_on: date | None = None
    site: str | None = Field(None, max_length=200)
    area_m2: int | None = Field(None, ge=0)
    funds: Decimal | None = Field(None, ge=0)
    equipment: str | None = Field(None, max_length=3000)
    topics: str | None = Field(None, max_length=3000)


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: int
    quarter: int = Field(ge=1, le=4)
    activities: int = Field(ge=0)
    participants: int | None = Field(None, ge=0)
    summary: str = Field(max_length=3000, description="活动情况")
    submitted_on: date | None = Field(None, description="报送日期(默认今天)")


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: OutcomeKind
    title: str = Field(max_length=200)
    achieved_on: date
    quantity: int = Field(1, ge=1)
    benefit: Decimal | None = Field(None, ge=0, description="效益(元)")


def _found(field: str, find, user, text):
    try:
        return find(user, text, action=Action.EDIT if field == "host" else Action.VIEW)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={field: [exc.message]}) from None


@router.post(
    "",
    response={201: StudioDetail, **errors(403, 404, 422)},
    summary="申报创新工作室",
    description="领衔人为会员；依托单位须在您的管理范围内；同一单位的工作室不能重名。",
)
def studio_create(request, payload: StudioIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = payload.model_dump(exclude={"lead", "host"})
    data["kind"] = payload.kind.value
    studio = services.studio_create(
        actor=user,
        lead=_found("lead", lookups.member_find, user, payload.lead),
        host=_found("host", lookups.enterprise_find, user, payload.host),
        **data,
    )
    return Status(201, selectors.studio_get(user, studio.pk))


@router.patch(
    "/{pk:id}",
    response={200: StudioDetail, **errors(403, 404, 422)},
    summary="修改创新工作室",
    description="只改所给的字段；领衔人和依托单位不在此修改。",
)
def studio_update(request, id: int, payload: StudioPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    studio = selectors.studio_get(user, id, Action.EDIT)
    changes = payload.model_dump(exclude_unset=True)
    if "kind" in changes and changes["kind"] is not None:
        changes["kind"] = payload.kind.value
    services.studio_update(actor=user, studio=studio, **changes)
    return selectors.studio_get(user, id)


@router.post(
    "/{pk:id}/reports",
    response={201: StudioDetail, **errors(403, 404, 422)},
    summary="报送季度活动情况",
    description="每季度一份；年度考评按报送的活动情况计算。",
)
def report_add(request, id: int, payload: ReportIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    studio = selectors.studio_get(user, id, Action.EDIT)
    services.report_add(actor=user, studio=studio, **payload.model_dump())
    return Status(201, selectors.studio_get(user, id))


@router.post(
    "/{pk:id}/outcomes",
    response={201: StudioDetail, **errors(403, 404, 422)},
    summary="登记工作室成果",
)
def outcome_add(request, id: int, payload: OutcomeIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    studio = selectors.studio_get(user, id, Action.EDIT)
    data = payload.model_dump()
    data["kind"] = payload.kind.value
    services.outcome_add(actor=user, studio=studio, **data)
    return Status(201, selectors.studio_get(user, id))


# --- members (edit permission) ---------------------------------------------------------------


class StudioMemberOut(Schema):
    id: int
    member: OrgRef = Field(description="成员 {id, name}(会员)")
    role: StudioRole = Field(description="lead 领衔人 / core 核心成员 / member 成员")
    joined_on: date
    left_on: date | None

    @staticmethod
    def resolve_member(obj):
        return {"id": obj.member_id, "name": obj.member.name}


class StudioMemberIn(Schema):
    model_config = ConfigDict(extra="forbid")
    member: str = Field(description="会员卡号或身份证号")
    role: StudioRole = Field(StudioRole.MEMBER, description="core 核心成员 / member 成员")
    joined_on: date


class LeaveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    left_on: date = Field(description="退出日期(不早于加入日期)")


@router.get(
    "/{pk:id}/members",
    response={200: list[StudioMemberOut], **errors(403, 404)},
    summary="工作室成员(含已退出的)",
)
def member_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.studio_members(selectors.studio_get(request.auth, id))


@router.post(
    "/{pk:id}/members",
    response={201: StudioMemberOut, **errors(403, 404, 422)},
    summary="工作室加入成员",
    description="领衔人在申报时确定，不在此加入；同一会员不能重复加入。",
)
def member_add(request, id: int, payload: StudioMemberIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    studio = selectors.studio_get(user, id, Action.EDIT)
    row = services.studio_member_add(
        actor=user,
        studio=studio,
        member=_found("member", lookups.member_find, user, payload.member),
        role=payload.role.value,
        joined_on=payload.joined_on,
    )
    return Status(201, row)


@router.post(
    "/{pk:id}/members/{pk:row_id}/leave",
    response={200: StudioMemberOut, **errors(403, 404, 422)},
    summary="成员退出工作室",
    description="领衔人不能退出。",
)
def member_leave(request, id: int, row_id: int, payload: LeaveIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    studio = selectors.studio_get(user, id, Action.EDIT)
    row = StudioMember.objects.select_related("member").filter(pk=row_id, studio=studio).first()
    if row is None:
        raise NotFound()
    return services.studio_member_leave(actor=user, row=row, left_on=payload.left_on)


# --- naming, revocation and the yearly appraisal (approve permission) ------------------------


class NameIn(Schema):
    model_config = ConfigDict(extra="forbid")
    level: StudioLevel = Field(description="命名级别(不能为 none)")
    named_on: date | None = Field(None, description="命名日期(默认今天)")
    note: str = Field("", max_length=200)


class StudioRevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=200, description="撤销原因")


class AppraisalIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: int
    manual_scores: dict[str, Decimal] = Field(
        default_factory=dict, description="需人工打分的项目：{项目代码: 得分}"
    )


@router.post(
    "/{pk:id}/name",
    response={200: StudioDetail, **errors(403, 404, 422)},
    summary="命名(或提升命名级别)",
)
def studio_name(request, id: int, payload: NameIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    studio = selectors.studio_get(user, id, Action.APPROVE)
    services.studio_name(
        actor=user,
        studio=studio,
        level=payload.level.value,
        named_on=payload.named_on,
        note=payload.note,
    )
    return selectors.studio_get(user, id)


@router.post(
    "/{pk:id}/revoke",
    response={200: StudioDetail, **errors(403, 404, 422)},
    summary="撤销创新工作室",
)
def studio_revoke(request, id: int, payload: StudioRevokeIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    studio = selectors.studio_get(user, id, Action.APPROVE)
    services.studio_revoke(actor=user, studio=studio, reason=payload.reason)
    return selectors.studio_get(user, id)


def _appraisal(result, year: int) -> dict:
    return {
        "year": year,
        "total": result.total,
        "max_total": result.max_total,
        "result": result.result,
        "items": [i.as_dict() for i in result.items],
    }


@router.get(
    "/{pk:id}/appraisal",
    response={200: AppraisalOut, **errors(403, 404, 422)},
    summary="年度考评预览",
    description="按工作室登记的活动、成果等计算各项得分并列出依据(不保存)；需人工打分的项目可按"
    "项目代码作为查询参数传入得分一并预览，如 ?year=2025&sign=8。year 不传为上一年度。",
)
def appraisal_preview(request, id: int, year: int | None = None):
    require(request.auth, MODULE, Action.APPROVE)
    studio = selectors.studio_get(request.auth, id, Action.APPROVE)
    year = year or services.today().year - 1
    manual = {}
    for code, value in request.GET.items():
        if code in ("year", "") or not value:
            continue
        try:
            manual[code] = Decimal(value)
        except ArithmeticError:
            message = "人工打分应为数字。"
            raise ValidationFailed(message, fields={code: [message]}) from None
    return _appraisal(services.appraisal_preview(studio, year, manual), year)


@router.post(
    "/{pk:id}/appraisal",
    response={201: AppraisalOut, **errors(403, 404, 422)},
    summary="保存年度考评",
    description="只有已命名的工作室参加考评；需人工打分的项目都须打分；同一年度再次保存即修改。",
)
def studio_appraise(request, id: int, payload: AppraisalIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    studio = selectors.studio_get(user, id, Action.APPROVE)
    appraisal = services.studio_appraise(
        actor=user, studio=studio, year=payload.year, manual_scores=payload.manual_scores
    )
    return Status(201, appraisal)


# --- the county's appraisal standards (规则设置; county admins change them) -------------------


class StandardOut(Schema):
    code: str
    name: str
    requirement: str
    max_score: int
    basis: StandardBasis = Field(
        description="manual 评审打分 / reports 季度报告数 / outcomes 年度成果数 / members 在册成员数 / funds 年度经费 / site 场所面积"
    )
    target: Decimal = Field(description="满分所需的数量(按记录计分的项目)")
    sort_order: int
    is_active: bool


class StandardsOut(Schema):
    county: OrgRef | None = Field(description="标准所属的县总工会")
    editable: bool = Field(description="您是否可以修改(县总工会管理员)")
    items: list[StandardOut] = Field(description="启用的考评项目")


class StandardIn(Schema):
    model_config = ConfigDict(extra="forbid")
    county_id: int | None = Field(None, description="县总工会(管理多个县时选择；不传为第一个)")
    code: str = Field(max_length=20, description="编码(已有的编码即修改该项)")
    name: str = Field(max_length=30)
    requirement: str = Field("", max_length=200)
    max_score: int = Field(description="分值(1–100)")
    basis: StandardBasis
    target: Decimal = Field(Decimal(0), description="满分所需(按记录计分的项目须填写)")
    sort_order: int = 100
    is_active: bool = True


def _standards(user, county_id) -> dict:
    county, editable, _counties = settings_county(user, county_id)
    if county is None:
        items = []
    elif editable:
        items = selectors.standards_for(county)  # the defaults (unsaved) before any change
    else:
        items = list(selectors.standards_active(county))
    return {
        "county": {"id": county.pk, "name": county.name} if county is not None else None,
        "editable": editable,
        "items": items,
    }


@router.get(
    "/standards",
    response={200: StandardsOut, **errors(403, 422)},
    summary="创新工作室考评标准(县总工会设置)",
)
def standard_list(request, county_id: int | None = None):
    require(request.auth, MODULE, Action.VIEW)
    return _standards(request.auth, county_id)


@router.post(
    "/standards",
    response={200: StandardsOut, **errors(403, 422)},
    summary="设置创新工作室考评项目",
    description="按编码新增或修改一项；只有县总工会管理员可以设置。",
)
def standard_set(request, payload: StandardIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    county, editable, _counties = settings_county(user, payload.county_id)
    if county is None or not editable:
        raise PermissionDenied(NOT_COUNTY_ADMIN)
    data = payload.model_dump(exclude={"county_id"})
    data["basis"] = payload.basis.value
    services.standard_item_set(actor=user, county=county, **data)
    return _standards(user, county.pk)

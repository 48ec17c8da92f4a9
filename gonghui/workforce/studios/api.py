"""API of innovation studios: /api/v1/workforce/studios."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE
from gonghui.workforce.studios import selectors, services
from gonghui.workforce.studios.models import OutcomeKind, StudioKind, StudioLevel, StudioStatus

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

"""API of innovation studios: /api/v1/workforce/studios."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.workforce.choices import MODULE
from gonghui.workforce.studios import selectors
from gonghui.workforce.studios.models import StudioKind, StudioLevel, StudioStatus

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

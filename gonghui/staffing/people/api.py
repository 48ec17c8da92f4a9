"""Staff API of the worker records and posts: /api/v1/staffing/workers (scoped; phones
masked), a worker's training hours, /api/v1/staffing/posts (who holds each, vacancies)."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.errors import ValidationFailed
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.staffing.people import selectors
from gonghui.staffing.people.models import Certificate, Education, FundingSource, WorkerStatus
from gonghui.staffing.shared import MODULE

router = Router(tags=["社会化工会工作者"])


class WorkerOut(Schema):
    id: int
    name: str = Field(description="姓名")
    org: OrgRef = Field(description="服务的工会")
    post: str | None = Field(description="岗位名称；不占岗位为 null")
    phone: str = Field(description="手机号(脱敏)")
    education: Education
    certificates: list[Certificate] = Field(description="职业资格证书")
    agency: str = Field(description="用人(派遣)单位")
    hired_on: date
    contract_start: date
    contract_end: date
    funding_source: FundingSource
    county_share: int = Field(description="县级承担比例(%)，其余由乡镇承担")
    grade: int = Field(description="岗级")
    band: int = Field(description="档次")
    band_since: date
    status: WorkerStatus
    contract_review: bool = Field(description="合同待复核(一年内两次考核不称职)")

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_post(obj):
        return obj.post.name if obj.post_id else None

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)


class WorkerRefOut(Schema):
    id: int
    name: str


class WorkerPage(Schema):
    items: list[WorkerOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class WorkerFilters(Schema):
    q: str = Field("", description="姓名或用人单位包含")
    status: WorkerStatus | None = None
    contract: str = Field("", description="expiring 60 天内到期 / review 待复核")


def _value(member):
    return getattr(member, "value", member) if member is not None else ""


@router.get(
    "/workers",
    response={200: WorkerPage, **errors(403, 422)},
    summary="社工名册",
    description="数据范围内的社会化工会工作者，游标分页；手机号脱敏。",
)
def worker_list(request, filters: Query[WorkerFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.worker_list(
        request.auth, q=filters.q, status=_value(filters.status), contract=filters.contract
    )
    return paginate(rows, page)


@router.get("/workers/{pk:id}", response={200: WorkerOut, **errors(403, 404)}, summary="社工档案")
def worker_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.worker_get(request.auth, id)


class TrainingOut(Schema):
    course: str = Field(description="课程")
    day: date = Field(description="培训日期")
    hours: Decimal = Field(description="学时")


class TrainingYearOut(Schema):
    year: int
    hours: Decimal = Field(description="本年度学时合计")
    required: int = Field(description="本县规定的年度最低学时")
    met: bool = Field(description="是否达到最低学时")
    items: list[TrainingOut]


@router.get(
    "/workers/{pk:id}/trainings",
    response={200: TrainingYearOut, **errors(403, 404, 422)},
    summary="社工年度培训学时",
    description="某年度参加的培训与学时合计，对照本县规定的年度最低学时。",
)
def worker_trainings(request, id: int, year: int | None = None):
    from django.utils import timezone

    from gonghui.staffing.pay.selectors import scheme_for

    require(request.auth, MODULE, Action.VIEW)
    worker = selectors.worker_get(request.auth, id)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationFailed(
            "年度应在 2000 到 2100 之间。", fields={"year": ["年度应在 2000 到 2100 之间。"]}
        )
    required = scheme_for(worker.org).training_min_hours
    return selectors.training_year(worker, year, required)


class PostOut(Schema):
    id: int
    name: str = Field(description="岗位名称")
    org: OrgRef = Field(description="岗位所在的工会")
    is_active: bool = Field(description="启用")
    holder: WorkerRefOut | None = Field(description="在岗社工；空缺为 null")

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_holder(obj):
        if not obj.held:
            return None
        return {"id": obj.holder.pk, "name": obj.holder.name}


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class PostFilters(Schema):
    q: str = Field("", description="岗位或工会名称包含")
    vacant: str = Field("", description="1 只看空缺(启用且无人在岗) / 0 只看有人在岗")


@router.get(
    "/posts",
    response={200: PostPage, **errors(403, 422)},
    summary="社工岗位",
    description="数据范围内的社工岗位、在岗社工与空缺，游标分页。",
)
def post_list(request, filters: Query[PostFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(selectors.post_list(request.auth, q=filters.q, vacant=filters.vacant), page)

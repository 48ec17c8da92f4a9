"""Staff API of the monthly pay sheet and the promotion list: /api/v1/staffing/pay-sheet and
/api/v1/staffing/promotion (the same selectors as the pages and their .xlsx, for the user's
county and scope)."""

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.core.api import OrgRef, errors, require
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org
from gonghui.staffing.appraisals.models import AppraisalResult
from gonghui.staffing.pay import selectors, services
from gonghui.staffing.shared import MODULE

router = Router(tags=["社会化工会工作者"])


class WorkerRef(Schema):
    id: int
    name: str
    org: OrgRef = Field(description="服务的工会")


def _worker(worker) -> dict:
    return {
        "id": worker.pk,
        "name": worker.name,
        "org": {"id": worker.org_id, "name": worker.org.name},
    }


class PayLine(Schema):
    worker: WorkerRef
    grade: int = Field(description="岗级")
    band: int = Field(description="档次")
    result: AppraisalResult | None = Field(description="计发奖励所依据的最近一次已公布考核等次")
    base: Decimal = Field(description="岗位工资(元)")
    bonus: Decimal = Field(description="考核奖励(元)")
    total: Decimal = Field(description="应发合计(元)")
    county_part: Decimal = Field(description="县级承担(元)")
    township_part: Decimal = Field(description="乡镇承担(元)")
    missing_cell: bool = Field(description="薪酬表缺少该岗级档次(岗位工资按 0 计)")


class PaySheetOut(Schema):
    month: str = Field(description="月份 YYYY-MM")
    county: OrgRef | None = Field(description="县级总工会；用户不在县以下时为 null")
    total: Decimal
    county_total: Decimal
    township_total: Decimal
    lines: list[PayLine]


class MonthQuery(Schema):
    month: str = Field("", description="月份 YYYY-MM；不填为本月")


def _month(raw: str) -> dt.date:
    from django.utils import timezone

    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        year, month = (int(p) for p in raw.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        message = "月份格式应为 YYYY-MM，例如 2026-06。"
        raise ValidationFailed(message, fields={"month": [message]}) from None


def _county(user):
    return selectors.county_of(user.org) if user.org_id else None


@router.get(
    "/pay-sheet",
    response={200: PaySheetOut, **errors(403, 422)},
    summary="社工月度工资表",
    description="本县数据范围内在岗社工某月的岗位工资、考核奖励与县乡分担，与工资表页面及其 .xlsx 一致。",
)
def pay_sheet(request, query: Query[MonthQuery]):
    require(request.auth, MODULE, Action.VIEW)
    month = _month(query.month)
    county = _county(request.auth)
    rows = selectors.pay_sheet(request.auth, county, month) if county else []
    return {
        "month": f"{month:%Y-%m}",
        "county": {"id": county.pk, "name": county.name} if county else None,
        "total": sum((r.pay.total for r in rows), Decimal(0)),
        "county_total": sum((r.pay.county_part for r in rows), Decimal(0)),
        "township_total": sum((r.pay.township_part for r in rows), Decimal(0)),
        "lines": [
            {
                "worker": _worker(r.worker),
                "grade": r.worker.grade,
                "band": r.worker.band,
                "result": r.result or None,
                "base": r.pay.base,
                "bonus": r.pay.bonus,
                "total": r.pay.total,
                "county_part": r.pay.county_part,
                "township_part": r.pay.township_part,
                "missing_cell": r.missing_cell,
            }
            for r in rows
        ],
    }


class Candidate(Schema):
    worker: WorkerRef
    grade: int
    band: int
    step: str = Field(description="band 晋档 / grade 推荐晋岗")
    to_grade: int
    to_band: int
    years_in_band: Decimal = Field(description="现档次已满年数")
    evidence: list[str] = Field(description="依据(年限、职业资格、年度考核)")


@router.get(
    "/promotion",
    response={200: list[Candidate], **errors(403)},
    summary="社工晋升(推荐)名单",
    description="按本县规则可晋档或推荐晋岗的社工及依据，与晋升推荐页面及其 .xlsx 一致。",
)
def promotion_list(request):
    from django.utils import timezone

    require(request.auth, MODULE, Action.VIEW)
    county = _county(request.auth)
    if county is None:
        return []
    return [
        {
            "worker": _worker(c.worker),
            "grade": c.worker.grade,
            "band": c.worker.band,
            "step": c.step,
            "to_grade": c.to_grade,
            "to_band": c.to_band,
            "years_in_band": Decimal(str(round(c.years_in_band, 1))),
            "evidence": c.evidence,
        }
        for c in selectors.promotion_candidates(request.auth, county, timezone.localdate())
    ]


# --- the county's rules (管理规则): read, and saved through the page's service --------------


class TargetLine(Schema):
    measure: str = Field(description="统计指标编码(须为已登记的指标，见 /api/v1/measures)")
    target: int = Field(description="季度目标值(年度考核为其 4 倍)")
    weight: int = Field(description="权重(%)，各项合计 100")


class SchemeIn(Schema):
    computed_share: int = Field(description="实绩考核占比(%)，其余为评议得分")
    rater_weights: dict[str, int] = Field(
        description="评议权重(%)：chair / deputy / supervisor / workers，合计 100"
    )
    targets: list[TargetLine]
    cutoff_excellent: Decimal = Field(description="优秀分数线")
    cutoff_competent: Decimal = Field(description="称职分数线")
    cutoff_basic: Decimal = Field(description="基本称职分数线")
    bonus: dict[str, int] = Field(
        description="考核奖励(元/月)：excellent / competent / basic / unfit"
    )
    training_min_hours: int = 40
    objection_days: int = Field(7, description="异议期(天)")
    promotion_years: int = 2
    promotion_needs_certificate: bool = True
    promotion_results: int = 2


class SchemeOut(SchemeIn):
    county: OrgRef = Field(description="规则所属的县级总工会")
    saved: bool = Field(description="false：本县尚未设置，返回的是默认规则")

    @staticmethod
    def resolve_county(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_saved(obj):
        return obj.pk is not None


def _org_in_scope(user, pk: int, action: str):
    return get_in_scope_or_404(Org.objects.all(), user, MODULE, action, pk=pk)


@router.get(
    "/settings/{pk:id}",
    response={200: SchemeOut, **errors(403, 404)},
    summary="社工管理规则",
    description="该组织所在县的社工管理规则(评议权重、实绩指标与目标、分数线、奖励、晋档规则)；"
    "本县未设置时返回默认规则(saved 为 false)。",
)
def scheme_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.scheme_for(_org_in_scope(request.auth, id, Action.VIEW))


@router.put(
    "/settings/{pk:id}",
    response={200: SchemeOut, **errors(403, 404, 422)},
    summary="保存社工管理规则",
    description="与“社工管理规则”页面相同的校验：权重合计 100%、指标须为已登记的统计指标、"
    "分数线依次降低等，所有问题一次列出(422)，不写入任何内容；只能为县级总工会设置。",
)
def scheme_update(request, id: int, payload: SchemeIn):
    require(request.auth, MODULE, Action.EDIT)
    county = _org_in_scope(request.auth, id, Action.EDIT)
    values = payload.dict()
    values["targets"] = [dict(t) for t in values["targets"]]
    return services.scheme_save(actor=request.auth, county=county, **values)

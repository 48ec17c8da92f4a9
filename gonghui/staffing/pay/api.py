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
from gonghui.staffing.appraisals.models import AppraisalResult
from gonghui.staffing.pay import selectors
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

"""Plans API: /api/v1/plans — annual plans in scope and their targets with live progress."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.plans.targets import selectors
from gonghui.plans.targets.progress import PACE_RULE

router = Router(tags=["年度目标"])
MODULE = "plans"


class PlanOut(Schema):
    id: int
    year: int = Field(description="年度")
    title: str = Field(description="计划名称")
    source_document: str = Field(description="来源文件")
    org: OrgRef = Field(description="所属组织")

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class PlanPage(Schema):
    items: list[PlanOut]
    next_cursor: str | None


class TargetOut(Schema):
    id: int
    name: str = Field(description="目标名称")
    org: OrgRef = Field(description="责任组织")
    measure_code: str = Field(description="统计指标编码；空为手工填报")
    measure_registered: bool = Field(description="该指标是否已登记(未登记的显示为“指标未接入”)")
    comparator: str = Field(description="gte 不少于 / lte 不超过")
    basis: str = Field(description="period 统计期间内新增 / stock 截至统计日的总量")
    value: Decimal | None = Field(description="目标值")
    unit: str = Field(description="单位")
    starts_on: dt.date
    deadline: dt.date
    manual_status: str | None = Field(description="手工填报目标的完成情况")
    actual: Decimal | None = Field(description="当前值(来自统计指标)")
    reached: Decimal | None = Field(description="完成比例(%)，数量目标")
    elapsed: Decimal = Field(description="时间进度(%)")
    pace: str = Field(description="done/on_track/behind/at_risk/unknown/no_data/manual")
    pace_label: str
    shares: list["TargetOut"] = Field(description="分解到下级的目标")


class ProgressOut(Schema):
    plan: PlanOut
    as_of: dt.date
    rule: str = Field(description="进度判断规则")
    targets: list[TargetOut]


def _target(row) -> dict:
    t = row.target
    return {
        "id": t.pk,
        "name": t.name,
        "org": {"id": t.org_id, "name": t.org.name},
        "measure_code": t.measure_code,
        "measure_registered": row.measure is not None,
        "comparator": t.comparator,
        "basis": t.basis,
        "value": t.value,
        "unit": row.unit,
        "starts_on": t.starts_on,
        "deadline": t.deadline,
        "manual_status": t.manual_status if t.is_manual else None,
        "actual": row.progress.actual,
        "reached": row.progress.reached,
        "elapsed": row.progress.elapsed,
        "pace": row.progress.pace,
        "pace_label": row.progress.pace_label,
        "shares": [_target(s) for s in row.shares],
    }


@router.get("", response={200: PlanPage, **errors(403, 422)}, summary="年度计划列表")
def plan_list(request, page: Query[PageParams], year: int | None = None):
    require(request.auth, MODULE, Action.VIEW)
    plans = selectors.plans_visible(request.auth)
    if year is not None:
        plans = plans.filter(year=year)
    return paginate(plans, page)


@router.get(
    "/{pk:id}/progress",
    response={200: ProgressOut, **errors(403, 404, 422)},
    summary="计划目标进度",
    description="数据范围内的目标及其分解，当前值取自统计指标(每个指标一次查询)。as_of 缺省为今天。",
)
def plan_progress(request, id: int, as_of: dt.date | None = None):
    require(request.auth, MODULE, Action.VIEW)
    plan = selectors.plan_get(request.auth, id)
    as_of = as_of or timezone.localdate()
    rows = selectors.plan_progress(request.auth, plan, as_of=as_of)
    return {
        "plan": plan,
        "as_of": as_of,
        "rule": PACE_RULE,
        "targets": [_target(r) for r in rows],
    }

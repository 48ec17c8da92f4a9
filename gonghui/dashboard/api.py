"""Measures and dashboard API: /api/v1/measures (the metric registry: list, evaluate for an
org and period, scope-checked) and /api/v1/dashboard (the dashboard's figures)."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from gonghui.core import metrics
from gonghui.core.api import OrgRef, errors, require
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.dashboard import selectors
from gonghui.dashboard.figures import FigureCache
from gonghui.orgs.models import Org

measures_router = Router(tags=["统计指标"])
dashboard_router = Router(tags=["领导驾驶舱"])


class MeasureOut(Schema):
    code: str
    name: str
    unit: str
    module: str = Field(description="所属模块(查看它需要该模块的查看权限)")
    rule: str = Field(description="统计口径")
    is_ratio: bool


class FigureOut(Schema):
    value: int | float | None = Field(description="指标值(比率为百分数)")
    numerator: int | float = Field(description="分子(计数指标即其值)")
    denominator: int | float | None = Field(description="分母(仅比率)")


class EvaluationOut(Schema):
    measure: MeasureOut
    org: OrgRef
    start: dt.date | None
    end: dt.date
    figure: FigureOut


def _measure(m) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "unit": m.unit,
        "module": m.module,
        "rule": m.rule,
        "is_ratio": m.is_ratio,
    }


def _number(value):
    """JSON numbers: counts stay integers, rates and amounts become floats."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _figure(f) -> dict:
    return {
        "value": _number(f.value),
        "numerator": _number(f.numerator),
        "denominator": _number(f.denominator),
    }


@measures_router.get("", response={200: list[MeasureOut], **errors(403)}, summary="统计指标目录")
def measure_list(request):
    require(request.auth, "plans", Action.VIEW)
    return [_measure(m) for m in metrics.measures()]


@measures_router.get(
    "/{code}/evaluate",
    response={200: EvaluationOut, **errors(403, 404, 422)},
    summary="计算统计指标",
    description="某组织(含下级)在统计期间内的指标值；不传 start 为截至 end 的总量。"
    "组织不在该指标所属模块的查看范围内时返回 404。",
)
def measure_evaluate(
    request, code: str, org: int, end: dt.date | None = None, start: dt.date | None = None
):
    require(request.auth, "plans", Action.VIEW)
    try:
        measure = metrics.measure_get(code)
    except metrics.MetricError as exc:
        raise NotFound(str(exc)) from exc
    target = Org.objects.filter(pk=org).first()
    if target is None:
        raise NotFound()
    try:
        period = metrics.Period(start, end or timezone.localdate())
    except metrics.MetricError as exc:
        raise ValidationFailed(str(exc), fields={"end": [str(exc)]}) from exc
    figures = metrics.measure_evaluate(request.auth, code, orgs=[target], period=period)
    return {
        "measure": _measure(measure),
        "org": {"id": target.pk, "name": target.name},
        "start": period.start,
        "end": period.end,
        "figure": _figure(figures[target.pk]),
    }


class TileOut(Schema):
    code: str
    name: str
    group: str
    registered: bool = Field(description="false：指标所在模块尚未上线(待接入)")
    unit: str
    period: str = Field(description="state 截至统计日 / year 本年累计")
    figure: FigureOut | None


class RankOut(Schema):
    org: OrgRef
    value: int | float | None


class DashboardOut(Schema):
    org: OrgRef
    as_of: dt.date
    tiles: list[TileOut]
    compare: str | None = Field(description="下级对比的指标编码")
    ranking: list[RankOut]


@dashboard_router.get(
    "",
    response={200: DashboardOut, **errors(403, 404, 422)},
    summary="驾驶舱数据",
    description="本级(缺省为用户数据范围的顶层组织)的各项指标及下级排名，截至 as_of(缺省今天)。",
)
def dashboard(request, org: int | None = None, as_of: dt.date | None = None, compare: str = ""):
    require(request.auth, "plans", Action.VIEW)
    as_of = as_of or timezone.localdate()
    target = selectors.dashboard_org(request.auth, org)
    board = selectors.dashboard_build(
        request.auth, target, as_of=as_of, compare_code=compare, figures_cache=FigureCache()
    )
    return {
        "org": {"id": target.pk, "name": target.name},
        "as_of": as_of,
        "tiles": [
            {
                "code": t.tile.code,
                "name": t.name,
                "group": name,
                "registered": t.registered,
                "unit": t.measure.unit if t.measure else "",
                "period": t.tile.period,
                "figure": _figure(t.figure) if t.figure else None,
            }
            for _key, name, tiles in board.groups
            for t in tiles
        ]
        + [
            {
                "code": t.code,
                "name": t.title,
                "group": "待接入",
                "registered": False,
                "unit": "",
                "period": t.period,
                "figure": None,
            }
            for t in board.pending
        ],
        "compare": board.compare.code if board.compare else None,
        "ranking": [
            {"org": {"id": o.pk, "name": o.name}, "value": _number(f.value)}
            for o, f in board.ranking
        ],
    }

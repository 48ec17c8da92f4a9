"""API of the outreach statistics: /api/v1/outreach/stats (the page's figures)."""

from datetime import date

from ninja import Router, Schema

from gonghui.core.api import errors, require
from gonghui.core.modules import Action
from gonghui.outreach.stats import selectors

router = Router(tags=["服务职工进基层：统计"])
MODULE = "outreach"


class RowOut(Schema):
    org_id: int
    name: str
    own_only: bool
    values: dict[str, float]


class StatsOut(Schema):
    start: date | None
    end: date
    columns: dict[str, str]
    rows: list[RowOut]
    total: dict[str, float]
    funnel: list[tuple[str, int]]
    served: list[tuple[str, int]]


@router.get(
    "/stats",
    response={200: StatsOut, **errors(403, 422)},
    summary="服务职工进基层统计",
    description="按组织(数据范围的下一级)和期间：各项指标与指标目录中的 outreach.* 口径一致。"
    "year 为年度；或 start、end 为起止日期。",
)
def stats(request, year: int | None = None, start: date | None = None, end: date | None = None):
    require(request.auth, MODULE, Action.VIEW)
    period = selectors.period_of(year, start, end)
    result = selectors.outreach_stats(request.auth, period=period)
    return {
        "start": period.start,
        "end": period.end,
        "columns": dict(selectors.COLUMNS),
        "rows": [
            {
                "org_id": r.org_id,
                "name": r.name,
                "own_only": r.own_only,
                "values": {k: float(v) for k, v in r.values.items()},
            }
            for r in result.rows
        ],
        "total": {k: float(v) for k, v in result.total.values.items()},
        "funnel": result.funnel,
        "served": result.served,
    }

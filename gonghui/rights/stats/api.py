"""API of rights statistics: /api/v1/rights/stats?year=."""

from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from gonghui.core.api import errors, require
from gonghui.core.modules import Action
from gonghui.rights.shared import MODULE, today
from gonghui.rights.stats import selectors

router = Router(tags=["维权"])


class StatsQuery(Schema):
    year: int = Field(default_factory=lambda: today().year, ge=2000, le=2100)


class StatsRowOut(Schema):
    org_id: int = Field(description="乡镇(街道)组织 id；合计行为 0")
    name: str
    values: dict[str, Decimal | int | None] = Field(description="{指标编码: 数值}")


class StatsOut(Schema):
    year: int
    measures: dict[str, str] = Field(description="{指标编码: 表头}")
    rows: list[StatsRowOut]
    funnel: dict[str, Decimal | int]


@router.get(
    "/stats", response={200: StatsOut, **errors(403, 422)}, summary="维权统计(按乡镇、街道和年度)"
)
def stats(request, query: Query[StatsQuery]):
    require(request.auth, MODULE, Action.VIEW)
    headers, rows = selectors.stats_by_township(request.auth, query.year)
    codes = [code for code, _ in selectors.COLUMNS]
    funnel = selectors.notice_funnel(request.auth, query.year)
    funnel.pop("year")
    return {
        "year": query.year,
        "measures": dict(selectors.COLUMNS),
        "rows": [
            {"org_id": r.org_id, "name": r.name, "values": dict(zip(codes, r.values, strict=True))}
            for r in rows
        ],
        "funnel": funnel,
    }

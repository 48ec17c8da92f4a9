"""The workforce API (/api/v1/workforce/…): each sub-domain's router, and the statistics."""

from ninja import Router, Schema

from gonghui.core.api import errors, require
from gonghui.core.modules import Action
from gonghui.workforce import selectors
from gonghui.workforce.choices import MODULE
from gonghui.workforce.competitions.api import router as competitions_router
from gonghui.workforce.honours.api import router as honours_router
from gonghui.workforce.innovations.api import router as innovations_router
from gonghui.workforce.mentorships.api import router as mentorships_router
from gonghui.workforce.pioneers.api import router as nominations_router
from gonghui.workforce.pioneers.api import teams_router
from gonghui.workforce.studios.api import router as studios_router

router = Router()
router.add_router("/competitions", competitions_router)
router.add_router("/nominations", nominations_router)
router.add_router("", teams_router)
router.add_router("/studios", studios_router)
router.add_router("/mentorships", mentorships_router)
router.add_router("", innovations_router)
router.add_router("/honours", honours_router)

stats_router = Router(tags=["产业工人：统计"])


class OrgFigures(Schema):
    org: str
    values: dict[str, float | int | None]


class StatsOut(Schema):
    year: int
    rows: list[OrgFigures]


@stats_router.get(
    "",
    response={200: StatsOut, **errors(403, 422)},
    summary="产业工人统计(各组织)",
    description="各项均为统计指标(与年度目标所用一致)，按组织及其下级合计；最后一行为合计。",
)
def stats(request, year: int):
    require(request.auth, MODULE, Action.VIEW)
    headers, rows = selectors.org_table(request.auth, year)
    return {
        "year": year,
        "rows": [
            {
                "org": row.name,
                "values": {
                    h: (float(v) if v is not None else None)
                    for h, v in zip(headers, row.values, strict=True)
                },
            }
            for row in rows
        ],
    }


router.add_router("/stats", stats_router)

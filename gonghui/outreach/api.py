"""The outreach app's API router (/api/v1/outreach/…): each sub-domain's router."""

from ninja import Router

from gonghui.outreach.activities.api import router as activities
from gonghui.outreach.caravans.api import router as caravans
from gonghui.outreach.contests.api import router as contests
from gonghui.outreach.followups.api import router as followups
from gonghui.outreach.stats.api import router as stats
from gonghui.outreach.volunteers.api import router as volunteers

router = Router()
for sub in (caravans, followups, activities, contests, volunteers, stats):
    router.add_router("", sub)

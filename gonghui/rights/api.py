"""The rights app's API router (/api/v1/rights/…): each sub-domain's router."""

from ninja import Router

from gonghui.rights.bargaining.api import router as bargaining
from gonghui.rights.contracts.api import router as contracts
from gonghui.rights.employers.api import router as employers
from gonghui.rights.legalaid.api import router as legalaid
from gonghui.rights.reminders.api import router as reminders
from gonghui.rights.stats.api import router as stats
from gonghui.rights.supervision.api import router as supervision
from gonghui.rights.wagechecks.api import router as wagechecks

router = Router(tags=["维权"])
for sub in (employers, contracts, bargaining, wagechecks, legalaid, supervision, reminders, stats):
    router.add_router("", sub)

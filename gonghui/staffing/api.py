"""Staff API for social workers and their appraisals: /api/v1/staffing (each sub-domain's
router: people/api.py for the worker records and posts, appraisals/api.py for appraisals and
ratings, pay/api.py for the monthly pay sheet and the promotion list).

Reads go through the sub-domains' selectors (scoped), writes through their services. Phones
are always masked. Worker ratings appear only as a group's count (and, once published, the
mean of ANONYMOUS_MIN ratings or more): the API holds nothing that could name who gave them.
"""

from ninja import Router

from gonghui.staffing.appraisals.api import router as appraisals_router
from gonghui.staffing.pay.api import router as pay_router
from gonghui.staffing.people.api import router as people_router

router = Router()
router.add_router("", people_router)
router.add_router("", appraisals_router)
router.add_router("", pay_router)

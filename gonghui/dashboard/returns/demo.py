"""Demo: the county's annual return in progress (pre-filled, some items entered by hand, one
logic check failing) and last year's submitted, frozen return."""

from django.utils import timezone

from gonghui.dashboard.returns.models import AnnualReturn
from gonghui.dashboard.returns.services import return_create, return_manual_set, return_submit
from gonghui.orgs.models import Org

COUNTY_CODE = "339901"


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "skipped: the demo county is missing"
    year = timezone.localdate().year
    if AnnualReturn.objects.filter(org=county).exists():
        return "returns exist"
    last = return_create(actor=None, org=county, year=year - 1)
    entries = {code: 0 for code, source in last.sources.items() if source != "measure"}
    entries.update({"S1": 12, "S2": 35, "W1": 0})
    last = return_manual_set(actor=None, annual=last, entries=entries)
    return_submit(actor=None, annual=last)
    current = return_create(actor=None, org=county, year=year)
    u2 = current.values.get("U2") or 0
    # 职代会 units entered above the units with a union: the check K6 fails until corrected.
    return_manual_set(actor=None, annual=current, entries={"S1": 12, "S2": 36, "W1": u2 + 9})
    return f"2 returns ({year - 1} submitted, {year} in progress)"

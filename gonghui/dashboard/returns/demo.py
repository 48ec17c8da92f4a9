"""Demo: the county's annual return in progress (pre-filled; the 基层工会调查表 issued to the
grassroots unions, most submitted, some still being filled, a few failing a check) and last
year's submitted, frozen return."""

from django.utils import timezone

from gonghui.dashboard.returns.items import run_checks
from gonghui.dashboard.returns.models import AnnualReturn, ReturnStatus
from gonghui.dashboard.returns.services import (
    return_create,
    return_manual_set,
    return_refresh,
    return_submit,
    returns_issue,
)
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
    entries = {code: 0 for code, source in last.sources.items() if source in ("manual", "pending")}
    entries.update({"S1": 12, "S2": 35, "W1": 0})
    last = return_manual_set(actor=None, annual=last, entries=entries)
    return_submit(actor=None, annual=last)
    current = return_create(actor=None, org=county, year=year)
    return_manual_set(actor=None, annual=current, entries={"S1": 12, "S2": 36})
    issued = returns_issue(actor=None, annual=current)
    tables = list(
        AnnualReturn.objects.filter(year=year, status=ReturnStatus.DRAFT)
        .exclude(pk=current.pk)
        .select_related("org")
        .order_by("org__path")
    )
    submitted = 0
    for n, table in enumerate(tables):
        if n % 5 == 4:
            continue  # still being filled: its gap list shows what is missing
        u2 = table.values.get("U2") or 0
        open_items = {
            code: 0 for code, source in table.sources.items() if source in ("manual", "pending")
        }
        if n % 17 == 3:
            # 职代会 units entered above the units with a union: check K6 fails until fixed.
            return_manual_set(actor=None, annual=table, entries={**open_items, "W1": u2 + 1})
            continue
        table = return_manual_set(
            actor=None, annual=table, entries={**open_items, "W1": min(u2, 1)}
        )
        if run_checks(table.values):
            continue  # its own records break a check (more members than workers on file)
        return_submit(actor=None, annual=table)
        submitted += 1
    return_refresh(actor=None, annual=current)
    return (
        f"2 returns ({year - 1} submitted, {year} in progress); "
        f"{issued} grassroots tables issued, {submitted} submitted"
    )

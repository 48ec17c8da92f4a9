"""Demo data of the rights module (`gonghui seed-demo` runs `seed`): each sub-domain's seeder
over the demo county, then the daily reminder run so the to-dos show. Deterministic for a seed
(dates are relative to the day it runs); idempotent: a county that has its season is done."""

import random

from django.db import transaction

from gonghui.orgs.models import Org, OrgLevel
from gonghui.rights.bargaining.demo import seed_bargaining
from gonghui.rights.bargaining.models import OfferSeason
from gonghui.rights.contracts.demo import seed_contracts
from gonghui.rights.legalaid.demo import seed_legalaid
from gonghui.rights.reminders.services import reminders_run
from gonghui.rights.shared import today
from gonghui.rights.supervision.demo import seed_supervision
from gonghui.rights.wagechecks.demo import seed_wagechecks

COUNTY_CODE = "339901"


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE, level=OrgLevel.COUNTY).first()
    if county is None:
        return "no demo county; rights not seeded"
    if OfferSeason.objects.filter(org=county).exists():
        return "rights already seeded (+0)"
    rng = random.Random(seed + 170)
    on = today()
    with transaction.atomic():
        contracts = seed_contracts(county=county, today=on, rng=rng)
        offers = seed_bargaining(county=county, today=on, rng=rng)
        findings = seed_wagechecks(county=county, today=on, rng=rng)
        inspections = seed_supervision(county=county, today=on, rng=rng)
        cases = seed_legalaid(county=county, today=on, rng=rng, seed=seed)
        run = reminders_run(on=on, trigger="demo")
    return (
        f"{contracts} contracts, {offers} season offers, {findings} findings, "
        f"{inspections} inspections, {cases} legal-aid cases, {run.opened} reminders"
    )

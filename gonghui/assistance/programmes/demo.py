"""Demo programmes of every kind for 2026 with budgets, grants in every state, and quarterly
visits (visits/demo.py; some households left unvisited, so overdue lists have content).
Idempotent: a second run finds the programmes and adds nothing. Runs after the archives' seeder.

Grants go through the services (the budget and double-payment rules hold for demo data too).
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from gonghui.assistance.archives.demo import COUNTY_CODE, TODAY
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import Grant, HardshipArchive, Programme
from gonghui.assistance.programmes import services
from gonghui.assistance.programmes.models import GrantStatus
from gonghui.assistance.visits.demo import visits_seed
from gonghui.core.errors import ServiceError
from gonghui.orgs.models import Org, OrgLevel

YEAR = TODAY.year
D = datetime.date
PLAN = [
    # kind, name, budget, owner ("county" / "township"), period
    ("warmth", "2026 年元旦春节送温暖", "120000", "county", (D(YEAR, 1, 1), D(YEAR, 2, 28))),
    ("schooling", "2026 年金秋助学", "150000", "county", (D(YEAR, 6, 1), D(YEAR, 9, 30))),
    ("medical", "2026 年大病医疗救助", "200000", "county", (D(YEAR, 1, 1), D(YEAR, 12, 31))),
    ("living", "2026 年生活救助", "40000", "township", (D(YEAR, 1, 1), D(YEAR, 12, 31))),
    ("employment", "2026 年就业援助", "30000", "county", (D(YEAR, 3, 1), D(YEAR, 12, 31))),
    ("custom", "2026 年夏季送清凉", "20000", "county", (D(YEAR, 6, 1), D(YEAR, 8, 31))),
]


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE, level=OrgLevel.COUNTY).first()
    if county is None:
        return "no demo county; 0 programmes"
    existing = Programme.objects.filter(org__path__startswith=county.path, year=YEAR).count()
    if existing:
        return f"{existing} programmes (+0)"
    households = list(
        HardshipArchive.objects.filter(
            org__path__startswith=county.path, status=ArchiveStatus.ARCHIVED
        )
        .select_related("org")
        .prefetch_related("household_members")
        .order_by("id")
    )
    if not households:
        return "no archived households; 0 programmes"
    rng = random.Random(seed + 41)
    townships = list(
        Org.objects.filter(path__startswith=county.path, level=OrgLevel.TOWNSHIP).order_by("code")
    )
    with transaction.atomic():
        made, counts = _programmes(county, townships, households, rng)
        visits = visits_seed(households, rng)
    states = ", ".join(f"{GrantStatus(s).label} {n}" for s, n in sorted(counts.items()))
    return f"{len(made)} programmes (+{len(made)}), grants: {states}; {visits} visits"


def _programmes(county, townships, households, rng):
    made, counts = [], {}
    for kind, name, budget, owner, (start, end) in PLAN:
        org = townships[0] if owner == "township" and townships else county
        programme = services.programme_create(
            actor=None,
            org=org,
            kind=kind,
            name=name,
            year=YEAR,
            starts_on=start,
            ends_on=end,
            budget=Decimal(budget),
        )
        if org == county:
            for township in townships[:2]:
                services.budget_allocate(
                    actor=None, programme=programme, org=township, amount=Decimal(budget) / 5
                )
        made.append(programme)
        pool = [h for h in households if h.org.path.startswith(org.path)]
        rng.shuffle(pool)
        for state, _grant in _grants_for(programme, pool[:40], start, rng):
            counts[state] = counts.get(state, 0) + 1
    return made, counts


def _grants_for(programme, pool, start, rng):
    """Propose for the pool, then walk the grants into every state (within budget)."""
    proposed_on = min(start + datetime.timedelta(days=5), TODAY)
    created = []
    for household in pool:
        need = Decimal(rng.randrange(4000, 40000, 500)) if programme.kind == "medical" else None
        try:
            created += services.grants_propose(
                actor=None,
                programme=programme,
                selections=[(household.pk, None)],
                need_amount=need,
                on=proposed_on,
            )
        except ServiceError:
            continue  # not eligible for this programme's rule
    approved_on = min(proposed_on + datetime.timedelta(days=7), TODAY)
    paid_on = min(approved_on + datetime.timedelta(days=10), TODAY)
    for n, grant in enumerate(created):
        state = ("disbursed", "disbursed", "approved", "proposed", "cancelled")[n % 5]
        if state in ("approved", "disbursed"):
            try:
                services.grants_approve(actor=None, grant_ids=[grant.pk], on=approved_on)
            except ServiceError:
                yield GrantStatus.PROPOSED, grant  # the budget ran out: stays pending
                continue
            if state == "disbursed":
                grant.refresh_from_db()
                method = "bank" if grant.archive.bank_account and n % 3 else "cash"
                services.grant_disburse(
                    actor=None,
                    grant=grant,
                    method=method,
                    on=paid_on,
                    handled_by="" if method == "bank" else grant.archive.name,
                )
        elif state == "cancelled":
            services.grant_cancel(actor=None, grant=grant, reason="家庭情况变化，经核实不再发放")
        yield Grant.objects.get(pk=grant.pk).status, grant

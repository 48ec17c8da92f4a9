"""The statistics page (and its .xlsx) agrees with the registered measures
(gonghui/workforce/metrics.py): its per-org table and every breakdown (by level, trade, studio level, 五小 category) add up
to the measure of the same thing, on records chosen to sit on the edges of each rule (held
or not, upper level, waiting and withdrawn entrants, revoked titles, last year's records,
a result submitted last year and awarded this year)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core.metrics import Period, measure_evaluate
from gonghui.core.testing.matrix import xlsx_text
from gonghui.testing.fixtures import make_user
from gonghui.workforce.competitions.models import CompetitionKind, CompetitionStatus, EntryStatus
from gonghui.workforce.honours.models import Honour, HonourKind
from gonghui.workforce.innovations.models import InnovationStatus, SmallInnovation
from gonghui.workforce.selectors import ORG_MEASURES
from gonghui.workforce.studios.models import InnovationStudio, StudioLevel, StudioStatus
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
THIS_YEAR = datetime.date(YEAR, 1, 1)
LAST_YEAR = datetime.date(YEAR - 1, 6, 1)


def _records(tree):
    welding, electric = f.trade("焊工"), f.trade("电工")
    a1, b1 = f.member(tree.a1), f.member(tree.b1)
    county = f.competition(
        tree.county, trades=[welding, electric], starts_on=THIS_YEAR, ends_on=THIS_YEAR
    )
    f.entry(county, a1, trade_=welding)
    f.entry(county, b1, trade_=electric)
    f.entry(county, f.member(tree.a1), trade_=welding, status=EntryStatus.WAITING)
    f.entry(county, f.member(tree.b1), trade_=welding, status=EntryStatus.WITHDRAWN)
    township = f.competition(
        tree.a,
        status=CompetitionStatus.SUMMARY,
        kind=CompetitionKind.LABOUR,
        level="township",
        starts_on=THIS_YEAR,
        ends_on=THIS_YEAR,
    )
    f.entry(township, a1)
    upper = f.competition(tree.county, level="city", starts_on=THIS_YEAR, ends_on=THIS_YEAR)
    f.entry(upper, b1)
    planned = f.competition(tree.a, status=CompetitionStatus.PLAN, starts_on=THIS_YEAR)
    f.entry(planned, f.member(tree.a1))
    old = f.competition(tree.b, starts_on=LAST_YEAR, ends_on=LAST_YEAR)
    f.entry(old, f.member(tree.b1))
    for person, trade, revoked, day in (
        (a1, welding, False, THIS_YEAR),
        (a1, None, False, THIS_YEAR),
        (b1, electric, True, THIS_YEAR),
        (b1, electric, False, LAST_YEAR),
    ):
        Honour.objects.create(
            org=person.org,
            member=person,
            kind=HonourKind.TITLE,
            name="技术能手",
            level="county",
            year=day.year,
            awarded_on=day,
            trade=trade,
            revoked=revoked,
        )
    host = f.enterprise(tree.a1)
    for org, level, status, named_on in (
        (tree.a1, StudioLevel.COUNTY, StudioStatus.NAMED, THIS_YEAR),
        (tree.b1, StudioLevel.CITY, StudioStatus.NAMED, LAST_YEAR),
        (tree.b1, StudioLevel.ENTERPRISE, StudioStatus.NAMED, THIS_YEAR),
        (tree.a1, StudioLevel.COUNTY, StudioStatus.REVOKED, LAST_YEAR),
        (tree.a1, StudioLevel.NONE, StudioStatus.APPLYING, None),
    ):
        InnovationStudio.objects.create(
            org=org,
            name=f"工作室{org.pk}{level}",
            kind="staff",
            lead=a1,
            host=host,
            level=level,
            status=status,
            founded_on=LAST_YEAR,
            named_on=named_on,
        )
    for person, category, benefit, awarded_on, submitted in (
        (a1, "invention", "1000", THIS_YEAR, None),
        (a1, "renovation", "200", THIS_YEAR, LAST_YEAR),  # submitted last year, awarded now
        (b1, "renovation", "500.50", None, None),
    ):
        item = SmallInnovation.objects.create(
            org=person.org,
            member=person,
            category=category,
            title="成果",
            year=YEAR,
            description="说明",
            claimed_benefit=Decimal(benefit),
            channel="staff",
            status=InnovationStatus.AWARDED if awarded_on else InnovationStatus.SUBMITTED,
            award="first" if awarded_on else "",
            decided_on=awarded_on,
        )
        if submitted:
            moved = timezone.make_aware(datetime.datetime.combine(submitted, datetime.time(9)))
            SmallInnovation.objects.filter(pk=item.pk).update(submitted_at=moved)


def _measure(user, org, code, period=None):
    return measure_evaluate(user, code, orgs=[org], period=period or Period.year(YEAR))[
        org.pk
    ].value


def test_every_figure_of_the_statistics_page_agrees_with_its_measure(client, tree):
    _records(tree)
    user = make_user("stats_admin", "county_admin", tree.county)
    client.force_login(user)
    stats = client.get(f"/workforce/stats/?year={YEAR}").context["stats"]

    def measure(code, org=tree.county, period=None):
        return _measure(user, org, code, period)

    # The per-org table: every column is its measure, for the total and for each township.
    rows = {row.name: row for row in stats.rows}
    codes = [code for code, _label in ORG_MEASURES]
    assert rows["合计"].values == [measure(code) for code in codes]
    for township in (tree.a, tree.b):
        assert rows[township.name].values == [measure(code, township) for code in codes]
    # The .xlsx of the page carries the same figures.
    sheet = xlsx_text(client.get(f"/workforce/stats/export/?year={YEAR}"))
    total_line = next(line for line in sheet.splitlines() if line.startswith("合计"))
    exported = [Decimal(cell) for cell in total_line.split("\t")[1:]]
    assert exported == [Decimal(str(value)) for value in rows["合计"].values]
    # The edges above were counted as the rules say (not vacuously equal).
    held, entrants = (
        measure("workforce.competitions.held"),
        measure("workforce.competitions.entrants"),
    )
    assert (held, entrants, measure("workforce.competitions.titles")) == (2, 4, 2)

    assert sum(r["held"] for r in stats.by_level) == held
    assert sum(r["entrants"] for r in stats.by_level) == entrants
    assert sum(r["entrants"] for r in stats.by_trade) == entrants
    assert sum(r["titles"] for r in stats.by_trade) == measure("workforce.competitions.titles")

    year_end = Period.as_of(datetime.date(YEAR, 12, 31))
    named = {r["code"]: r["named"] for r in stats.studios_by_level}
    assert sum(named.values()) == measure("workforce.studios.named", period=year_end) == 3
    county_up = sum(named[level] for level in ("county", "city", "province", "national"))
    assert county_up == measure("workforce.studios.county_or_above", period=year_end) == 2

    categories = stats.innovations_by_category
    assert sum(r["n"] for r in categories) == measure("workforce.innovations.submitted") == 2
    assert sum(r["benefit"] for r in categories) == measure("workforce.innovations.benefit")
    assert sum(r["awarded"] for r in categories) == measure("workforce.innovations.awarded") == 2

"""Builders for workforce tests and matrix setups (outside any fixture)."""

import datetime
import itertools
from decimal import Decimal

from gonghui.members.tests.factories import build_member
from gonghui.testing.fixtures import build_enterprise
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.competitions.models import (
    Competition,
    CompetitionKind,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Score,
    Title,
    TitleRule,
    Trade,
)

_n = itertools.count(1)
TODAY = datetime.date.today()


def trade(name: str = "焊工") -> Trade:
    return Trade.objects.get_or_create(name=name)[0]


def title(name: str = "技术能手") -> Title:
    return Title.objects.get_or_create(name=name)[0]


def member(org, **overrides):
    n = next(_n)
    overrides.setdefault("name", f"选手{n}")
    overrides.setdefault("phone", f"139{n:08d}")
    return build_member(org=org, **overrides)


def enterprise(org, **overrides):
    return build_enterprise(org=org, **overrides)


def covered_enterprise(org, **overrides):
    """An employer with a filed collective contract in force (the rights module's pre-check
    for nominations passes)."""
    from django.utils import timezone

    from gonghui.rights.tests.factories import contract

    employer = build_enterprise(org=org, **overrides)
    signed = timezone.localdate() - datetime.timedelta(days=90)
    contract(employer, signed_on=signed, filed_on=signed + datetime.timedelta(days=3))
    return employer


def competition(
    org,
    *,
    status: str = CompetitionStatus.RUNNING,
    trades=None,
    titles=(),
    county=None,
    **fields,
) -> Competition:
    """A competition saved directly in `status` (tests of the lifecycle use the services)."""
    n = next(_n)
    data = dict(
        name=f"测试竞赛{n}",
        kind=CompetitionKind.SKILLS,
        level=ContestLevel.COUNTY,
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=10),
        registration_from=TODAY - datetime.timedelta(days=10),
        registration_until=TODAY + datetime.timedelta(days=5),
        theory_weight=40,
        practical_weight=60,
        rounds=1,
    )
    data.update(fields)
    from gonghui.workforce.county import county_of

    comp = Competition(
        org=org,
        county=county if county is not None else county_of(org),
        year=data["starts_on"].year,
        code=f"T{n:08d}",
        status=status,
        **data,
    )
    comp.save()
    comp.trades.set(trades if trades is not None else [trade()])
    comp.titles.set(titles)
    return comp


def entry(comp, person, *, trade_=None, status=EntryStatus.REGISTERED) -> Entry:
    return Entry.objects.create(
        org=person.org,
        competition=comp,
        trade=trade_ or comp.trades.first(),
        member=person,
        employer_id=person.employer_id,
        channel="staff",
        status=status,
    )


def score(entry_, round_=1, theory=None, practical=None, absent=False) -> Score:
    return Score.objects.create(
        entry=entry_,
        round=round_,
        theory=None if theory is None else Decimal(str(theory)),
        practical=None if practical is None else Decimal(str(practical)),
        absent=absent,
    )


def rule(
    county,
    *,
    level=ContestLevel.COUNTY,
    rank_to=3,
    rank_from=1,
    title_=None,
    grade_steps=0,
    **extra,
):
    return TitleRule.objects.create(
        org=county,
        level=level,
        rank_from=rank_from,
        rank_to=rank_to,
        title=title_,
        grade_steps=grade_steps,
        **extra,
    )

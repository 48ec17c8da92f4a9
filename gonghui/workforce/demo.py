"""Demo data of the workforce module for the demo county (`gonghui seed-demo`): a year of
competitions with results, nominations in each step, 优秀班组 and team trainings, studios,
330 mentor pairs, 五小 results and suggestions, recorded honours. Dates run up to the day it
is seeded (so that registration is open on the portal now); the rest is deterministic for a
seed. Idempotent: a second run finds the demo county's competitions and adds nothing.

Every person is a demo member (synthetic ID numbers of a county that does not exist)."""

import random

from django.db import transaction
from django.utils import timezone

from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org, OrgLevel, OrgStatus, township_q
from gonghui.workforce.competitions import demo as competitions_demo
from gonghui.workforce.competitions.models import Competition, CompetitionStatus, Entry
from gonghui.workforce.honours import demo as honours_demo
from gonghui.workforce.innovations import demo as innovations_demo
from gonghui.workforce.mentorships import demo as mentorships_demo
from gonghui.workforce.pioneers import demo as pioneers_demo
from gonghui.workforce.studios import demo as studios_demo

COUNTY_CODE = "339901"


def portal_demo_member(county) -> Member | None:
    """The member the README points to for the portal: a county champion with a phone."""
    entry = (
        Entry.objects.filter(
            competition__county=county,
            competition__status=CompetitionStatus.COMMENDED,
            competition__level="county",
            rank=1,
        )
        .exclude(member__phone_hash="")
        .select_related("member")
        .order_by("competition__starts_on", "pk")
        .first()
    )
    return entry.member if entry is not None else None


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE, level=OrgLevel.COUNTY).first()
    if county is None:
        return "no demo county; 0 competitions"
    existing = Competition.objects.filter(county=county).count()
    if existing:
        return f"{existing} competitions (+0)"
    rng = random.Random(seed)
    today = timezone.localdate()
    townships = list(
        Org.objects.filter(township_q(), parent=county, status=OrgStatus.ACTIVE).order_by("code")
    )
    members = list(
        Member.objects.filter(org__path__startswith=county.path, status=MemberStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "org_id", "org__path", "employer_id")
    )
    if len(members) < 400 or not townships:
        return "too few demo members; 0 competitions"
    context = dict(rng=rng, county=county, townships=townships, members=members, today=today)
    with transaction.atomic():
        competitions = competitions_demo.seed(**context)
        pioneers = pioneers_demo.seed(**context)
        studios = studios_demo.seed(**context)
        mentorships = mentorships_demo.seed(**context)
        innovations = innovations_demo.seed(**context)
        champion = portal_demo_member(county)
        honours = honours_demo.seed(**context, people=[champion.pk] if champion is not None else ())
    summary = (
        f"{competitions['competitions']} competitions (+{competitions['competitions']}), "
        f"{competitions['entries']} entries, {pioneers['nominations']} nominations, "
        f"{pioneers['excellent']} excellent teams, {pioneers['trainings']} trainings, "
        f"{studios['studios']} studios, {mentorships['pairs']} mentor pairs "
        f"({mentorships['rewards']} rewards), {innovations['innovations']} 五小, "
        f"{innovations['suggestions']} suggestions, {honours['recorded']} recorded honours"
    )
    if champion is not None:
        summary += (
            f"; portal demo member {champion.name}: ID {champion.id_number}, phone {champion.phone}"
        )
    return summary

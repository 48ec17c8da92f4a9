"""The workforce demo data: every part in every state (a year of competitions with results,
nominations in each step including approved and revoked ones, studios, ≥ 300 mentor pairs,
五小 and suggestions, honours of every kind), idempotent, and the portal's demo member.

Seeding takes a while, so one test seeds once (twice, for idempotence) and checks everything
after, with 600 demo members instead of 20,000 (enough for every part, as in
core/tests/test_page_queries.py)."""

from gonghui.accounts.demo import seed as seed_accounts
from gonghui.members import demo as members_demo
from gonghui.orgs.demo import seed as seed_orgs
from gonghui.orgs.models import Org
from gonghui.rights.demo import seed as seed_rights
from gonghui.workforce import demo
from gonghui.workforce.choices import AppraisalResult
from gonghui.workforce.competitions.models import (
    Award,
    Competition,
    CompetitionKind,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Score,
)
from gonghui.workforce.honours.models import Honour, HonourKind
from gonghui.workforce.innovations.models import (
    InnovationStatus,
    SmallInnovation,
    Suggestion,
    SuggestionStatus,
)
from gonghui.workforce.mentorships.models import MentorReward, Mentorship, MentorshipStatus
from gonghui.workforce.pioneers.models import (
    ExcellentTeam,
    ExcellentTeamStatus,
    Nomination,
    NominationKind,
    NominationStatus,
    TeamTraining,
)
from gonghui.workforce.studios.models import InnovationStudio, StudioStatus


def _values(model, field: str, **filters) -> set:
    return set(model.objects.filter(**filters).values_list(field, flat=True))


def test_workforce_demo_has_every_state_and_adds_nothing_the_second_time(db, monkeypatch):
    # given the demo county, its users (the 五小 panel), members and the rights records the
    # nomination pre-checks read
    monkeypatch.setattr(members_demo, "TARGET", 600)
    seed_orgs(seed=2026)
    seed_accounts(seed=2026)
    members_demo.seed(seed=2026)
    seed_rights(seed=2026)
    # when the workforce seeder runs twice
    first = demo.seed(seed=2026)
    counts = [m.objects.count() for m in (Competition, Entry, Nomination, Mentorship, Honour)]
    second = demo.seed(seed=2026)
    # then the second run adds nothing
    assert second.endswith("(+0)")
    assert counts == [
        m.objects.count() for m in (Competition, Entry, Nomination, Mentorship, Honour)
    ]
    # and every lifecycle state is present
    assert _values(Competition, "status") == set(CompetitionStatus.values)
    assert _values(Competition, "kind") == set(CompetitionKind.values)
    assert _values(Entry, "status") == set(EntryStatus.values)
    assert _values(Nomination, "status") == set(NominationStatus.values)
    approved = Nomination.objects.filter(
        kind=NominationKind.PIONEER, status=NominationStatus.APPROVED
    )
    assert approved.exists()
    assert Honour.objects.filter(nomination__in=approved, revoked=False).count() == approved.count()
    assert Honour.objects.filter(nomination__status=NominationStatus.REVOKED, revoked=True).exists()
    assert _values(ExcellentTeam, "status") == set(ExcellentTeamStatus.values)
    assert _values(InnovationStudio, "status") == set(StudioStatus.values)
    assert _values(Mentorship, "status") == set(MentorshipStatus.values)
    assert _values(Mentorship, "result", status=MentorshipStatus.COMPLETED) == set(
        AppraisalResult.values
    )
    assert _values(SmallInnovation, "status") == set(InnovationStatus.values)
    assert _values(Suggestion, "status") == set(SuggestionStatus.values)
    # every kind of honour (a grade promotion rides on its title's line: the demo rules
    # confer both, so no grade-only line)
    assert _values(Honour, "kind") == set(HonourKind.values) - {HonourKind.GRADE}
    assert Honour.objects.filter(kind=HonourKind.TITLE, grade_steps__gt=0).exists()
    # and the year's volume the issue asks for: results, ranks, titles, pairs, trainings
    published = Entry.objects.filter(
        competition__status__in=(CompetitionStatus.SUMMARY, CompetitionStatus.COMMENDED),
        status=EntryStatus.REGISTERED,
    )
    assert published.filter(rank=1).exists() and Score.objects.exists()
    assert Award.objects.filter(title__isnull=False).exists()
    assert Mentorship.objects.count() >= 300 and MentorReward.objects.exists()
    assert TeamTraining.objects.count() >= 30
    assert ExcellentTeam.objects.filter(status=ExcellentTeamStatus.SELECTED).count() == 60
    # and the portal's demo member (named in the summary) can identify: phone on record
    champion = demo.portal_demo_member(Org.objects.get(code=demo.COUNTY_CODE))
    assert champion is not None and champion.phone
    assert f"ID {champion.id_number}, phone {champion.phone}" in first
    assert Honour.objects.filter(member=champion, revoked=False).exists()

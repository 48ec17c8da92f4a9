"""Ranks and title rules on hand-made results, at every boundary (the set-based pass)."""

import datetime
from decimal import Decimal

import pytest

from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.competitions.models import (
    Award,
    CompetitionStatus,
    ContestClass,
    Entry,
    EntryStatus,
)
from gonghui.workforce.competitions.ranking import results_recompute
from gonghui.workforce.honours.models import Honour, HonourKind
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db


def _ranks(comp) -> dict[str, tuple]:
    return {
        e.member.name: (e.total, e.rank)
        for e in Entry.objects.filter(competition=comp).select_related("member")
    }


def _people(org, *names):
    return [f.member(org, name=name) for name in names]


def test_weighted_total_and_a_tie_shares_the_rank_and_skips_the_next(tree):
    # Given theory 40% / practical 60% and four entrants, two with equal totals
    comp = f.competition(tree.county)
    a, b, c, d = _people(tree.a1, "甲", "乙", "丙", "丁")
    f.score(f.entry(comp, a), theory=90, practical=95)  # 36 + 57 = 93
    f.score(f.entry(comp, b), theory=80, practical=90)  # 32 + 54 = 86
    f.score(f.entry(comp, c), theory=95, practical=83.33)  # 38 + 49.998 → 88.00
    f.score(f.entry(comp, d), theory=70, practical=100)  # 28 + 60 = 88
    # When the pass runs
    results_recompute([comp.pk])
    # Then ranks are 1, 2, 2, 4 with the weighted totals (rounded to 2 places)
    assert _ranks(comp) == {
        "甲": (Decimal("93.00"), 1),
        "丙": (Decimal("88.00"), 2),
        "丁": (Decimal("88.00"), 2),
        "乙": (Decimal("86.00"), 4),
    }


def test_three_way_tie_at_the_top_then_the_fourth_is_fourth(tree):
    comp = f.competition(tree.county, theory_weight=100, practical_weight=0)
    people = _people(tree.a1, "一", "二", "三", "四")
    for person, points in zip(people, (80, 80, 80, 79.99), strict=True):
        f.score(f.entry(comp, person), theory=points)
    results_recompute([comp.pk])
    assert [r for _t, r in _ranks(comp).values()] == [1, 1, 1, 4]


def test_ranks_are_per_trade(tree):
    welder, fitter = f.trade("焊工"), f.trade("钳工")
    comp = f.competition(
        tree.county, trades=[welder, fitter], theory_weight=100, practical_weight=0
    )
    a, b, c = _people(tree.a1, "焊一", "焊二", "钳一")
    f.score(f.entry(comp, a, trade_=welder), theory=60)
    f.score(f.entry(comp, b, trade_=welder), theory=70)
    f.score(f.entry(comp, c, trade_=fitter), theory=50)
    results_recompute([comp.pk])
    ranks = {k: r for k, (_t, r) in _ranks(comp).items()}
    assert ranks == {"焊二": 1, "焊一": 2, "钳一": 1}


def test_rounds_add_up_and_equal_totals_across_rounds_tie(tree):
    # Given two rounds summed: 50 + 40 and 40 + 50 are equal
    comp = f.competition(tree.county, rounds=2, theory_weight=100, practical_weight=0)
    a, b, c = _people(tree.a1, "甲", "乙", "丙")
    ea, eb, ec = f.entry(comp, a), f.entry(comp, b), f.entry(comp, c)
    f.score(ea, 1, theory=50)
    f.score(ea, 2, theory=40)
    f.score(eb, 1, theory=40)
    f.score(eb, 2, theory=50)
    f.score(ec, 1, theory=45)
    f.score(ec, 2, theory=44)
    results_recompute([comp.pk])
    assert _ranks(comp) == {
        "甲": (Decimal("90.00"), 1),
        "乙": (Decimal("90.00"), 1),
        "丙": (Decimal("89.00"), 3),
    }


def test_a_missing_round_excludes_from_the_ranking_by_default(tree):
    comp = f.competition(tree.county, rounds=2, theory_weight=100, practical_weight=0)
    a, b, c, d = _people(tree.a1, "全", "缺", "弃", "空")
    ea, eb, ec, _ed = f.entry(comp, a), f.entry(comp, b), f.entry(comp, c), f.entry(comp, d)
    f.score(ea, 1, theory=50)
    f.score(ea, 2, theory=50)
    f.score(eb, 1, theory=99)  # no second round
    f.score(ec, 1, theory=99)
    f.score(ec, 2, absent=True)  # marked absent
    results_recompute([comp.pk])
    ranks = _ranks(comp)
    assert ranks["全"] == (Decimal("100.00"), 1)
    assert ranks["缺"] == (None, None)
    assert ranks["弃"] == (None, None)
    assert ranks["空"] == (None, None)
    assert Entry.objects.get(member=b).rounds_scored == 1


def test_a_missing_round_counts_zero_when_the_competition_says_so(tree):
    comp = f.competition(
        tree.county, rounds=2, theory_weight=100, practical_weight=0, missing_round="zero"
    )
    a, b, c = _people(tree.a1, "全", "缺", "空")
    ea, eb, _ec = f.entry(comp, a), f.entry(comp, b), f.entry(comp, c)
    f.score(ea, 1, theory=50)
    f.score(ea, 2, theory=40)
    f.score(eb, 1, theory=95)
    results_recompute([comp.pk])
    ranks = _ranks(comp)
    assert ranks["缺"] == (Decimal("95.00"), 1)
    assert ranks["全"] == (Decimal("90.00"), 2)
    assert ranks["空"] == (None, None)  # no complete round at all: never ranked


def test_an_incomplete_round_is_a_missing_round(tree):
    # Given practical counts 60% but only theory was entered
    comp = f.competition(tree.county)
    a, b = _people(tree.a1, "全", "半")
    f.score(f.entry(comp, a), theory=10, practical=10)
    f.score(f.entry(comp, b), theory=100)
    results_recompute([comp.pk])
    assert _ranks(comp) == {"全": (Decimal("10.00"), 1), "半": (None, None)}


def test_last_round_rule_ranks_by_the_final_only(tree):
    comp = f.competition(
        tree.county, rounds=2, theory_weight=100, practical_weight=0, round_rule="last"
    )
    a, b, c = _people(tree.a1, "初赛高", "决赛高", "未进决赛")
    ea, eb, ec = f.entry(comp, a), f.entry(comp, b), f.entry(comp, c)
    f.score(ea, 1, theory=99)
    f.score(ea, 2, theory=70)
    f.score(eb, 1, theory=60)
    f.score(eb, 2, theory=80)
    f.score(ec, 1, theory=100)
    results_recompute([comp.pk])
    assert _ranks(comp) == {
        "初赛高": (Decimal("70.00"), 2),
        "决赛高": (Decimal("80.00"), 1),
        "未进决赛": (None, None),
    }


def test_waiting_and_withdrawn_entries_carry_no_rank(tree):
    comp = f.competition(tree.county, theory_weight=100, practical_weight=0)
    a, b, c = _people(tree.a1, "在", "候", "退")
    f.score(f.entry(comp, a), theory=50)
    f.score(f.entry(comp, b, status=EntryStatus.WAITING), theory=90)
    gone = f.entry(comp, c)
    f.score(gone, theory=99)
    results_recompute([comp.pk])
    Entry.objects.filter(pk=gone.pk).update(status=EntryStatus.WITHDRAWN)
    results_recompute([comp.pk])
    assert _ranks(comp) == {"在": (Decimal("50.00"), 1), "候": (None, None), "退": (None, None)}


def _awards(comp) -> dict[str, list]:
    rows = Award.objects.filter(entry__competition=comp).select_related("entry__member", "title")
    found: dict[str, list] = {}
    for a in rows.order_by("entry__member__name", "id"):
        found.setdefault(a.entry.member.name, []).append(
            (a.title.name if a.title else None, a.grade_steps)
        )
    return found


def test_title_rule_top_three_with_a_tie_at_third_gives_four_titles(tree):
    # Given the county rule "top 3 → 技术能手 and one grade up" and a tie at rank 3
    expert = f.title("技术能手")
    f.rule(tree.county, rank_to=3, title_=expert, grade_steps=1)
    comp = f.competition(tree.county, titles=[expert], theory_weight=100, practical_weight=0)
    people = _people(tree.a1, "一", "二", "三甲", "三乙", "五")
    for person, points in zip(people, (99, 98, 97, 97, 96), strict=True):
        f.score(f.entry(comp, person), theory=points)
    results_recompute([comp.pk])
    # Then ranks 1, 2, 3, 3 earn it and rank 5 does not
    assert _awards(comp) == {
        "一": [("技术能手", 1)],
        "二": [("技术能手", 1)],
        "三甲": [("技术能手", 1)],
        "三乙": [("技术能手", 1)],
    }


def test_rules_apply_by_level_class_and_kind_only(tree):
    expert, pioneer = f.title("技术能手"), f.title("岗位能手")
    f.rule(tree.county, level=ContestLevel.TOWNSHIP, rank_to=1, title_=pioneer)
    f.rule(tree.county, rank_to=1, title_=expert, contest_class=ContestClass.FIRST)
    f.rule(tree.county, rank_to=2, grade_steps=1, kind="knowledge")
    comp = f.competition(
        tree.county,
        titles=[expert, pioneer],
        contest_class=ContestClass.SECOND,
        theory_weight=100,
        practical_weight=0,
    )
    f.score(f.entry(comp, f.member(tree.a1, name="冠军")), theory=90)
    results_recompute([comp.pk])
    assert _awards(comp) == {}  # a township rule, a first-class rule, a knowledge rule
    comp.contest_class = ContestClass.FIRST
    comp.save()
    results_recompute([comp.pk])
    assert _awards(comp) == {"冠军": [("技术能手", 0)]}


def test_a_rule_title_outside_the_competitions_titles_is_not_given_but_its_grade_is(tree):
    expert = f.title("技术能手")
    f.rule(tree.county, rank_to=1, title_=expert, grade_steps=1)
    comp = f.competition(tree.county, titles=[], theory_weight=100, practical_weight=0)
    f.score(f.entry(comp, f.member(tree.a1, name="冠军")), theory=90)
    results_recompute([comp.pk])
    assert _awards(comp) == {"冠军": [(None, 1)]}


def test_inactive_rules_and_other_counties_rules_do_not_apply(tree):
    expert = f.title("技术能手")
    f.rule(tree.county, rank_to=3, title_=expert, is_active=False)
    f.rule(tree.a, rank_to=3, title_=expert)  # not a county's rule for this contest
    comp = f.competition(tree.county, titles=[expert], theory_weight=100, practical_weight=0)
    f.score(f.entry(comp, f.member(tree.a1)), theory=90)
    results_recompute([comp.pk])
    assert _awards(comp) == {}


def test_published_results_write_the_ledger_and_reopening_takes_it_back(tree):
    expert = f.title("技术能手")
    f.rule(tree.county, rank_to=1, title_=expert, grade_steps=1)
    comp = f.competition(tree.county, titles=[expert], theory_weight=100, practical_weight=0)
    winner = f.member(tree.a1, name="冠军")
    f.score(f.entry(comp, winner), theory=90)
    results_recompute([comp.pk])
    assert not Honour.objects.exists()  # running: nothing on the ledger yet
    comp.status = CompetitionStatus.SUMMARY
    comp.save()
    results_recompute([comp.pk])
    honour = Honour.objects.get()
    assert (honour.member, honour.kind, honour.name, honour.grade_steps) == (
        winner,
        HonourKind.TITLE,
        "技术能手",
        1,
    )
    assert honour.trade.name == "焊工" and honour.org == tree.a1
    comp.status = CompetitionStatus.RUNNING
    comp.save()
    results_recompute([comp.pk])
    assert not Honour.objects.exists()


def test_a_commended_competition_is_frozen(tree):
    expert = f.title("技术能手")
    f.rule(tree.county, rank_to=1, title_=expert)
    comp = f.competition(
        tree.county,
        titles=[expert],
        status=CompetitionStatus.SUMMARY,
        theory_weight=100,
        practical_weight=0,
    )
    first = f.entry(comp, f.member(tree.a1, name="冠军"))
    f.score(first, theory=90)
    results_recompute([comp.pk])
    comp.status = CompetitionStatus.COMMENDED
    comp.save()
    # When a later score change and a full pass happen
    f.score(f.entry(comp, f.member(tree.a1, name="后来")), theory=99)
    results_recompute()
    # Then nothing of the commended competition moves
    assert _ranks(comp)["冠军"] == (Decimal("90.00"), 1)
    assert _ranks(comp)["后来"] == (None, None)
    assert Honour.objects.count() == 1


def _derived(comp) -> tuple[set, set]:
    awards = set(Award.objects.filter(entry__competition=comp).values_list("pk", "created_at"))
    lines = set(
        Honour.objects.filter(award__entry__competition=comp).values_list(
            "pk", "award_id", "awarded_on", "updated_at"
        )
    )
    return awards, lines


def test_a_pass_writes_only_what_changed(tree):
    # Given published results: two title holders and their ledger lines
    expert = f.title("技术能手")
    f.rule(tree.county, rank_to=2, title_=expert, grade_steps=1)
    comp = f.competition(
        tree.county,
        titles=[expert],
        status=CompetitionStatus.SUMMARY,
        theory_weight=100,
        practical_weight=0,
    )
    first, second, third = (f.entry(comp, person) for person in _people(tree.a1, "一", "二", "三"))
    for entry, points in ((first, 90), (second, 80), (third, 70)):
        f.score(entry, theory=points)
    results_recompute([comp.pk])
    awards, lines = _derived(comp)
    assert len(awards) == len(lines) == 2
    # When nothing changed, a pass writes nothing: the same rows, not new copies
    again = results_recompute([comp.pk])
    assert (again.entries_changed, again.awards, again.honours, again.rewards) == (0, 0, 0, 0)
    assert _derived(comp) == (awards, lines)
    # When the third overtakes the second and the contest's end moves
    winner_award, winner_line = (
        Award.objects.get(entry=first),
        Honour.objects.get(member=first.member),
    )
    third.scores.update(theory=Decimal("85"))
    comp.ends_on = comp.ends_on - datetime.timedelta(days=1)
    comp.save()
    results_recompute([comp.pk])
    # Then the winner keeps its award and its line, updated in place; the second's award
    # and line go and the new second gets new ones
    assert Award.objects.get(entry=first) == winner_award
    line = Honour.objects.get(member=first.member)
    assert line.pk == winner_line.pk and line.awarded_on == comp.ends_on
    assert not Award.objects.filter(entry=second).exists()
    assert Award.objects.get(entry=third).pk not in {pk for pk, _at in awards}
    assert set(Honour.objects.values_list("member__name", flat=True)) == {"一", "三"}


def test_the_pass_runs_a_fixed_number_of_queries(tree, django_assert_num_queries):
    comps = [f.competition(tree.county, theory_weight=100, practical_weight=0) for _ in range(3)]
    for comp in comps:
        for points in (50, 60, 70):
            f.score(f.entry(comp, f.member(tree.a1)), theory=points)
    # savepoint, a count, 2 rank updates, awards (stale lines, stale awards, missing
    # awards), lines (changed, missing), rewards (stale, missing), the stamp, release
    with django_assert_num_queries(13):
        results_recompute([c.pk for c in comps])
    with django_assert_num_queries(13):
        results_recompute()

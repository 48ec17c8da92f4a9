"""The competition, its lifecycle, scores and awards: allowed and refused, nothing written
on refusal."""

import datetime
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.competitions import services
from gonghui.workforce.competitions.models import (
    Award,
    Competition,
    CompetitionKind,
    CompetitionStatus,
    Entry,
    Score,
    TitleRule,
)
from gonghui.workforce.competitions.services import ScoreRow
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _fields(**extra):
    data = dict(
        name="2026 年青禾县焊工职业技能竞赛",
        kind=CompetitionKind.SKILLS,
        level=ContestLevel.COUNTY,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=30),
        registration_from=TODAY,
        registration_until=TODAY + datetime.timedelta(days=10),
        theory_weight=30,
        practical_weight=70,
        rounds=2,
    )
    data.update(extra)
    return data


def test_create_gives_a_code_and_the_titles_of_the_county_rules(tree, users):
    expert = f.title("技术能手")
    f.rule(tree.county, title_=expert, grade_steps=1)
    comp = services.competition_create(
        actor=users.county_staff, org=tree.county, trades=[f.trade()], **_fields()
    )
    assert comp.code == f"JS{TODAY.year}{comp.pk:06d}"
    assert comp.status == CompetitionStatus.PLAN
    assert list(comp.titles.all()) == [expert]
    assert comp.county == tree.county


def test_every_field_problem_is_reported_at_once_and_nothing_written(tree, users):
    with pytest.raises(ValidationFailed) as exc:
        services.competition_create(
            actor=users.county_staff,
            org=tree.a,
            trades=[],
            **_fields(
                name="",
                theory_weight=50,
                practical_weight=60,
                ends_on=TODAY - datetime.timedelta(days=1),
                rounds=9,
            ),
        )
    assert set(exc.value.fields) >= {
        "name",
        "practical_weight",
        "ends_on",
        "rounds",
        "trades",
        "level",
    }
    assert exc.value.fields["level"] == ["甲镇总工会不能组织县级竞赛。"]
    assert not Competition.objects.exists()


def test_creating_outside_scope_answers_not_found(tree, users):
    with pytest.raises(NotFound):
        services.competition_create(
            actor=users.township_staff, org=tree.b, trades=[f.trade()], **_fields(level="township")
        )
    assert not Competition.objects.exists()


def _advance(comp, actor, *steps):
    for step in steps:
        comp = services.competition_transition(actor=actor, competition=comp, step=step)
    return comp


def test_the_lifecycle_plan_to_commendation(tree, users):
    comp = services.competition_create(
        actor=users.county_staff, org=tree.county, trades=[f.trade()], **_fields(rounds=1)
    )
    comp = _advance(comp, users.county_staff, "approve", "start")
    entry = f.entry(comp, f.member(tree.a1))
    f.score(entry, theory=80, practical=90)
    comp = _advance(comp, users.county_staff, "publish", "commend")
    assert comp.status == CompetitionStatus.COMMENDED
    assert comp.approved_at and comp.published_at and comp.commended_at
    assert Entry.objects.get(pk=entry.pk).rank == 1


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (CompetitionStatus.PLAN, "start"),
        (CompetitionStatus.PLAN, "publish"),
        (CompetitionStatus.APPROVED, "commend"),
        (CompetitionStatus.RUNNING, "approve"),
        (CompetitionStatus.RUNNING, "cancel"),
        (CompetitionStatus.COMMENDED, "reopen"),
        (CompetitionStatus.CANCELLED, "approve"),
    ],
)
def test_transitions_out_of_order_are_refused(tree, users, status, step):
    comp = f.competition(tree.county, status=status)
    before = model_to_dict(Competition.objects.get(pk=comp.pk))
    with pytest.raises(ValidationFailed) as exc:
        services.competition_transition(
            actor=users.county_staff, competition=comp, step=step, note="x"
        )
    assert "不能" in exc.value.message
    assert model_to_dict(Competition.objects.get(pk=comp.pk)) == before


def test_approval_needs_the_approve_permission_in_scope(tree, users):
    comp = f.competition(tree.a1, status=CompetitionStatus.PLAN, level=ContestLevel.ENTERPRISE)
    for actor in (users.grassroots_staff, users.social_worker, users.leader):
        with pytest.raises(NotFound):
            services.competition_transition(actor=actor, competition=comp, step="approve")
    outside = f.competition(tree.b1, status=CompetitionStatus.PLAN, level=ContestLevel.ENTERPRISE)
    with pytest.raises(NotFound):
        services.competition_transition(
            actor=users.township_staff, competition=outside, step="approve"
        )
    assert set(Competition.objects.values_list("status", flat=True)) == {CompetitionStatus.PLAN}
    services.competition_transition(actor=users.township_staff, competition=comp, step="approve")
    assert Competition.objects.get(pk=comp.pk).status == CompetitionStatus.APPROVED


def test_publishing_without_any_ranked_result_is_refused(tree, users):
    comp = f.competition(tree.county)
    f.entry(comp, f.member(tree.a1))
    with pytest.raises(ValidationFailed) as exc:
        services.competition_transition(actor=users.county_staff, competition=comp, step="publish")
    assert exc.value.message == "还没有可排名的成绩，不能公布。"
    assert Competition.objects.get(pk=comp.pk).status == CompetitionStatus.RUNNING


def test_cancelling_needs_a_reason(tree, users):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    with pytest.raises(ValidationFailed):
        services.competition_transition(actor=users.county_staff, competition=comp, step="cancel")
    services.competition_transition(
        actor=users.county_staff, competition=comp, step="cancel", note="经费未落实"
    )
    assert Competition.objects.get(pk=comp.pk).status == CompetitionStatus.CANCELLED


def test_scores_are_saved_and_ranked(tree, users):
    comp = f.competition(tree.county)
    a, b = f.entry(comp, f.member(tree.a1, name="甲")), f.entry(comp, f.member(tree.a1, name="乙"))
    saved = services.scores_record(
        actor=users.county_staff,
        competition=comp,
        trade=comp.trades.first(),
        round=1,
        rows=[ScoreRow(a.pk, "80", "90"), ScoreRow(b.pk, "90.5", "95")],
    )
    assert saved == 2
    assert Entry.objects.get(pk=a.pk).total == Decimal("86.00")  # 80 × 40% + 90 × 60%
    assert Entry.objects.get(pk=b.pk).rank == 1


def test_a_score_outside_the_range_writes_nothing_and_names_the_entrant(tree, users):
    comp = f.competition(tree.county)
    a, b = f.entry(comp, f.member(tree.a1, name="甲")), f.entry(comp, f.member(tree.a1, name="乙"))
    with pytest.raises(ValidationFailed) as exc:
        services.scores_record(
            actor=users.county_staff,
            competition=comp,
            trade=comp.trades.first(),
            round=1,
            rows=[ScoreRow(a.pk, "80", "90"), ScoreRow(b.pk, "101", "-1")],
        )
    assert exc.value.fields[f"{b.pk}-theory"] == ["乙的理论成绩应在 0 到 100 之间。"]
    assert exc.value.fields[f"{b.pk}-practical"] == ["乙的实操成绩应在 0 到 100 之间。"]
    assert not Score.objects.exists()


def test_after_a_refused_sheet_the_corrected_sheet_saves_and_ranks(tree, users):
    comp = f.competition(tree.county)
    a, b = f.entry(comp, f.member(tree.a1, name="甲")), f.entry(comp, f.member(tree.a1, name="乙"))
    sheet = dict(actor=users.county_staff, competition=comp, trade=comp.trades.first(), round=1)
    with pytest.raises(ValidationFailed):
        services.scores_record(
            **sheet, rows=[ScoreRow(a.pk, "90", "95"), ScoreRow(b.pk, "88", "101")]
        )
    assert not Score.objects.exists()
    saved = services.scores_record(
        **sheet, rows=[ScoreRow(a.pk, "90", "95"), ScoreRow(b.pk, "88", "80")]
    )
    assert saved == 2
    ranked = {e.pk: (e.total, e.rank) for e in Entry.objects.filter(competition=comp)}
    assert ranked == {a.pk: (Decimal("93.00"), 1), b.pk: (Decimal("83.20"), 2)}


def test_scores_only_while_running_and_in_a_round_of_the_contest(tree, users):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    entry = f.entry(comp, f.member(tree.a1))
    with pytest.raises(ValidationFailed) as exc:
        services.scores_record(
            actor=users.county_staff,
            competition=comp,
            trade=comp.trades.first(),
            round=2,
            rows=[ScoreRow(entry.pk, "80", "90")],
        )
    assert set(exc.value.fields) == {"__all__", "round"}
    assert not Score.objects.exists()


def test_absent_and_a_score_together_are_refused_and_a_blank_row_clears(tree, users):
    comp = f.competition(tree.county)
    entry = f.entry(comp, f.member(tree.a1))
    trade = comp.trades.first()
    with pytest.raises(ValidationFailed):
        services.scores_record(
            actor=users.county_staff,
            competition=comp,
            trade=trade,
            round=1,
            rows=[ScoreRow(entry.pk, "80", None, absent=True)],
        )
    services.scores_record(
        actor=users.county_staff,
        competition=comp,
        trade=trade,
        round=1,
        rows=[ScoreRow(entry.pk, "80", "70")],
    )
    services.scores_record(
        actor=users.county_staff, competition=comp, trade=trade, round=1, rows=[ScoreRow(entry.pk)]
    )
    assert not Score.objects.exists()
    assert Entry.objects.get(pk=entry.pk).rank is None


def test_an_award_outside_the_configured_titles_is_refused(tree, users):
    expert, other = f.title("技术能手"), f.title("岗位能手")
    comp = f.competition(tree.county, titles=[expert], status=CompetitionStatus.SUMMARY)
    entry = f.entry(comp, f.member(tree.a1))
    with pytest.raises(ValidationFailed) as exc:
        services.award_grant(actor=users.county_staff, entry=entry, title=other)
    assert exc.value.fields["title"] == ["“岗位能手”不在本次竞赛可授予的称号中。"]
    assert not Award.objects.exists()
    services.award_grant(actor=users.county_staff, entry=entry, title=expert, note="特别奖")
    assert Honour.objects.get().name == "技术能手"


def test_only_a_county_admin_sets_title_rules(tree, users):
    expert = f.title("技术能手")
    with pytest.raises(PermissionDenied):
        services.title_rule_create(
            actor=users.county_staff, county=tree.county, level="county", rank_to=3, title=expert
        )
    assert not TitleRule.objects.exists()
    rule = services.title_rule_create(
        actor=users.county_admin,
        county=tree.county,
        level="county",
        rank_to=3,
        title=expert,
        grade_steps=1,
    )
    assert (rule.rank_from, rule.rank_to, rule.grade_steps) == (1, 3, 1)


def test_a_new_rule_applies_to_published_results_not_yet_commended(tree, users):
    expert = f.title("技术能手")
    comp = f.competition(
        tree.county,
        titles=[expert],
        status=CompetitionStatus.SUMMARY,
        theory_weight=100,
        practical_weight=0,
    )
    f.score(f.entry(comp, f.member(tree.a1, name="冠军")), theory=90)
    services.title_rule_create(
        actor=users.county_admin, county=tree.county, level="county", rank_to=1, title=expert
    )
    assert Honour.objects.get().member.name == "冠军"


def test_title_rule_bad_input_is_reported_at_once(tree, users):
    with pytest.raises(ValidationFailed) as exc:
        services.title_rule_create(
            actor=users.county_admin,
            county=tree.county,
            level="moon",
            rank_from=5,
            rank_to=2,
        )
    assert set(exc.value.fields) == {"level", "rank_to", "title"}


def test_changing_the_weights_after_publication_is_refused(tree, users):
    comp = f.competition(tree.county, status=CompetitionStatus.SUMMARY)
    with pytest.raises(ValidationFailed) as exc:
        services.competition_update(
            actor=users.county_staff, competition=comp, theory_weight=50, practical_weight=50
        )
    assert "成绩已公布" in exc.value.message
    assert Competition.objects.get(pk=comp.pk).theory_weight == 40

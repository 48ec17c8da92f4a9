"""五小: exclusions asked and recorded, a panel score before an award, the ledger line;
合理化建议 decided."""

import datetime

import pytest

from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.innovations import services
from gonghui.workforce.innovations.models import InnovationStatus, SmallInnovation, Suggestion
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _submit(actor, person, **extra):
    data = dict(
        category="innovation",
        title="焊枪快换接头",
        description="改进焊枪接头，换枪时间缩短一半。",
        year=TODAY.year,
        claimed_benefit="120000",
    )
    data.update(extra)
    return services.innovation_submit(actor=actor, member=person, **data)


def test_an_award_needs_the_exclusion_answers_and_a_panel_score(tree, users):
    item = _submit(users.grassroots_staff, f.member(tree.a1))
    with pytest.raises(ValidationFailed) as exc:
        services.innovation_decide(actor=users.township_staff, innovation=item, award="first")
    assert "请先核实并记录" in exc.value.fields["__all__"][0]
    assert exc.value.fields["award"] == ["评奖前须至少有一位评审专家打分。"]
    services.innovation_exclusions_set(
        actor=users.township_staff,
        innovation=item,
        funded_by_science_plan=False,
        awarded_elsewhere=False,
    )
    with pytest.raises(ValidationFailed) as exc:
        services.innovation_decide(actor=users.township_staff, innovation=item, award="first")
    assert exc.value.fields["award"] == ["评奖前须至少有一位评审专家打分。"]
    services.innovation_review(actor=users.township_staff, innovation=item, score="88.5")
    services.innovation_decide(actor=users.township_staff, innovation=item, award="first")
    assert SmallInnovation.objects.get(pk=item.pk).status == InnovationStatus.AWARDED
    assert Honour.objects.get().name == f"{TODAY.year} 年度五小成果一等奖"


def test_a_result_funded_by_a_science_plan_is_never_awarded(tree, users):
    item = _submit(users.grassroots_staff, f.member(tree.a1))
    services.innovation_exclusions_set(
        actor=users.township_staff,
        innovation=item,
        funded_by_science_plan=True,
        awarded_elsewhere=False,
    )
    services.innovation_review(actor=users.township_staff, innovation=item, score="95")
    with pytest.raises(ValidationFailed) as exc:
        services.innovation_decide(actor=users.township_staff, innovation=item, award="first")
    assert "已获政府科技计划资助" in exc.value.fields["award"][0]
    services.innovation_decide(actor=users.township_staff, innovation=item, award="")
    assert SmallInnovation.objects.get(pk=item.pk).status == InnovationStatus.EXCLUDED
    assert not Honour.objects.exists()


def test_the_portal_must_answer_the_exclusions_and_a_decision_needs_approve(tree, users):
    person = f.member(tree.a1)
    with pytest.raises(ValidationFailed) as exc:
        _submit(None, person, channel="portal")
    assert set(exc.value.fields) == {"funded_by_science_plan", "awarded_elsewhere"}
    item = _submit(
        None, person, channel="portal", funded_by_science_plan=False, awarded_elsewhere=True
    )
    with pytest.raises(NotFound):
        services.innovation_decide(actor=users.grassroots_staff, innovation=item, award="")
    assert SmallInnovation.objects.get(pk=item.pk).status == InnovationStatus.SUBMITTED


def test_bad_input_is_reported_at_once(tree, users):
    with pytest.raises(ValidationFailed) as exc:
        _submit(
            users.grassroots_staff,
            f.member(tree.b1),
            category="x",
            title="",
            description="短",
            claimed_benefit="-5",
            year=1990,
        )
    assert set(exc.value.fields) == {
        "category",
        "title",
        "description",
        "claimed_benefit",
        "year",
        "member",
    }
    assert not SmallInnovation.objects.exists()


def test_suggestions_are_decided_with_their_benefit(tree, users):
    item = services.suggestion_submit(
        actor=users.grassroots_staff,
        member=f.member(tree.a1),
        title="错峰用电",
        content="建议夜间安排高耗电工序，节省电费。",
    )
    with pytest.raises(ValidationFailed):
        services.suggestion_decide(
            actor=users.township_staff, suggestion=item, adopted=False, benefit="100"
        )
    services.suggestion_decide(
        actor=users.township_staff, suggestion=item, adopted=True, benefit="52000"
    )
    assert Suggestion.objects.get(pk=item.pk).status == "adopted"

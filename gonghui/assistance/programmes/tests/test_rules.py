"""Eligibility and amount rules (pure): each rule at and around its thresholds."""

from decimal import Decimal

import pytest

from gonghui.assistance.programmes.rules import (
    DEFAULT_RULES,
    HouseholdFacts,
    MedicalCost,
    Student,
    candidates,
    describe_amount,
    describe_eligibility,
    rule_clean,
)
from gonghui.core.errors import ValidationFailed


def _rule(kind):
    return rule_clean(*DEFAULT_RULES[kind])


@pytest.mark.parametrize(
    ("category", "amount"),
    [("deep", Decimal("1000")), ("relative", Decimal("600")), ("accidental", Decimal("800"))],
)
def test_warmth_pays_by_category(category, amount):
    found = candidates(*_rule("warmth"), HouseholdFacts(category=category))
    assert [c.amount for c in found] == [amount]
    assert found[0].subject == "household"
    assert "困难类别为" in found[0].reason


def test_a_household_below_no_line_is_not_eligible():
    assert candidates(*_rule("warmth"), HouseholdFacts(category="none")) == []


def test_a_category_left_out_of_the_rule_is_not_eligible():
    eligibility, amount = rule_clean(
        {"categories": ["deep"], "requires": "none"},
        {"type": "by_category", "amounts": {"deep": "900"}},
    )
    assert candidates(eligibility, amount, HouseholdFacts(category="relative")) == []
    assert candidates(eligibility, amount, HouseholdFacts(category="deep"))[0].amount == 900


def test_schooling_pays_each_child_in_school_by_stage():
    facts = HouseholdFacts(
        category="relative",
        students=(
            Student(1, "甲", "primary"),
            Student(2, "乙", "undergraduate"),
            Student(3, "丙", "none"),
            Student(4, "丁", "preschool"),
        ),
    )
    found = candidates(*_rule("schooling"), facts)
    assert [(c.subject, c.amount) for c in found] == [
        ("member-1", Decimal("500")),
        ("member-2", Decimal("3000")),
    ]
    assert "乙就读本科" in found[1].reason


def test_schooling_without_children_in_school_is_not_eligible():
    facts = HouseholdFacts(category="deep", students=(Student(3, "丙", "none"),))
    assert candidates(*_rule("schooling"), facts) == []


@pytest.mark.parametrize(
    ("cost", "paid", "capped"),
    [
        (Decimal("19998"), Decimal("9999.00"), False),  # below the cap
        (Decimal("20000"), Decimal("10000.00"), False),  # exactly the cap
        (Decimal("20002"), Decimal("10000"), True),  # above: capped
    ],
)
def test_medical_pays_a_share_of_the_self_paid_cost_up_to_the_cap(cost, paid, capped):
    facts = HouseholdFacts(category="deep", medical_costs=(MedicalCost(cost, "住院", 7),))
    (found,) = candidates(*_rule("medical"), facts)
    assert found.amount == paid
    assert found.subject == "expense-7"
    assert ("按封顶发放" in found.reason) is capped
    assert "× 50%" in found.reason


def test_medical_need_entered_replaces_the_costs_on_record():
    facts = HouseholdFacts(category="deep", medical_costs=(MedicalCost(Decimal(100), "门诊"),))
    (found,) = candidates(*_rule("medical"), facts, need_amount=Decimal("3000"))
    assert found.amount == Decimal("1500.00")
    assert found.subject == "annual"


def test_medical_without_a_cost_is_not_eligible():
    assert candidates(*_rule("medical"), HouseholdFacts(category="deep")) == []


@pytest.mark.parametrize(
    ("work", "zero", "eligible"),
    [
        ("unemployed", False, True),
        ("laid_off", False, True),
        ("employed", True, True),
        ("employed", False, False),
    ],
)
def test_employment_aid_needs_a_job_loss(work, zero, eligible):
    facts = HouseholdFacts(category="relative", work_status=work, is_zero_employment=zero)
    assert bool(candidates(*_rule("employment"), facts)) is eligible


def test_rules_read_in_chinese():
    assert describe_eligibility(_rule("schooling")[0]) == (
        "在档困难职工家庭，困难类别为深度困难、相对困难、意外致困，且家庭成员在校就读。"
    )
    assert describe_amount(_rule("medical")[1]) == (
        "按自付医疗费用的 50% 补助，每项需求最高 10,000.00 元。"
    )
    assert describe_amount(_rule("warmth")[1]).startswith("按困难类别每户：深度困难 1,000.00 元")


@pytest.mark.parametrize(
    ("eligibility", "amount", "field"),
    [
        ({"categories": [], "requires": "none"}, {"type": "fixed", "amount": "1"}, "categories"),
        ({"categories": ["deep"], "requires": "none"}, {"type": "fixed", "amount": "-5"}, "amount"),
        (
            {"categories": ["deep"], "requires": "none"},
            {"type": "share_with_cap", "share": "0.5", "cap": "100"},
            "requires",
        ),
        (
            {"categories": ["deep"], "requires": "medical_cost"},
            {"type": "share_with_cap", "share": "1.5", "cap": "100"},
            "share",
        ),
        (
            {"categories": ["deep"], "requires": "in_school"},
            {"type": "by_school_stage", "amounts": {}},
            "amounts",
        ),
        ({"categories": ["deep"], "requires": "none"}, {"type": "magic"}, "type"),
    ],
)
def test_bad_rules_are_refused_with_the_field(eligibility, amount, field):
    with pytest.raises(ValidationFailed) as caught:
        rule_clean(eligibility, amount)
    assert field in caught.value.fields

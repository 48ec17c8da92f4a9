"""The category maths (category.py): pure, exact at every line."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.assistance.category import Basis, HouseholdFigures, category_compute, money
from gonghui.assistance.choices import HardshipCategory as C
from gonghui.assistance.choices import HardshipCause

BASIS = Basis(standard_amount=D("800"))


def per_capita(amount, size=1, **costs) -> HouseholdFigures:
    """A household whose per-capita monthly net income is exactly `amount` (before costs)."""
    return HouseholdFigures(annual_income=D(amount) * 12 * size, household_size=size, **costs)


@pytest.mark.parametrize(
    ("monthly", "expected"),
    [
        ("799.99", C.DEEP),  # below 1×
        ("800", C.RELATIVE),  # exactly 1× is not below it
        ("800.01", C.RELATIVE),
        ("1599.99", C.RELATIVE),
        ("1600", C.NONE),  # exactly 2× is not below it
        ("1600.01", C.NONE),
    ],
)
def test_category_at_and_around_each_line(monthly, expected):
    # given a household of three at the figure; when computed; then the category follows
    result = category_compute(per_capita(monthly, size=3), BASIS)
    assert result.category == expected
    assert result.per_capita_monthly_net == D(monthly).quantize(D("0.01"))


def test_deep_explanation_names_every_figure():
    # given 3 people, 36,000 income, 6,000 medical + 2,400 schooling + 600 disability
    figures = HouseholdFigures(
        annual_income=D("36000"),
        household_size=3,
        medical_expense=D("6000"),
        schooling_expense=D("2400"),
        disability_expense=D("600"),
    )
    basis = Basis(
        standard_amount=D("800"),
        standard_label="测试县 2026 年标准，2026-01-01 起执行",
        thresholds_label="默认参数",
    )
    # when
    result = category_compute(figures, basis)
    # then (36000 − 9000) / 12 / 3 = 750.00 < 800
    assert result.category == C.DEEP
    assert result.per_capita_monthly_net == D("750.00")
    assert result.explanation == (
        "家庭年可支配收入 36,000.00 元，年刚性支出 9,000.00 元(医疗 6,000.00 元、教育 2,400.00 元、"
        "残疾康复 600.00 元)，家庭人口 3 人。\n"
        "人均月净收入 = (36,000.00 − 9,000.00) ÷ 12 ÷ 3 = 750.00 元。\n"
        "低保标准 800.00 元/人·月(测试县 2026 年标准，2026-01-01 起执行)；深度困难线 800.00 元"
        "(1 倍)，相对困难线 1,600.00 元(2 倍)，默认参数。\n"
        "750.00 元低于深度困难线 800.00 元，认定为深度困难。"
    )


def test_relative_explanation_says_between_the_lines():
    result = category_compute(per_capita("800"), BASIS)
    assert result.steps[-1] == (
        "800.00 元不低于深度困难线 800.00 元、低于相对困难线 1,600.00 元，认定为相对困难。"
    )


def test_none_explanation_says_not_eligible():
    result = category_compute(per_capita("1600"), BASIS)
    assert result.category == C.NONE
    assert not result.meets_entry_test
    assert result.steps[-1] == (
        "1,600.00 元不低于相对困难线 1,600.00 元，且无自然灾害、意外事故，"
        "年刚性支出未超过家庭年收入的 80%(15,360.00 元)，不符合建档条件。"
    )


@pytest.mark.parametrize("cause", [HardshipCause.NATURAL_DISASTER, HardshipCause.ACCIDENT])
def test_disaster_or_accident_above_the_lines_is_accidental(cause):
    # given a household well above 2× but struck by a disaster or an accident (any cause slot)
    figures = HouseholdFigures(
        annual_income=D("120000"),
        household_size=2,
        causes=(HardshipCause.SERIOUS_ILLNESS, cause),
    )
    # when
    result = category_compute(figures, BASIS)
    # then
    assert result.category == C.ACCIDENTAL
    assert result.accidental_by_cause and not result.accidental_by_cost
    assert f"致困原因含{HardshipCause(cause).label}" in result.explanation
    assert result.explanation.endswith("认定为意外致困。")


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        ("79999.99", C.NONE),  # below 80% of 100,000
        ("80000", C.NONE),  # exactly 80% does not exceed it
        ("80000.01", C.ACCIDENTAL),
    ],
)
def test_costs_above_the_share_of_income_are_accidental(costs, expected):
    # given a household of one whose net income stays above 2× after the costs
    figures = HouseholdFigures(
        annual_income=D("100000") + D(costs) * 0,  # income fixed at 100,000
        household_size=1,
        medical_expense=D(costs),
    )
    big_basis = Basis(standard_amount=D("100"))  # lines 100 / 200: net stays above
    # when
    result = category_compute(figures, big_basis)
    # then
    assert result.category == expected
    assert result.accidental_by_cost is (expected == C.ACCIDENTAL)
    if expected == C.ACCIDENTAL:
        assert "年刚性支出 80,000.01 元超过家庭年收入的 80%(80,000.00 元)" in result.explanation


def test_poor_household_struck_by_accident_is_deep_and_says_both():
    figures = HouseholdFigures(
        annual_income=D("6000"), household_size=1, causes=(HardshipCause.ACCIDENT,)
    )
    result = category_compute(figures, BASIS)
    assert result.category == C.DEEP
    assert "亦符合意外致困条件" in result.explanation


# --- precedence (DESIGN §4): the lowest line that applies decides; an accidental condition that
# also holds is stated in the explanation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("monthly", "expected", "line_words"),
    [
        ("799.99", C.DEEP, "低于深度困难线 800.00 元，认定为深度困难"),
        ("800", C.RELATIVE, "认定为相对困难"),
        ("1599.99", C.RELATIVE, "认定为相对困难"),
    ],
)
@pytest.mark.parametrize(
    ("condition", "costs", "causes", "stated"),
    [
        (
            "cause",
            {},
            (HardshipCause.SERIOUS_ILLNESS, HardshipCause.NATURAL_DISASTER),
            "致困原因含自然灾害",
        ),
        (
            "cost",
            {"medical_expense": D("100000")},
            (),
            "年刚性支出 100,000.00 元超过家庭年收入的 80%",
        ),
    ],
)
def test_the_lowest_line_decides_and_an_accidental_condition_is_stated(
    monthly, expected, line_words, condition, costs, causes, stated
):
    # given a household of one at the figure (after its costs) that is also struck by a
    # disaster (a secondary cause) or whose costs exceed 80% of its income
    spent = sum(costs.values(), D(0))
    figures = HouseholdFigures(
        annual_income=D(monthly) * 12 + spent, household_size=1, causes=causes, **costs
    )
    # when
    result = category_compute(figures, BASIS)
    # then the income line decides (never 意外致困 while a line applies) …
    assert result.category == expected
    assert line_words in result.explanation
    # … and the explanation says the accidental condition holds too
    assert f"(另：{stated}" in result.explanation
    assert result.explanation.endswith("亦符合意外致困条件)。")
    assert (result.accidental_by_cause, result.accidental_by_cost) == (
        condition == "cause",
        condition == "cost",
    )


def test_above_the_lines_an_accidental_condition_decides_and_without_one_nothing_is_stated():
    accidental = category_compute(
        HouseholdFigures(
            annual_income=D("19200"), household_size=1, causes=(HardshipCause.ACCIDENT,)
        ),
        BASIS,
    )
    assert accidental.category == C.ACCIDENTAL and "(另：" not in accidental.explanation
    plain = category_compute(per_capita("799.99"), BASIS)
    assert plain.category == C.DEEP and "意外致困" not in plain.explanation


def test_zero_income_is_deep():
    result = category_compute(HouseholdFigures(annual_income=D("0"), household_size=2), BASIS)
    assert result.category == C.DEEP
    assert result.per_capita_monthly_net == D("0.00")
    assert not result.accidental_by_cost  # 0 costs do not exceed 80% of 0


def test_zero_income_with_costs_is_deep_and_accidental_by_cost():
    figures = HouseholdFigures(annual_income=D("0"), household_size=1, medical_expense=D("1200"))
    result = category_compute(figures, BASIS)
    assert result.category == C.DEEP
    assert result.accidental_by_cost


def test_negative_net_income_is_deep_and_shown_negative():
    # given costs above income
    figures = HouseholdFigures(
        annual_income=D("12000"), household_size=1, medical_expense=D("24000")
    )
    # when
    result = category_compute(figures, BASIS)
    # then
    assert result.category == C.DEEP
    assert result.per_capita_monthly_net == D("-1000.00")
    assert "= -1,000.00 元" in result.explanation


def test_household_of_one_divides_by_one():
    result = category_compute(HouseholdFigures(annual_income=D("9600"), household_size=1), BASIS)
    assert result.per_capita_monthly_net == D("800.00")
    assert result.category == C.RELATIVE
    assert "÷ 12 ÷ 1 = 800.00 元" in result.explanation


def test_rounding_never_moves_a_household_across_a_line():
    # given (2 × 12 × 800 − 0.01) / 24 = 799.99958… which rounds to 800.00 at the fen
    figures = HouseholdFigures(annual_income=D("19199.99"), household_size=2)
    # when
    result = category_compute(figures, BASIS)
    # then the exact comparison decides, and the figure is shown with four decimals
    assert result.category == C.DEEP
    assert "= 799.9996 元" in result.explanation
    assert "799.9996 元低于深度困难线 800.00 元" in result.explanation


def test_half_fen_rounds_up():
    # 100.005 × 12 = 1200.06 → exact 100.005 per month → shown 100.01
    result = category_compute(HouseholdFigures(annual_income=D("1200.06"), household_size=1), BASIS)
    assert result.per_capita_monthly_net == D("100.01")


def test_configured_multipliers_and_share_are_used_and_named():
    basis = Basis(
        standard_amount=D("900"),
        deep_multiplier=D("1.2"),
        relative_multiplier=D("2.5"),
        accidental_cost_share=D("0.6"),
    )
    # 1080 is exactly 1.2 × 900: not below the deep line
    result = category_compute(per_capita("1080"), basis)
    assert result.category == C.RELATIVE
    assert "深度困难线 1,080.00 元(1.2 倍)，相对困难线 2,250.00 元(2.5 倍)" in result.explanation
    none = category_compute(per_capita("2250"), basis)
    assert "年刚性支出未超过家庭年收入的 60%" in none.explanation


def test_invalid_inputs_are_programming_errors():
    with pytest.raises(ValueError):
        category_compute(HouseholdFigures(annual_income=D("1"), household_size=0), BASIS)
    with pytest.raises(ValueError):
        category_compute(per_capita("1"), Basis(standard_amount=D("0")))


def test_money_formats_thousands_and_fen():
    assert money(D("1234567.005")) == "1,234,567.01"
    assert money(D("-5")) == "-5.00"


@given(
    income=st.decimals(min_value=0, max_value=1_000_000, places=2),
    costs=st.decimals(min_value=0, max_value=1_000_000, places=2),
    size=st.integers(min_value=1, max_value=20),
    standard=st.decimals(min_value=D("0.01"), max_value=5000, places=2),
)
def test_category_agrees_with_the_definition(income, costs, size, standard):
    # given any household and standard
    figures = HouseholdFigures(annual_income=income, household_size=size, medical_expense=costs)
    # when
    result = category_compute(figures, Basis(standard_amount=standard))
    # then it matches the definition computed with exact fractions
    from fractions import Fraction

    net = Fraction(income - costs) / 12 / size
    if net < Fraction(standard):
        assert result.category == C.DEEP
    elif net < 2 * Fraction(standard):
        assert result.category == C.RELATIVE
    elif Fraction(costs) > Fraction(income) * Fraction(8, 10):
        assert result.category == C.ACCIDENTAL
    else:
        assert result.category == C.NONE

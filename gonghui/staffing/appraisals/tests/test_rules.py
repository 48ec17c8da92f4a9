"""The appraisal's arithmetic and the pay calculation on hand-made figures."""

from decimal import Decimal

from gonghui.staffing.appraisals.rules import (
    MeasureLine,
    computed_score,
    group_totals,
    pay_for,
    rated_score,
    result_for,
    total_score,
)

CUTS = dict(excellent=90, competent=75, basic=60)


def _line(count, target, weight, code="m"):
    return MeasureLine(code, code, "件", count, target, weight)


def test_computed_score_weights_each_measure_by_attainment_capped_at_target():
    lines = [_line(15, 30, 50, "a"), _line(40, 20, 30, "b"), _line(0, 5, 20, "c")]
    # a: 50 × 0.5 = 25; b: 30 × 1 (capped, not 2) = 30; c: 0
    assert computed_score(lines) == Decimal("55.00")


def test_computed_score_rescales_when_configured_measures_are_missing():
    # Only measures worth 40 of the 100 points are registered: 20/40 of them attained.
    lines = [_line(10, 10, 20, "a"), _line(0, 10, 20, "b")]
    assert computed_score(lines) == Decimal("50.00")
    assert computed_score([]) == Decimal("0.00")


def test_rated_score_weights_group_means_and_rescales_over_groups_that_rated():
    weights = {"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30}
    totals = group_totals([("chair", Decimal(90)), ("deputy", Decimal(80))])
    totals["workers"] = (Decimal(210), 3)  # mean 70
    # (40×90 + 20×80 + 30×70) / 90 = (3600 + 1600 + 2100) / 90 = 81.111…
    assert rated_score(weights, totals) == Decimal("81.11")
    assert rated_score(weights, {}) is None


def test_group_totals_means_several_ratings_of_one_group():
    totals = group_totals([("chair", Decimal(90)), ("chair", Decimal(70))])
    assert totals == {"chair": (Decimal(160), 2)}
    assert rated_score({"chair": 100}, totals) == Decimal("80.00")


def test_total_mixes_the_parts_by_the_computed_share():
    assert total_score(Decimal(50), Decimal(80), 40) == Decimal("68.00")
    assert total_score(Decimal(50), None, 40) == Decimal("50.00")
    assert total_score(Decimal(50), Decimal(80), 0) == Decimal("80.00")


def test_cut_offs_are_inclusive_lower_bounds():
    assert result_for(Decimal(90), **CUTS) == "excellent"
    assert result_for(Decimal("89.99"), **CUTS) == "competent"
    assert result_for(Decimal(75), **CUTS) == "competent"
    assert result_for(Decimal("74.99"), **CUTS) == "basic"
    assert result_for(Decimal(60), **CUTS) == "basic"
    assert result_for(Decimal("59.99"), **CUTS) == "unfit"
    assert result_for(Decimal(80), excellent=80, competent=70, basic=50) == "excellent"


def test_pay_adds_the_bonus_and_splits_by_the_county_share():
    pay = pay_for(base=Decimal("4200"), bonus=Decimal("300"), county_share=60)
    assert (pay.total, pay.county_part, pay.township_part) == (
        Decimal("4500.00"),
        Decimal("2700.00"),
        Decimal("1800.00"),
    )


def test_pay_parts_always_add_up_to_the_total():
    pay = pay_for(base=Decimal("3333.33"), bonus=Decimal(0), county_share=33)
    assert pay.county_part == Decimal("1100.00")
    assert pay.county_part + pay.township_part == pay.total

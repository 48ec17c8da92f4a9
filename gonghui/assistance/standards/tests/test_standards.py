"""Standards and thresholds: county admins only, history kept, old decisions re-explained."""

import datetime
from decimal import Decimal

import pytest

from gonghui.assistance.archives import services
from gonghui.assistance.archives.tests.factories import archive_fields, archive_in
from gonghui.assistance.category import HouseholdFigures, category_compute
from gonghui.assistance.choices import HardshipCategory
from gonghui.assistance.models import AssistanceThresholds, LivingAllowanceStandard
from gonghui.assistance.standards.selectors import (
    assess,
    basis_of,
    standard_in_force,
    thresholds_in_force,
    thresholds_summary,
)
from gonghui.assistance.standards.services import standard_set, thresholds_set
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db
D = datetime.date


def test_figures_in_force_follow_the_dates(tree, users):
    # given 800 from 2024, 850 from mid-2025 and 950 from 2026
    for year, amount, start in (
        (2024, "800", D(2024, 1, 1)),
        (2025, "850", D(2025, 7, 1)),
        (2026, "950", D(2026, 1, 1)),
    ):
        standard_set(
            actor=users.county_admin,
            county=tree.county,
            year=year,
            monthly_amount=amount,
            effective_from=start,
        )
    # then each date sees the row in force
    assert standard_in_force(tree.county, D(2023, 12, 31)) is None
    assert standard_in_force(tree.county, D(2025, 6, 30)).monthly_amount == Decimal("800")
    assert standard_in_force(tree.county, D(2025, 7, 1)).monthly_amount == Decimal("850")
    assert standard_in_force(tree.county, D(2026, 5, 1)).monthly_amount == Decimal("950")


def test_history_reexplains_an_old_decision(tree, users):
    # given an archive approved in 2025 under a standard of 800
    standard_set(
        actor=users.county_admin,
        county=tree.county,
        year=2024,
        monthly_amount="800",
        effective_from=D(2024, 1, 1),
    )
    archive = archive_in("archived", org=tree.a1, annual_income=Decimal("31680"))  # 880/month
    approval = archive.assessments.get(source="approve")
    assert approval.category == HardshipCategory.RELATIVE
    # when the county raises the standard to 950 from 2026 and the household is reviewed
    standard_set(
        actor=users.county_admin,
        county=tree.county,
        year=2026,
        monthly_amount="950",
        effective_from=D(2026, 1, 1),
    )
    review = services.archive_review(actor=None, archive=archive, on=D(2026, 2, 1))
    # then the review uses 950 (880 < 950: now deep) ...
    assert review.assessment.category == HardshipCategory.DEEP
    assert "低保标准 950.00 元/人·月(测试县总工会 2026 年标准，2026-01-01 起执行)" in (
        review.assessment.explanation
    )
    # ... while the 2025 decision is still explained, word for word, with 800
    approval.refresh_from_db()
    figures = HouseholdFigures(
        annual_income=approval.annual_income,
        household_size=approval.household_size,
        medical_expense=approval.medical_expense,
        schooling_expense=approval.schooling_expense,
        disability_expense=approval.disability_expense,
        causes=tuple(approval.causes),
    )
    thresholds = approval.thresholds or AssistanceThresholds.defaults()
    again = category_compute(figures, basis_of(tree.county, approval.standard, thresholds))
    assert again.explanation == approval.explanation
    assert (
        "低保标准 800.00 元/人·月(测试县总工会 2024 年标准，2024-01-01 起执行)" in again.explanation
    )
    # and looking up the figures in force on the approval date gives the same
    assert (
        assess(figures, org=tree.a1, on=approval.assessed_on).result.explanation
        == approval.explanation
    )


def test_setting_never_overwrites_and_only_moves_forward(tree, users):
    first = standard_set(
        actor=users.county_admin,
        county=tree.county,
        year=2025,
        monthly_amount="800",
        effective_from=D(2025, 1, 1),
    )
    with pytest.raises(ValidationFailed) as refused:
        standard_set(
            actor=users.county_admin,
            county=tree.county,
            year=2024,
            monthly_amount="700",
            effective_from=D(2024, 12, 31),
        )
    assert "执行日期不能早于已有的最近一条(2025-01-01)" in refused.value.message
    # a same-day correction is a new row that supersedes the first from then on
    second = standard_set(
        actor=users.county_admin,
        county=tree.county,
        year=2025,
        monthly_amount="810",
        effective_from=D(2025, 1, 1),
    )
    first.refresh_from_db()
    assert first.monthly_amount == Decimal("800")
    assert LivingAllowanceStandard.objects.count() == 2
    assert standard_in_force(tree.county, D(2025, 3, 1)) == second


@pytest.mark.parametrize("role", ["county_staff", "township_staff", "leader"])
def test_only_county_admins_set_standards(tree, users, role):
    with pytest.raises(PermissionDenied, match="只有县总工会管理员"):
        standard_set(
            actor=getattr(users, role),
            county=tree.county,
            year=2025,
            monthly_amount="800",
            effective_from=D(2025, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        thresholds_set(
            actor=getattr(users, role),
            county=tree.county,
            effective_from=D(2025, 1, 1),
            exit_months=7,
        )
    assert not LivingAllowanceStandard.objects.exists()
    assert not AssistanceThresholds.objects.exists()


def test_a_county_admin_role_held_at_a_township_is_not_a_county_admin(tree):
    local_admin = make_user("local_admin", "county_admin", tree.a)
    with pytest.raises(PermissionDenied):
        standard_set(
            actor=local_admin,
            county=tree.county,
            year=2025,
            monthly_amount="800",
            effective_from=D(2025, 1, 1),
        )


def test_standards_belong_to_counties(tree, users):
    with pytest.raises(NotFound):
        standard_set(
            actor=users.county_admin,
            county=tree.a,
            year=2025,
            monthly_amount="800",
            effective_from=D(2025, 1, 1),
        )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "低保标准应大于 0"),
        ("-5", "低保标准应大于 0"),
        ("abc", "请填写低保标准金额"),
        ("800.123", "最多保留两位小数"),
        ("1000000", "不超过 100,000"),
    ],
)
def test_bad_standard_amounts(tree, users, amount, message):
    with pytest.raises(ValidationFailed) as refused:
        standard_set(
            actor=users.county_admin,
            county=tree.county,
            year=2025,
            monthly_amount=amount,
            effective_from=D(2025, 1, 1),
        )
    assert message in refused.value.fields["monthly_amount"][0]


def test_thresholds_default_until_set_then_keep_unnamed_values(tree, users):
    assert thresholds_in_force(tree.county, D(2025, 1, 1)).is_default
    first = thresholds_set(
        actor=users.county_admin,
        county=tree.county,
        effective_from=D(2025, 1, 1),
        relative_multiplier="2.5",
    )
    second = thresholds_set(
        actor=users.county_admin,
        county=tree.county,
        effective_from=D(2026, 1, 1),
        spot_check_share="0.5",
    )
    assert (first.relative_multiplier, first.spot_check_share) == (Decimal("2.5"), Decimal("0.30"))
    assert (second.relative_multiplier, second.spot_check_share) == (Decimal("2.5"), Decimal("0.5"))
    assert thresholds_in_force(tree.county, D(2025, 6, 1)) == first


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"spot_check_share": "0.2"}, "spot_check_share"),
        ({"exit_months": 3}, "exit_months"),
        ({"review_interval_months": 18}, "review_interval_months"),
        ({"deep_multiplier": "2", "relative_multiplier": "1.5"}, "relative_multiplier"),
        ({"near_line_margin": "0"}, "near_line_margin"),
        ({"near_line_margin": "1.5"}, "near_line_margin"),
    ],
)
def test_thresholds_keep_the_floors_of_the_rules(tree, users, values, field):
    with pytest.raises(ValidationFailed) as refused:
        thresholds_set(
            actor=users.county_admin, county=tree.county, effective_from=D(2025, 1, 1), **values
        )
    assert field in refused.value.fields
    assert not AssistanceThresholds.objects.exists()


def test_the_near_line_margin_defaults_to_20_percent_and_is_set_per_county(tree, users):
    assert thresholds_in_force(tree.county, D(2025, 1, 1)).near_line_margin == Decimal("0.20")
    row = thresholds_set(
        actor=users.county_admin,
        county=tree.county,
        effective_from=D(2025, 1, 1),
        near_line_margin="0.15",
    )
    assert row.near_line_margin == Decimal("0.15")
    assert "收入临界幅度 15%" in thresholds_summary(row)


def test_configured_thresholds_decide_the_category(tree, users):
    standard_set(
        actor=users.county_admin,
        county=tree.county,
        year=2024,
        monthly_amount="800",
        effective_from=D(2024, 1, 1),
    )
    thresholds_set(
        actor=users.county_admin,
        county=tree.county,
        effective_from=D(2024, 1, 1),
        relative_multiplier="2.5",
    )
    # 1,800/month: above 2× (1,600) but below 2.5× (2,000)
    archive = services.archive_create(
        actor=None,
        org=tree.a1,
        applied_on=D(2025, 1, 2),
        **archive_fields(annual_income=Decimal("64800"), household_size=3),
    )
    assert archive.category == HardshipCategory.RELATIVE
    assert (
        "相对困难线 2,000.00 元(2.5 倍)，帮扶标准参数 2024-01-01 起执行"
        in archive.category_explanation
    )

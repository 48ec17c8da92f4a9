"""The county's rules (weights summing to 100%, every problem at once, county level only),
the pay sheet (pay table, latest bonus, the county / township split) and promotion."""

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import ValidationFailed
from gonghui.members.tests.factories import build_member
from gonghui.staffing.appraisals import services as appraisals_services
from gonghui.staffing.models import (
    SocialWorker,
    StaffingScheme,
)
from gonghui.staffing.pay import selectors as pay_selectors
from gonghui.staffing.pay import services as pay_services
from gonghui.staffing.tests.factories import build_appraisal, build_worker
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

RULES = dict(
    computed_share=40,
    rater_weights={"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30},
    targets=[
        {"measure": "members.joined", "target": 4, "weight": 50},
        {"measure": "members.joins_reviewed", "target": 2, "weight": 30},
        {"measure": "outreach.followups.done", "target": 9, "weight": 20},
    ],
    cutoff_excellent=90,
    cutoff_competent=75,
    cutoff_basic=60,
    bonus={"excellent": 600, "competent": 300, "basic": 0, "unfit": 0},
)


def _rules(tree, **changes):
    return pay_services.scheme_save(actor=None, county=tree.county, **(RULES | changes))


def _admin(tree):
    from gonghui.accounts.models import User

    return User.objects.filter(username="admin_pay").first() or make_user(
        "admin_pay", "county_admin", tree.county
    )


def test_rater_weights_must_sum_to_100_and_nothing_is_written(tree):
    weights = {"chair": 40, "deputy": 20, "supervisor": 10, "workers": 20}
    with pytest.raises(ValidationFailed) as caught:
        _rules(tree, rater_weights=weights)
    assert "各类评议人的权重合计须为 100%，现为 90%。" in caught.value.fields["rater_weights"]
    assert not StaffingScheme.objects.exists()
    assert not AuditEvent.objects.filter(detail__what="staffing_scheme").exists()


def test_every_problem_of_the_rules_is_reported_at_once(tree):
    with pytest.raises(ValidationFailed) as caught:
        _rules(
            tree,
            computed_share=120,
            targets=[{"measure": "members.joined", "target": 4, "weight": 60}],
            cutoff_excellent=70,
            cutoff_competent=75,
        )
    fields = caught.value.fields
    assert fields["computed_share"] == ["实绩考核占比须在 0–100 之间。"]
    assert fields["targets"] == ["实绩指标的权重合计须为 100%，现为 60%。"]
    assert fields["cutoff_competent"] == ["分数线须依次降低：优秀 > 称职 > 基本称职。"]
    assert not StaffingScheme.objects.exists()


def test_a_measure_not_in_the_registry_is_refused_with_the_other_errors(tree):
    targets = [
        {"measure": "members.joined", "target": 4, "weight": 50},
        {"measure": "outreach.not_landed_yet", "target": 9, "weight": 40},
    ]
    with pytest.raises(ValidationFailed) as caught:
        _rules(tree, targets=targets)
    assert caught.value.fields["targets"] == [
        "实绩指标“outreach.not_landed_yet”不是已登记的统计指标(编码有误或所属模块未上线)，"
        "不能用于考核。",
        "实绩指标的权重合计须为 100%，现为 90%。",
    ]
    assert not StaffingScheme.objects.exists()


def test_rules_are_set_at_county_level_only(tree):
    with pytest.raises(ValidationFailed):
        pay_services.scheme_save(actor=None, county=tree.a, **RULES)
    scheme = _rules(tree)
    assert pay_selectors.scheme_for(tree.a1).pk == scheme.pk


def test_pay_sheet_adds_the_latest_bonus_and_splits_the_cost(tree):
    _rules(tree, targets=[{"measure": "members.joined", "target": 1, "weight": 100}])
    # Recorded before the table was set up: its cell does not exist (paid 0, flagged).
    build_worker(org=tree.b, band=3)
    pay_services.pay_grade_set(actor=None, county=tree.county, grade=1, band=2, monthly_pay="4200")
    build_member(org=tree.a, joined_on=dt.date(2026, 2, 1))
    worker = build_worker(org=tree.a, band=2, county_share=60)
    appraisal = build_appraisal(worker=worker, quarter=1)
    assert (
        appraisals_services.appraisal_publish(actor=None, appraisal=appraisal).result == "excellent"
    )
    rows = {
        r.worker.pk: r
        for r in pay_selectors.pay_sheet(_admin(tree), tree.county, dt.date(2026, 4, 1))
    }
    row = rows[worker.pk]
    assert (row.pay.base, row.pay.bonus, row.pay.total) == (
        Decimal("4200.00"),
        Decimal("600.00"),
        Decimal("4800.00"),
    )
    assert (row.pay.county_part, row.pay.township_part) == (Decimal("2880.00"), Decimal("1920.00"))
    assert [r.missing_cell for r in rows.values()].count(True) == 1
    # In March the quarter's result was not yet published for a period ended before it.
    march = {
        r.worker.pk: r
        for r in pay_selectors.pay_sheet(_admin(tree), tree.county, dt.date(2026, 3, 1))
    }
    assert march[worker.pk].pay.bonus == Decimal("0.00")


def test_promotion_follows_years_certificate_and_yearly_results(tree):
    _rules(tree, targets=[{"measure": "members.joined", "target": 1, "weight": 100}])
    for band in (1, 2):
        pay_services.pay_grade_set(
            actor=None, county=tree.county, grade=1, band=band, monthly_pay=4000
        )
    # A year's targets are four quarters': 4 joins a year attain the quarterly target of 1.
    for year in (2024, 2025):
        for day in range(1, 5):
            build_member(org=tree.a, joined_on=dt.date(year, 6, day))
    eligible = build_worker(org=tree.a, band_since=dt.date(2023, 1, 1))
    no_certificate = build_worker(org=tree.a, band_since=dt.date(2023, 1, 1), certificates=[])
    too_new = build_worker(org=tree.a, band_since=dt.date(2025, 6, 1))
    for worker in (eligible, no_certificate, too_new):
        for year in (2024, 2025):
            appraisal = build_appraisal(worker=worker, kind="year", year=year)
            appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
    found = pay_selectors.promotion_candidates(_admin(tree), tree.county, dt.date(2026, 1, 15))
    assert [c.worker for c in found] == [eligible]
    assert (found[0].step, found[0].to_grade, found[0].to_band) == ("band", 1, 2)
    assert "2025年优秀" in found[0].evidence[2]
    # A worker whose contract is under review is not put forward.
    SocialWorker.objects.filter(pk=eligible.pk).update(contract_review=True)
    assert pay_selectors.promotion_candidates(_admin(tree), tree.county, dt.date(2026, 1, 15)) == []

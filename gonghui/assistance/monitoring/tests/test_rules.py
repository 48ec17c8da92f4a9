"""Each monitoring rule fires exactly on its boundary and not below (hand-built households)."""

import datetime
from decimal import Decimal

import pytest

from gonghui.assistance.models import Alert, DisasterEvent
from gonghui.assistance.monitoring import services
from gonghui.assistance.monitoring.definitions import RuleCode
from gonghui.assistance.monitoring.tests.factories import (
    ON,
    applied,
    archived,
    disaster,
    figures,
    job_loss,
    medical,
    new_id,
    rejected,
    run,
    watched,
)
from gonghui.assistance.standards.services import thresholds_set
from gonghui.members.tests.factories import build_member

pytestmark = pytest.mark.django_db


def fired(code, target):
    field = "member" if target.__class__.__name__ == "Member" else "archive"
    return list(Alert.objects.filter(rule_code=code, **{field: target}))


# --- income near the line: a household outside help, at or above the entry line (2 × 低保 = 1,600
# a person a month) by at most 20% (1,920). Households of 3: 57,600 / 69,120 a year. -------------


def test_income_near_line_fires_from_the_entry_line_to_the_margin_and_not_a_cent_outside(tree):
    # given watched (exited) households of 3 with no essential costs
    at_entry = figures(watched(tree.a1), annual_income=Decimal("57600"), household_size=3)
    below = figures(watched(tree.a1), annual_income=Decimal("57599.64"), household_size=3)
    at_top = figures(watched(tree.a1), annual_income=Decimal("69120"), household_size=3)
    above = figures(watched(tree.a1), annual_income=Decimal("69120.36"), household_size=3)
    # when the rules run
    run()
    # then the two at the bounds fire, with the figures that explain them
    [alert] = fired(RuleCode.INCOME_NEAR_LINE, at_entry)
    assert {
        k: alert.facts[k]
        for k in (
            "per_capita_monthly_net",
            "standard",
            "entry_line",
            "margin",
            "upper_line",
            "above_entry_line",
            "archive_status",
        )
    } == {
        "per_capita_monthly_net": "1600.00",
        "standard": "800.00",
        "entry_line": "1600.00",
        "margin": "20%",
        "upper_line": "1920.00",
        "above_entry_line": "0%",
        "archive_status": "watched",
    }
    assert alert.risk == "medium" and alert.rule.is_current
    assert fired(RuleCode.INCOME_NEAR_LINE, at_top)[0].facts["above_entry_line"] == "20%"
    # below the entry line the household meets the test (a relapse, not a near-line case);
    # a cent a month above the margin is out of the window
    assert fired(RuleCode.INCOME_NEAR_LINE, below) == []
    assert fired(RuleCode.INCOME_NEAR_LINE, above) == []


def test_income_near_line_counts_essential_costs(tree):
    # given 64,800 income − 7,200 medical = 57,600 net: exactly the entry line
    costs = figures(
        watched(tree.a1),
        annual_income=Decimal("64800"),
        medical_expense=Decimal("7200"),
        household_size=3,
    )
    run()
    [alert] = fired(RuleCode.INCOME_NEAR_LINE, costs)
    assert alert.facts["essential_expenditure"] == "7200.00"
    assert alert.facts["per_capita_monthly_net"] == "1600.00"


def test_income_near_line_finds_applications_found_not_eligible(tree):
    # given an application rejected with income just above the entry line
    household = figures(rejected(tree.a1), annual_income=Decimal("60000"), household_size=3)
    run()
    [alert] = fired(RuleCode.INCOME_NEAR_LINE, household)
    assert alert.facts["archive_status"] == "rejected"
    assert alert.facts["per_capita_monthly_net"] == "1666.67"
    assert alert.facts["above_entry_line"] == "4.2%"


def test_income_near_line_leaves_out_households_being_helped_or_applying(tree):
    # given households in the window that are helped (archived) or applying (applied)
    helped = figures(archived(tree.a1), annual_income=Decimal("60000"), household_size=3)
    applying = figures(applied(tree.a1), annual_income=Decimal("60000"), household_size=3)
    run()
    assert fired(RuleCode.INCOME_NEAR_LINE, helped) == []
    assert fired(RuleCode.INCOME_NEAR_LINE, applying) == []


def test_income_near_line_takes_a_rejected_person_once_and_not_while_they_hold_an_archive(tree):
    # given a person rejected twice, and one rejected who applied again (a live archive)
    twice = new_id(901)
    first = figures(rejected(tree.a1, id_number=twice), annual_income=Decimal("60000"))
    second = figures(rejected(tree.a1, id_number=twice), annual_income=Decimal("60000"))
    again = new_id(902)
    old = figures(rejected(tree.a1, id_number=again), annual_income=Decimal("60000"))
    applied(tree.a1, id_number=again)
    for household in (first, second, old):
        figures(household, household_size=3)
    run()
    # then only the latest rejection of the first person fires
    assert fired(RuleCode.INCOME_NEAR_LINE, first) == []
    assert len(fired(RuleCode.INCOME_NEAR_LINE, second)) == 1
    assert fired(RuleCode.INCOME_NEAR_LINE, old) == []


def test_income_near_line_uses_the_county_margin_and_entry_multiplier_in_force(tree):
    # given the county narrows the margin to 10% and raises the entry line to 2.5 × 低保 = 2,000
    thresholds_set(
        actor=None,
        county=tree.county,
        effective_from=ON - datetime.timedelta(days=30),
        near_line_margin="0.10",
        relative_multiplier="2.5",
    )
    top = figures(watched(tree.a1), annual_income=Decimal("79200"), household_size=3)  # 2,200
    entry = figures(watched(tree.a1), annual_income=Decimal("72000.36"), household_size=3)
    above = figures(watched(tree.a1), annual_income=Decimal("79200.36"), household_size=3)
    old_window = figures(watched(tree.a1), annual_income=Decimal("60000"), household_size=3)
    run()
    [alert] = fired(RuleCode.INCOME_NEAR_LINE, top)
    assert (
        alert.facts["relative_multiplier"],
        alert.facts["entry_line"],
        alert.facts["margin"],
        alert.facts["upper_line"],
    ) == ("2.5", "2000.00", "10%", "2200.00")
    assert fired(RuleCode.INCOME_NEAR_LINE, entry)[0].facts["per_capita_monthly_net"] == "2000.01"
    assert fired(RuleCode.INCOME_NEAR_LINE, above) == []
    assert fired(RuleCode.INCOME_NEAR_LINE, old_window) == []  # now below the entry line


# --- medical cost -------------------------------------------------------------------------------


def test_inpatient_cost_of_an_exited_household_fires_at_5000(tree):
    at_line, below = watched(tree.a1), watched(tree.a1)
    medical(at_line, "3000")
    medical(at_line, "2000", days_ago=200)
    medical(below, "4999.99")
    run()
    [alert] = fired(RuleCode.MEDICAL_COST, at_line)
    assert alert.facts["inpatient_self_paid"] == "5000.00"
    assert alert.facts["inpatient_line"] == "5000.00"
    assert alert.facts["records"] == 2
    assert alert.facts["fired_by"] == ["inpatient"]
    assert alert.risk == "high"
    assert fired(RuleCode.MEDICAL_COST, below) == []


def test_inpatient_cost_of_other_households_and_members_fires_at_20000(tree):
    at_line, below = applied(tree.a1), applied(tree.a1)
    member, poorer = build_member(org=tree.a1), build_member(org=tree.a1)
    medical(at_line, "20000")
    medical(below, "19999.99")
    medical(member, "20000")
    medical(poorer, "19999.99")
    run()
    assert len(fired(RuleCode.MEDICAL_COST, at_line)) == 1
    assert fired(RuleCode.MEDICAL_COST, below) == []
    [alert] = fired(RuleCode.MEDICAL_COST, member)
    assert alert.archive_id is None and alert.org == tree.a1
    assert fired(RuleCode.MEDICAL_COST, poorer) == []


def test_inpatient_cost_outside_the_year_does_not_count(tree):
    household = watched(tree.a1)
    medical(household, "5000", days_ago=365)  # the window is the last 365 days, today included
    run()
    assert fired(RuleCode.MEDICAL_COST, household) == []


def test_costs_a_closed_alert_dealt_with_do_not_count_towards_the_line_again(tree):
    member = build_member(org=tree.a1)
    medical(member, "20000", days_ago=20)
    run()
    [first] = fired(RuleCode.MEDICAL_COST, member)
    services.alert_close(actor=None, alert=first, outcome="helped", reason="已发放医疗救助")
    # the year's total is 25,000 but only 5,000 of it is new since the alert was closed
    medical(member, "5000", days_ago=5)
    run()
    assert [a.status for a in fired(RuleCode.MEDICAL_COST, member)] == ["closed"]
    medical(member, "15000", days_ago=1)
    run()
    new = next(a for a in fired(RuleCode.MEDICAL_COST, member) if a.status == "open")
    assert (new.facts["inpatient_self_paid"], new.facts["records"]) == ("20000.00", 2)


def test_outpatient_cost_fires_at_500_in_the_last_30_days(tree):
    at_line, below, old = applied(tree.a1), applied(tree.a1), applied(tree.a1)
    medical(at_line, "300", care="outpatient", days_ago=1)
    medical(at_line, "200", care="outpatient", days_ago=29)
    medical(below, "499.99", care="outpatient")
    medical(old, "500", care="outpatient", days_ago=30)
    run()
    [alert] = fired(RuleCode.MEDICAL_COST, at_line)
    assert alert.facts["outpatient_self_paid"] == "500.00"
    assert alert.facts["fired_by"] == ["outpatient"]
    assert alert.risk == "medium"
    assert fired(RuleCode.MEDICAL_COST, below) == []
    assert fired(RuleCode.MEDICAL_COST, old) == []


def test_a_household_members_cost_is_recorded_on_the_archive(tree):
    from gonghui.assistance.archives.services import household_member_add
    from gonghui.members.tests.factories import make_id_number

    household = applied(tree.a1)
    child_id = make_id_number(n=4321, birth=datetime.date(2010, 5, 5))
    household_member_add(
        actor=None, archive=household, relation="child", name="孩子", id_number=child_id
    )
    expense, _created = services.medical_expense_record(
        actor=None, id_number=child_id, occurred_on=ON, care="inpatient", self_paid="20000"
    )
    assert (expense.archive_id, expense.member_id) == (household.pk, None)


# --- schooling cost -------------------------------------------------------------------------------


def test_schooling_cost_fires_at_10000_a_year(tree):
    at_line = figures(archived(tree.a1), schooling_expense=Decimal("10000"))
    below = figures(archived(tree.a1), schooling_expense=Decimal("9999.99"))
    run()
    [alert] = fired(RuleCode.SCHOOLING_COST, at_line)
    assert alert.facts["schooling_expense"] == "10000.00"
    assert fired(RuleCode.SCHOOLING_COST, below) == []


# --- disaster, job loss -----------------------------------------------------------------------------


def test_disaster_fires_within_the_last_30_days_only(tree):
    recent, old = applied(tree.a1), applied(tree.a1)
    member = build_member(org=tree.a1)
    disaster(recent, days_ago=29, loss=12000)
    disaster(old, days_ago=30)
    disaster(member, days_ago=0, loss=100)
    run()
    [alert] = fired(RuleCode.DISASTER, recent)
    assert alert.facts["loss"] == "12000.00"
    assert alert.facts["kind"] == "洪涝"
    assert alert.risk == "high"
    assert fired(RuleCode.DISASTER, old) == []
    assert fired(RuleCode.DISASTER, member)[0].risk == "medium"


def test_the_same_disaster_recorded_twice_is_one_event(tree):
    household = applied(tree.a1)
    disaster(household)
    disaster(household)
    assert DisasterEvent.objects.filter(archive=household).count() == 1


def test_job_loss_fires_within_the_last_60_days_only(tree):
    recent, old = applied(tree.a1), applied(tree.a1)
    job_loss(recent, days_ago=59)
    job_loss(old, days_ago=60)
    run()
    assert fired(RuleCode.JOB_LOSS, recent)[0].facts["reports"] == 1
    assert fired(RuleCode.JOB_LOSS, old) == []


# --- yearly check overdue ------------------------------------------------------------------------------


def test_review_overdue_fires_the_day_after_the_due_date(tree):
    late = figures(archived(tree.a1), next_review_due=ON - datetime.timedelta(days=1))
    due_today = figures(archived(tree.a1), next_review_due=ON)
    very_late = figures(archived(tree.a1), next_review_due=ON - datetime.timedelta(days=91))
    run()
    [alert] = fired(RuleCode.REVIEW_OVERDUE, late)
    assert (alert.facts["overdue_days"], alert.risk) == (1, "low")
    assert fired(RuleCode.REVIEW_OVERDUE, due_today) == []
    assert fired(RuleCode.REVIEW_OVERDUE, very_late)[0].risk == "medium"


# --- exited household in its watch window ---------------------------------------------------------------


def test_exited_household_with_a_new_adverse_fact_in_its_watch_window_fires(tree):
    hit, before_exit, outside_window = watched(tree.a1), watched(tree.a1), watched(tree.a1)
    job_loss(hit, days_ago=10)
    job_loss(before_exit, on=hit.exited_on, days_ago=1)  # the day before it exited
    figures(outside_window, watch_until=ON - datetime.timedelta(days=1))
    job_loss(outside_window, days_ago=5)
    run()
    [alert] = fired(RuleCode.EXITED_ADVERSE, hit)
    assert alert.facts["adverse"] == ["job_loss"]
    assert alert.facts["exited_on"] == hit.exited_on.isoformat()
    assert fired(RuleCode.EXITED_ADVERSE, before_exit) == []
    assert fired(RuleCode.EXITED_ADVERSE, outside_window) == []


def test_rejected_archives_and_other_counties_are_left_alone(tree):
    from gonghui.assistance.archives.tests.factories import advance

    rejected = advance(applied(tree.a1), "rejected")
    figures(rejected, schooling_expense=Decimal("50000"))
    run()
    assert not Alert.objects.filter(archive=rejected).exists()

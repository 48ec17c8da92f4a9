"""Browser: an alert is closed with an outcome; the monitoring pages fit phone and desktop
screens (screenshots in test-artifacts/)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.assistance.models import Alert, SchoolingExpense
from gonghui.assistance.monitoring.tests.factories import ON, archived, figures, job_loss, run
from gonghui.core.testing.browser import browser_login
from gonghui.members.tests.factories import build_member, make_id_number

pytestmark = pytest.mark.browser
ARTIFACTS = Path("test-artifacts")


@pytest.fixture
def alerts(tree):
    household = figures(archived(tree.a1, name="浏览器预警户"), schooling_expense=Decimal("16000"))
    other = archived(tree.ae, name="浏览器失业户")
    job_loss(other, days_ago=3)
    run()
    Alert.objects.filter(archive=other).update(deadline=ON - datetime.timedelta(days=1))
    return Alert.objects.get(archive=household, rule_code="schooling_cost")


def test_staff_close_an_alert_with_an_outcome(page, users, alerts):
    browser_login(page, users.township_staff)
    page.goto("/assistance/alerts/")
    page.get_by_role("link", name="大额教育支出").first.click()
    expect(page.locator("#alert-facts")).to_contain_text("16000.00")
    page.locator("#id_outcome").select_option("helped")
    page.locator("#id_reason").fill("已申请金秋助学，发放助学金 3000 元")
    page.get_by_role("button", name="办结").click()
    expect(page.locator("#alert-outcome")).to_contain_text("已实施帮扶")
    alerts.refresh_from_db()
    assert (alerts.status, alerts.outcome, alerts.closed_by) == (
        "closed",
        "helped",
        users.township_staff,
    )


PAGES = {
    "alerts": "/assistance/alerts/",
    "alert": None,
    "overdue": "/assistance/alerts/overdue/",
    "map": "/assistance/alerts/map/",
    "rules": "/assistance/monitoring/rules/",
    "medical": "/assistance/monitoring/medical/new/",
    "schooling": "/assistance/monitoring/schooling/new/",
    "disaster": "/assistance/monitoring/disaster/new/",
}


def test_staff_record_a_members_schooling_cost_from_the_alert_list(page, users, tree):
    member = build_member(org=tree.a1, name="浏览器家长", id_number=make_id_number(n=731))
    browser_login(page, users.township_staff)
    page.goto("/assistance/alerts/")
    page.locator("#fact-entry summary").click()
    page.locator("#fact-entry").get_by_role("link", name="教育支出").click()
    page.locator("#id_id_number").fill(member.id_number)
    page.locator("#id_student_name").fill("浏览器学生")
    page.locator("#id_stage").select_option(label="本科")
    page.locator("#id_paid_on").fill("2026-06-01")
    page.locator("#id_amount").fill("11000")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("已登记教育支出")
    expense = SchoolingExpense.objects.get()
    assert (expense.member, expense.amount, expense.recorded_by) == (
        member,
        Decimal("11000.00"),
        users.township_staff,
    )


def test_the_rules_page_offers_a_run_button_and_no_codes(page, users):
    browser_login(page, users.county_staff)
    page.goto("/assistance/monitoring/rules/")
    expect(page.get_by_role("button", name="立即运行监测")).to_be_visible()
    text = page.locator("main").inner_text()
    assert "income_near_line" not in text and "monitoring_run" not in text


def test_monitoring_pages_fit_phone_and_desktop(page, users, alerts):
    ARTIFACTS.mkdir(exist_ok=True)
    browser_login(page, users.county_admin)
    for label, size in (("phone", (390, 844)), ("desktop", (1440, 900))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        for name, url in PAGES.items():
            page.goto(url or f"/assistance/alerts/{alerts.pk}/")
            expect(page.locator("h1")).to_be_visible()
            if name == "map":
                expect(page.locator("#chart-alert-bar canvas")).to_have_count(1)
            page.screenshot(path=str(ARTIFACTS / f"monitoring-{label}-{name}.png"), full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (label, name, overflow)

"""困难职工自测 → apply → status on a phone (390x844, Chromium), and the statistics page on a
desktop (1440x900). Screenshots go to test-artifacts/ (hardship-*.png)."""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from gonghui.assistance.archives.tests.factories import archive_in, ensure_standard
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import HardshipArchive
from gonghui.core.testing.browser import browser_login
from gonghui.members.tests.factories import make_id_number

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
DESKTOP_1440 = {"width": 1440, "height": 900}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.screenshot(
        path=str(ARTIFACTS / f"hardship-{name}-{size['width']}x{size['height']}.png"),
        full_page=True,
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.browser
def test_self_check_then_apply_then_status_on_a_phone(phone_page, browser_log, tree):
    browser_log.allow_console("status of 422")  # the first submission is refused on purpose
    ensure_standard(tree.a1)
    page = phone_page
    # given the portal home on a phone
    page.goto("/portal/")
    page.get_by_role("link", name="困难职工自测").click()
    # when the worker enters the household's figures
    page.select_option("#id_township", str(tree.a.pk))
    page.fill("#id_household_size", "3")
    page.fill("#id_annual_income", "36000")
    page.fill("#id_medical_expense", "6000")
    _shot(page, "self-check")
    page.get_by_role("button", name="开始测算").click()
    # then the result names the category and explains the calculation
    expect(page.locator("#result-title")).to_have_text("您家可能符合“相对困难”职工条件")
    expect(page.locator("#explanation li")).to_have_count(4)
    expect(page.locator("#explanation")).to_contain_text("833.33")
    _shot(page, "result")
    # when the worker applies, the figures are already filled in
    page.get_by_role("button", name="申请建档").click()
    expect(page.locator("#id_annual_income")).to_have_value("36000")
    expect(page.locator(".hs-member")).to_have_count(2)
    page.fill("#id_name", "王困难")
    page.fill("#id_id_number", make_id_number(n=4301, birth=datetime.date(1981, 7, 8)))
    page.fill("#id_phone", "13900002468")
    page.fill("#id_address", "青禾县甲镇幸福路 8 号")
    page.select_option("#id_hukou_type", "urban")
    page.select_option("#id_main_cause", "serious_illness")
    page.select_option("#id_household-0-relation", "spouse")
    page.fill("#id_household-0-name", "李配偶")
    page.get_by_role("button", name="提交申请").click()
    # then a missing promise is reported at its field, in Chinese, with the input kept
    expect(page.locator("#id_promise_errors")).to_have_text("请勾选承诺。")
    expect(page.locator("#id_household-0-name")).to_have_value("李配偶")
    page.locator("#id_promise").check()
    _shot(page, "apply")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    expect(page.locator("#done")).to_contain_text("甲镇总工会")
    _shot(page, "done")
    archive = HardshipArchive.objects.get()
    assert archive.source == "portal" and archive.household_members.count() == 1
    assert archive.address == "青禾县甲镇幸福路 8 号"
    # and the status check finds it by ID number and phone
    page.get_by_role("link", name="查询办理进度").click()
    page.fill("#id_id_number", archive.id_number)
    page.fill("#id_phone", "13900002468")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#status-result h1")).to_have_text("已提交，等待工会核实")
    _shot(page, "status")


@pytest.mark.browser
def test_statistics_page_draws_its_charts_on_a_desktop(page, users, tree):
    archive_in(ArchiveStatus.ARCHIVED, org=tree.a1, name="统计在档户")
    archive_in(ArchiveStatus.APPLIED, org=tree.b1, name="统计申请户", is_migrant_worker=True)
    page.set_viewport_size(DESKTOP_1440)
    browser_login(page, users.county_staff)
    page.goto("/assistance/stats/?year=2025")
    expect(page.get_by_role("heading", name="困难职工帮扶统计")).to_be_visible()
    expect(page.locator("#stats-table tbody tr")).to_have_count(3)  # A, B, total
    for chart in ("categories", "orgs", "causes", "flows", "groups"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    _shot(page, "stats")
    page.goto("/portal/assistance/self-check/")
    _shot(page, "self-check")


@pytest.mark.browser
def test_an_empty_application_shows_every_error_at_once_and_each_clears_when_corrected(
    phone_page, browser_log, tree
):
    """Issue 14 #3 on a phone: one submit, every message; required fields marked; editing a
    field removes its message at once (static/js/forms.js, no inline script)."""
    browser_log.allow_console("status of 422")
    ensure_standard(tree.a1)
    page = phone_page
    page.goto("/portal/assistance/apply/")
    for field in ("township", "name", "id_number", "phone", "address", "main_cause"):
        expect(page.locator(f"label[for=id_{field}] .req")).to_have_count(1)
    expect(page.locator("label[for=id_employer_name] .req")).to_have_count(0)
    page.fill("#id_id_number", "110105194912310021")
    page.get_by_role("button", name="提交申请").click()
    for field in ("township", "name", "id_number", "phone", "address", "main_cause", "promise"):
        expect(page.locator(f"#id_{field}_errors")).to_be_visible()
    expect(page.locator("#id_id_number_errors")).to_contain_text("校验位不正确")
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    _shot(page, "apply-errors")
    # typing a name clears the name's message (and only that one)
    page.fill("#id_name", "王困难")
    expect(page.locator("#id_name_errors")).to_have_count(0)
    expect(page.locator("#id_name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_phone_errors")).to_be_visible()
    # choosing a township and ticking the promise clear theirs
    page.select_option("#id_township", str(tree.a.pk))
    expect(page.locator("#id_township_errors")).to_have_count(0)
    page.check("#id_promise")
    expect(page.locator("#id_promise_errors")).to_have_count(0)
    assert not HardshipArchive.objects.exists()

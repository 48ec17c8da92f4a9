"""Browser: the annual return's logic-check list, corrected by entering a number, then submitted
and frozen (no inputs left)."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.dashboard.returns.services import return_create, return_manual_set

pytestmark = pytest.mark.browser


def test_the_check_list_shows_a_failure_until_it_is_fixed_then_the_return_is_submitted(
    page, users, tree
):
    annual = return_create(actor=None, org=tree.county, year=2026)
    entries = {code: 0 for code, source in annual.sources.items() if source != "measure"}
    return_manual_set(actor=None, annual=annual, entries={**entries, "W1": 2})
    browser_login(page, users.county_staff)
    page.goto(f"/dashboard/returns/{annual.pk}/")
    failure = page.locator('#checks [data-check="K6"]')
    expect(failure).to_contain_text("建立职代会制度的单位数 2 > 已建立工会的单位数 0")
    # Each item of the failed check links to where it comes from: the employers behind U2.
    failure.get_by_role("link", name="已建立工会的单位数的记录").click()
    expect(page.locator("h1")).to_contain_text("用人单位")
    page.go_back()
    page.get_by_role("button", name="审核并上报").click()
    expect(page.locator(".alert, .messages").first).to_contain_text("建立职代会制度的单位数")
    page.locator("#id_W1").fill("0")
    page.get_by_role("button", name="保存手工填报项目").click()
    expect(page.locator("#checks")).to_contain_text("全部通过")
    page.get_by_role("button", name="审核并上报").click()
    expect(page.locator("#items input[type=text]")).to_have_count(0)
    expect(page.get_by_text("数据已冻结").first).to_be_visible()

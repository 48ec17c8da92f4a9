"""Browser: the error pages a person sees with debug off, on the live server (Chinese,
in the site's layout, no English framework page)."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.urls("gonghui.core.tests.urls_errors")]

ENGLISH = r"Bad Request|Not Found|Forbidden|Server Error|URLconf|Traceback|Request Entity"
PAD_FORM = """([selector, size]) => {
  const form = document.querySelector(selector);
  const pad = document.createElement("input");
  pad.type = "hidden"; pad.name = "padding"; pad.value = "x".repeat(size);
  form.appendChild(pad);
  form.submit();
}"""


def expect_no_english(page):
    expect(page.locator("body")).not_to_contain_text(ENGLISH)


def test_staff_see_404_and_500_inside_their_layout(page, users, tree, browser_log):
    browser_log.allow_console(r"status of (404|500) ")
    browser_login(page, users.township_staff)

    # a record of another township looks exactly like a missing one
    response = page.goto(f"/orgs/{tree.b.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator(".error-message")).to_have_text("页面不存在，或该记录不在您的数据范围内。")
    expect(page.locator("#sidenav")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(tree.b.name)
    expect_no_english(page)

    response = page.goto("/orgs/__broken__/")
    assert response.status == 500
    expect(page.locator("h1")).to_have_text("系统繁忙")
    expect(page.locator("#sidenav")).to_be_visible()
    expect_no_english(page)

    # the way back works
    page.get_by_role("link", name="返回工作台").click()
    expect(page.locator("h1")).to_have_text("工作台")


def test_an_oversized_staff_form_is_a_chinese_413(page, users, tree, browser_log, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    browser_log.allow_console(r"status of 413 ")
    browser_login(page, users.county_admin)
    page.goto("/orgs/new/")
    with page.expect_navigation() as navigation:
        page.evaluate(PAD_FORM, ["main form[method=post]", 1_200_000])
    assert navigation.value.status == 413
    expect(page.locator("h1")).to_have_text("提交的内容过大")
    expect(page.locator(".error-message")).to_contain_text("不能超过 1 MB")
    expect(page.locator("#sidenav")).to_be_visible()
    expect_no_english(page)


def test_workers_see_errors_in_the_portal_layout(phone_page, browser_log, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    browser_log.allow_console(r"status of (404|413) ")
    page = phone_page

    response = page.goto("/portal/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator(".portal-back")).to_have_text("‹ 首页")
    expect_no_english(page)

    page.goto("/join/")
    with page.expect_navigation() as navigation:
        page.evaluate(PAD_FORM, ["#join-form", 1_200_000])
    assert navigation.value.status == 413
    expect(page.locator("h1")).to_have_text("提交的内容过大")
    expect(page.locator(".portal-back")).to_be_visible()
    expect_no_english(page)

    page.locator(".error-card").get_by_role("link", name="返回职工服务首页").click()
    expect(page.locator("h1")).to_have_text("职工服务")


def test_a_foreign_host_name_is_a_chinese_400(page, live_server, settings, browser_log):
    browser_log.allow_console(r"status of 400 ")
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # the live server answers as localhost
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert response.status == 400
    expect(page.locator("h1")).to_have_text("访问地址不正确")
    expect_no_english(page)

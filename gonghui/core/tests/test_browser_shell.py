"""Browser: the site shell on a phone-sized screen (navigation toggle, no horizontal overflow)."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login

pytestmark = pytest.mark.browser

OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def assert_no_horizontal_overflow(page) -> None:
    scroll_width, inner_width = page.evaluate(OVERFLOW)
    assert scroll_width <= inner_width, (
        f"{page.url}: page is {scroll_width}px wide on {inner_width}"
    )


def test_phone_navigation_toggle_opens_the_side_navigation(phone_page, users, tree):
    page = phone_page
    browser_login(page, users.county_admin)
    toggle = page.locator("[data-nav-toggle]")
    sidenav = page.locator("#sidenav")

    # the navigation starts off screen, behind the ☰ button
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("☰")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(sidenav).not_to_be_in_viewport()

    # tapping ☰ slides it in
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sidenav).to_be_in_viewport(ratio=0.99)
    link = sidenav.get_by_role("link", name="用户与角色")
    expect(link).to_be_visible()

    # and its links work: the user list renders within the screen's width
    link.tap()
    expect(page.locator("h1")).to_have_text("用户与角色")
    expect(page.locator("table.table")).to_contain_text("township_staff")
    expect(sidenav).not_to_be_in_viewport()
    assert_no_horizontal_overflow(page)


def test_phone_pages_have_no_horizontal_overflow(phone_page, users, tree, enterprise_factory):
    page = phone_page
    enterprise_factory(org=tree.a, name="甲镇一个名称相当长的新材料科技股份有限公司")
    browser_login(page, users.county_admin)
    assert_no_horizontal_overflow(page)  # home

    for url, heading in [
        ("/accounts/users/", "用户与角色"),
        (f"/accounts/users/{users.township_staff.pk}/", users.township_staff.display_name),
        ("/orgs/list/", "组织列表"),
        ("/orgs/enterprises/", "用人单位"),
        (f"/orgs/{tree.a.pk}/", "甲镇总工会"),
        ("/audit/", "审计日志"),
        ("/imports/", "数据导入"),
        ("/imports/new/enterprises/", "导入用人单位"),
    ]:
        page.goto(url)
        expect(page.locator("h1")).to_contain_text(heading)
        assert_no_horizontal_overflow(page)


def test_phone_top_bar_keeps_one_line_with_a_long_name(phone_page, users, tree):
    """A long display name is cut with an ellipsis; the brand and 退出 never wrap."""
    user = users.grassroots_staff
    user.full_name = "欧阳娜仁托娅·阿不都热合曼·买买提"
    user.save(update_fields=["full_name"])
    page = phone_page
    browser_login(page, user)
    bar = page.locator("header.topbar").bounding_box()
    line = page.locator(".brand-text").evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    for selector in (".brand-text", ".user-name > span", "header.topbar button.linklike"):
        box = page.locator(selector).bounding_box()
        assert box["height"] < 2 * line, selector  # one line
        assert box["y"] >= bar["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"]
    name = page.locator(".user-name > span")
    assert name.evaluate("e => e.scrollWidth > e.clientWidth")  # cut, not wrapped
    expect(page.locator(".user-name")).to_have_attribute(
        "title", f"{user.display_name} 甲镇一村工会"
    )
    expect(page.get_by_role("button", name="退出")).to_be_in_viewport()

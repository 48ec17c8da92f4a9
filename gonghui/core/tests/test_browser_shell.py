"""Browser: the site shell on a phone-sized screen (navigation toggle, no horizontal overflow)."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import assert_no_horizontal_overflow, browser_login

pytestmark = pytest.mark.browser


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

    # tapping ☰ slides it in; its groups open on a tap
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sidenav).to_be_in_viewport(ratio=0.99)
    link = sidenav.get_by_role("link", name="用户与角色")
    expect(link).not_to_be_visible()
    sidenav.get_by_text("系统管理").tap()
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


def test_menu_groups_fit_a_laptop_screen_and_the_current_group_opens(page, users, tree):
    from gonghui.members.joining.tests.matrix import build_application

    build_application(org=tree.a1, name="待审核的申请人")
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, users.county_admin)
    sidenav = page.locator("#sidenav")
    # the whole menu fits without scrolling, and the to-do panel is on the first screen
    height, visible = sidenav.evaluate("e => [e.scrollHeight, e.clientHeight]")
    assert height <= visible
    expect(page.get_by_role("heading", name="待办")).to_be_in_viewport()
    todo = page.locator(".todo-item", has_text="待审核的入会申请")
    expect(todo.locator(".todo-count")).to_have_text("1")
    # a group opens on a click, and a page of a group opens its group, alone
    transfers = sidenav.get_by_role("link", name="会籍转移")
    expect(transfers).not_to_be_visible()
    sidenav.get_by_text("会员管理").click()
    expect(transfers).to_be_visible()
    join = sidenav.get_by_role("link", name="入会审核")
    expect(join.locator(".nav-count")).to_have_text("1")
    join.click()
    expect(page.locator("h1")).to_have_text("网上入会审核")
    expect(page.locator("details.nav-group[open]")).to_have_count(1)
    expect(page.locator("details.nav-group[open] summary")).to_contain_text("会员管理")
    expect(sidenav.locator(".nav-item.active")).to_contain_text("入会审核")


def test_audit_log_cells_keep_to_one_line_at_1366(page, users, tree):
    from gonghui.audit.models import AuditAction
    from gonghui.audit.services import audit_record
    from gonghui.orgs.services import org_update

    org_update(
        actor=None,
        org=tree.a1,
        name="甲镇某某村股份经济合作社暨新型农村社区联合工会委员会",
        short_name="",
    )
    tree.a1.refresh_from_db()
    for _ in range(3):
        audit_record(
            action=AuditAction.UPDATED,
            user=users.county_admin,
            obj=tree.a1,
            detail={"what": "alert_close", "rule": "review_overdue", "outcome": "archived"},
        )
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, users.county_admin)
    page.goto("/audit/")
    expect(page.locator("table.audit-table")).to_contain_text("办结预警")
    line = page.locator("table.audit-table td").first.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight)"
    )
    clips = page.locator("table.audit-table .cell-clip")
    assert clips.count() >= 6
    for index in range(clips.count()):
        box = clips.nth(index).bounding_box()
        assert box["height"] < 1.6 * line, clips.nth(index).inner_text()
    width, room = page.locator(".table-wrap").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width <= room  # no sideways scrolling at 1366

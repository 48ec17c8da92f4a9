"""Browser: login, wrong password, lockout, role assignment, out-of-scope 404 (real Chromium)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from gonghui.accounts.models import Role, RoleAssignment, RoleCode
from gonghui.core.testing.browser import browser_login

pytestmark = pytest.mark.browser


def test_login_lands_on_home_with_org_and_counts(page, users, enterprise_factory, tree):
    # given two enterprises in the county, one with a union
    enterprise_factory(org=tree.a, has_union=True)
    enterprise_factory(org=tree.b)

    # when the county admin logs in through the form
    browser_login(page, users.county_admin)

    # then the 工作台 shows their org, scope and counts
    assert urlsplit(page.url).path == "/"
    expect(page.locator("h1")).to_have_text("工作台")
    props = page.locator("dl.props")
    expect(props).to_contain_text("所属组织测试县总工会")
    expect(props).to_contain_text("县总工会管理员 @ 测试县总工会")
    expect(props).to_contain_text("测试县总工会及其下级")
    stats = {
        page.locator(".stat .label").nth(i).inner_text(): page.locator(".stat .value")
        .nth(i)
        .inner_text()
        for i in range(page.locator(".stat").count())
    }
    # county, A, A1, AE, B, B1; three grassroots unions; two enterprises, one with a union
    assert stats == {"工会组织": "6", "基层工会": "3", "用人单位": "2", "已建会单位": "1"}
    expect(page.locator(".stat").last).to_contain_text("建会率 50.0%")
    expect(page.locator(".topbar")).to_contain_text("county_admin")


def test_wrong_password_shows_chinese_error(page, users):
    browser_login(page, users.township_staff, password="wrong-password-1")

    assert urlsplit(page.url).path == "/accounts/login/"
    expect(page.locator(".alert-error")).to_have_text(
        "用户名或密码错误。连续输错 5 次，账号将被锁定 15 分钟。"
    )
    # the username stays filled in, the password does not
    expect(page.locator("#id_username")).to_have_value("township_staff")
    expect(page.locator("#id_password")).to_have_value("")


def test_five_wrong_passwords_lock_the_account(page, users):
    # when the password is wrong five times
    for attempt in range(1, 6):
        browser_login(page, users.township_staff, password=f"wrong-password-{attempt}")
        expect(page.locator(".alert-error")).to_be_visible()

    # then the fifth answer says the account is locked, and so does the right password now
    expect(page.locator(".alert-error")).to_contain_text("账号已锁定")
    browser_login(page, users.township_staff)
    expect(page.locator(".alert-error")).to_contain_text("账号已锁定")
    assert urlsplit(page.url).path == "/accounts/login/"
    users.township_staff.refresh_from_db()
    assert users.township_staff.locked_until is not None


def test_county_admin_grants_a_role_through_the_form(page, users, tree):
    # given the township staff user holds one role
    target = users.township_staff
    role = Role.objects.get(code=RoleCode.GRASSROOTS_STAFF)
    browser_login(page, users.county_admin)

    # when the county admin opens the user's page and grants 基层工会工作人员 at B1
    page.goto(f"/accounts/users/{target.pk}/")
    rows = page.locator("#assignments tbody tr")
    expect(rows).to_have_count(1)
    form = page.locator("#grant-form")
    form.locator("select[name=org]").select_option(str(tree.b1.pk))
    form.locator("select[name=role]").select_option(str(role.pk))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    # then a success message, a second row in the table, and the assignment in the database
    expect(page.locator(".alert-success")).to_have_text(
        f"已授予 {target.display_name}「基层工会工作人员」@ 乙镇一村工会。"
    )
    expect(rows).to_have_count(2)
    new_row = rows.filter(has_text="基层工会工作人员")
    expect(new_row).to_contain_text("乙镇一村工会")
    expect(new_row.locator("td").nth(2)).to_contain_text(users.county_admin.display_name)
    assert RoleAssignment.objects.filter(user=target, org=tree.b1, role=role).exists()


def test_township_user_gets_404_page_for_another_townships_org(page, users, tree, browser_log):
    # Chromium logs the 404 document load itself as a console error; that one is expected.
    browser_log.allow_console(r"status of 404 \(Not Found\)")
    browser_login(page, users.township_staff)

    response = page.goto(f"/orgs/{tree.b.pk}/")

    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("body")).to_contain_text("页面不存在，或该记录不在您的数据范围内。")
    expect(page.locator("body")).not_to_contain_text("乙镇总工会")
    # and the own township still opens
    assert page.goto(f"/orgs/{tree.a.pk}/").status == 200
    expect(page.locator("h1")).to_contain_text("甲镇总工会")


def test_a_user_revokes_their_own_api_token_on_the_profile_page(page, users, client):
    from gonghui.accounts.services import token_create

    # given a token that works
    secret = token_create(user=users.leader, name="大屏")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    browser_login(page, users.leader)
    page.goto("/accounts/profile/")
    row = page.locator("#tokens tbody tr")
    expect(row).to_contain_text("大屏")
    expect(row).to_contain_text(secret[:10] + "…")
    expect(page.locator("body")).not_to_contain_text(secret)
    # when they revoke it and confirm
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        row.locator("button", has_text="撤销").click()
    # then the page says so, the row shows 已撤销, and the token is refused at once
    expect(page.locator(".alert-success")).to_contain_text(f"已撤销令牌 {secret[:10]}…")
    expect(row).to_contain_text("已撤销")
    expect(row.locator("button")).to_have_count(0)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401

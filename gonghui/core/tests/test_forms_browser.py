"""Browser: the browser never stops a submit at its own first check (issue 14 #3): required
fields carry aria-required instead of `required`, and static/js/forms.js turns the browser's
checks off, so the server's one round of Chinese messages is what the user sees."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login

pytestmark = pytest.mark.browser


def test_an_empty_required_field_reaches_the_server(page, users, tree):
    browser_login(page, users.county_staff)
    page.goto("/assistance/programmes/new/")  # its template sets no novalidate
    name = page.locator("#id_name")
    expect(name).to_have_attribute("aria-required", "true")
    assert name.get_attribute("required") is None
    page.fill("#id_year", "1990")  # below the field's min: the browser would stop here
    with page.expect_navigation():
        page.get_by_role("button", name="设立").click()
    expect(page.locator("#id_name_errors")).to_have_text("请填写项目名称。")
    expect(page.locator("#id_budget_errors")).to_be_visible()
    expect(page.locator("#id_year_errors")).to_have_text("年度不能小于 2000。")

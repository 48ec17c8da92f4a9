"""Browser: the public online joining flow on a phone-sized screen."""

import pytest
from playwright.sync_api import expect

from gonghui.members.models import JoinApplication
from gonghui.members.tests.factories import make_id_number
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.browser

OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _no_overflow(page) -> None:
    scroll_width, inner_width = page.evaluate(OVERFLOW)
    assert scroll_width <= inner_width, f"{page.url}: {scroll_width}px wide on {inner_width}"


def test_phone_apply_via_employer_search_then_check_status(phone_page, tree):
    page = phone_page
    employer = build_enterprise(
        org=tree.a, name="青禾速递网络科技有限公司", has_union=True, union=tree.ae
    )
    number = make_id_number(male=False)

    page.goto("/join/")
    expect(page.locator("h1")).to_have_text("网上申请加入工会")
    _no_overflow(page)
    # the employer and pool sections stay hidden until a path is chosen
    expect(page.locator("#id_employer_query")).to_be_hidden()
    expect(page.locator("#id_pool_org")).to_be_hidden()

    page.fill("#id_name", "李小红")
    page.fill("#id_id_number", number)
    page.fill("#id_phone", "13955556666")
    page.select_option("#id_employment_form", "food_delivery")
    page.get_by_label("我的工作单位已建立工会").check()
    expect(page.locator("#id_employer_query")).to_be_visible()
    page.locator("#id_employer_query").press_sequentially("青禾速递")
    # the result names the area and the credit code's tail (two employers may share a name)
    result = page.get_by_role(
        "button",
        name=f"青禾速递网络科技有限公司（甲镇总工会 · 信用代码尾号 {employer.credit_code[-6:]}）",
    )
    result.tap()
    expect(page.locator("#id_employer_query")).to_have_value("青禾速递网络科技有限公司")
    _no_overflow(page)
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").tap()

    expect(page.locator("h1")).to_have_text("入会申请已提交")
    expect(page.locator(".alert-success")).to_contain_text("甲镇某公司工会")
    _no_overflow(page)
    app = JoinApplication.objects.get()
    assert app.employer_id == employer.pk and app.org_id == tree.ae.pk and app.gender == "female"

    expect(page.locator(".portal-back")).to_have_text("‹ 首页")  # the portal's header
    page.get_by_role("link", name="查询审核进度").tap()
    page.fill("#id_id_number", number)
    page.fill("#id_phone", "13955556666")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").tap()
    expect(page.get_by_label("审核结果")).to_contain_text("待审核")
    expect(page.get_by_label("审核结果")).to_contain_text("甲镇某公司工会")
    _no_overflow(page)

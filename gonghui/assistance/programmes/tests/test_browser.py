"""Browser: propose grants from the eligible list, approve them as one batch, and find them
in the household's aid history on its archive page."""

import pytest
from playwright.sync_api import expect

from gonghui.assistance.models import Grant
from gonghui.assistance.programmes.tests.factories import archived, programme_in
from gonghui.core.testing.browser import browser_login

pytestmark = pytest.mark.browser


def test_propose_and_batch_approve_then_see_the_aid_history(page, users, tree):
    # Given two archived households and the county's 送温暖
    first = archived(tree.a1, name="王春花")
    second = archived(tree.a1, name="赵秋实")
    programme = programme_in(tree.county, name="冬季送温暖")
    browser_login(page, users.county_staff)

    # When staff tick both households on the eligible list and propose
    page.goto(f"/assistance/programmes/{programme.pk}/eligible/")
    expect(page.get_by_text("困难类别为深度困难").first).to_be_visible()
    page.get_by_label("全选").check()
    with page.expect_navigation():
        page.click("#propose-btn")
    expect(page.locator(".messages, .alert").first).to_contain_text("已提出 2 项发放")

    # And approve the whole batch from the programme page
    expect(page.get_by_text("全部或全部不")).to_be_visible()
    page.get_by_label("全选待审批").check()
    with page.expect_navigation():
        page.click("#approve-btn")
    expect(page.locator(".messages, .alert").first).to_contain_text("已审批 2 项发放")
    assert set(Grant.objects.values_list("status", flat=True)) == {"approved"}

    # Then each household's archive page lists the grant in its aid history
    for household in (first, second):
        page.goto(f"/assistance/{household.pk}/")
        history = page.locator("#aid-history")
        expect(history).to_contain_text("冬季送温暖")
        expect(history).to_contain_text("已审批待发放")
        expect(history).to_contain_text("1000")

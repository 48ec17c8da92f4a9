"""Browser: the lists (issue 14 #9). A filter bar's search box shows its whole hint on a
desktop and on a phone; the size links change the rows per page."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login

pytestmark = pytest.mark.browser

LISTS = (
    "/members/",
    "/orgs/list/",
    "/orgs/enterprises/",
    "/sites/",
    "/sites/feedback/",
    "/assistance/",
    "/audit/",
    "/accounts/users/",
)

# Width of the placeholder text in the input's own font, and the room the input gives it.
PLACEHOLDER_FIT = """() => Array.from(document.querySelectorAll('.filters input[type=search]')).map(i => {
  const style = getComputedStyle(i);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = i.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {id: i.id, text: i.placeholder, need: Math.ceil(ctx.measureText(i.placeholder).width), room};
})"""


@pytest.mark.parametrize("size", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_search_hints_are_never_cut(page, users, tree, size):
    page.set_viewport_size(size)
    browser_login(page, users.county_admin)
    for url in LISTS:
        page.goto(url)
        for box in page.evaluate(PLACEHOLDER_FIT):
            assert box["need"] <= box["room"], (url, size["width"], box)


def test_the_page_size_links_change_the_rows_per_page(page, users, tree, enterprise_factory):
    for _ in range(25):
        enterprise_factory(org=tree.a1)
    browser_login(page, users.county_admin)
    page.goto("/orgs/enterprises/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(20)
    page.locator(".page-size").get_by_role("link", name="50").click()
    expect(rows).to_have_count(25)
    expect(page.locator(".page-size strong")).to_have_text("50")
    # the row actions lead to the edit form
    rows.first.get_by_role("link", name="编辑").click()
    expect(page.locator("h1")).to_contain_text("编辑")

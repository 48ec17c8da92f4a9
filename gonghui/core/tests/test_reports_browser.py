"""Browser: every statistics page keeps its tables inside their cards (issue 14 #7). At
1366x768 the widest (the sites' check-in table) fits, so no column is cut; on a phone a wide
table scrolls inside its card and the page itself never scrolls sideways."""

import pytest

from gonghui.assistance.archives.tests.factories import build_archive
from gonghui.core.testing.browser import browser_login
from gonghui.sites.tests.factories import build_site

pytestmark = pytest.mark.browser

STATS_PAGES = ("/members/stats/", "/sites/stats/", "/assistance/stats/")

# For each table: how far its visible box reaches past its card, and whether its scroll box
# hides part of it (cut without a way to see it at this width).
TABLES = """() => Array.from(document.querySelectorAll('main table')).map(t => {
  const card = t.closest('.card') || t.parentElement;
  const wrap = t.closest('.table-wrap');
  const box = (wrap || t).getBoundingClientRect(), c = card.getBoundingClientRect();
  return {id: t.id, past: Math.round(box.right - c.right),
          hidden: wrap ? wrap.scrollWidth - wrap.clientWidth : 0,
          scrolls: wrap ? getComputedStyle(wrap).overflowX : 'none'};
})"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def figures(tree):
    build_site(org=tree.a1)
    build_archive(org=tree.a1)


def test_stats_tables_fit_their_cards_on_a_desktop(page, users, tree, figures):
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, users.county_staff)
    for url in STATS_PAGES:
        page.goto(url)
        tables = page.evaluate(TABLES)
        assert tables, url
        for table in tables:
            assert table["past"] <= 0, (url, table)
            assert table["hidden"] <= 0, (url, table)  # nothing cut at 1366 px


def test_stats_tables_scroll_inside_their_cards_on_a_phone(phone_page, users, tree, figures):
    browser_login(phone_page, users.county_staff)
    for url in STATS_PAGES:
        phone_page.goto(url)
        for table in phone_page.evaluate(TABLES):
            assert table["past"] <= 0, (url, table)
            if table["hidden"] > 0:
                assert table["scrolls"] == "auto", (url, table)
        scroll_width, inner_width = phone_page.evaluate(PAGE_WIDTH)
        assert scroll_width <= inner_width, url

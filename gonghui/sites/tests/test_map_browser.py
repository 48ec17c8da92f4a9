"""Browser: the site map with no tile source (county layers + clustered markers, nothing
fetched from another host — the fixture fails on any such request), filters, the coverage
page's gaps and suggestions, the statistics charts."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.sites.models import MapLayerKind, SiteStatus
from gonghui.sites.services import map_layer_import
from gonghui.sites.tests.factories import build_site

pytestmark = pytest.mark.browser

BOUNDARY = {
    "type": "Polygon",
    "coordinates": [
        [[119.66, 29.06], [119.80, 29.06], [119.80, 29.16], [119.66, 29.16], [119.66, 29.06]]
    ],
}
BUILT_UP = {
    "type": "Polygon",
    "coordinates": [
        [[119.70, 29.09], [119.76, 29.09], [119.76, 29.12], [119.70, 29.12], [119.70, 29.09]]
    ],
}
ROAD = {"type": "LineString", "coordinates": [[119.67, 29.10], [119.79, 29.11]]}


def _county_with_sites(tree):
    for kind, geojson in (
        (MapLayerKind.BOUNDARY, BOUNDARY),
        (MapLayerKind.BUILT_UP_AREA, BUILT_UP),
        (MapLayerKind.ROAD, ROAD),
    ):
        map_layer_import(actor=None, county=tree.county, kind=kind, geojson=geojson)
    build_site(org=tree.a1, name="甲镇户外站", lng=119.705, lat=29.095, is_24h=True)
    build_site(org=tree.a1, name="甲镇食堂", kind="canteen", lng=119.72, lat=29.10)
    build_site(
        org=tree.b1,
        name="乙镇暂停站",
        lng=119.75,
        lat=29.11,
        status=SiteStatus.SUSPENDED,
        status_reason="装修",
    )


def test_map_draws_the_county_layers_and_markers_without_tiles(page, users, tree, settings):
    # Given no tile source, three county layers and three sites
    settings.MAP_TILE_URL = ""
    _county_with_sites(tree)
    browser_login(page, users.county_admin)

    # When the map opens
    page.goto("/sites/map/")

    # Then the boundary, built-up area and road are drawn, the markers and list show, no tiles
    holder = page.locator("#site-map")
    expect(holder).to_have_attribute("data-markers", "3")
    expect(holder).to_have_attribute("data-layer-boundary", "1")
    expect(holder).to_have_attribute("data-layer-road", "1")
    expect(page.locator(".leaflet-boundary-pane path")).to_have_count(1)
    expect(page.locator(".leaflet-built_up_area-pane path")).to_have_count(1)
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    expect(page.locator("#map-list li")).to_have_count(3)
    expect(page.locator("#map-count")).to_have_text("3 个")

    # and a list entry opens its marker's popup with the detail link
    page.locator("#map-list button", has_text="甲镇食堂").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("甲镇食堂")
    expect(popup.get_by_role("link", name="查看详情 →")).to_be_visible()


def test_filters_change_the_markers(page, users, tree):
    _county_with_sites(tree)
    browser_login(page, users.county_admin)
    page.goto("/sites/map/")
    holder = page.locator("#site-map")
    expect(holder).to_have_attribute("data-markers", "3")

    page.locator("#f-kind").select_option("canteen")
    expect(holder).to_have_attribute("data-markers", "1")
    expect(page.locator("#map-list li")).to_have_count(1)
    expect(page.locator("#map-list li")).to_contain_text("甲镇食堂")
    assert "kind=canteen" in page.url

    page.locator("#f-kind").select_option("")
    page.locator("#f-status").select_option("suspended")
    expect(holder).to_have_attribute("data-markers", "1")
    expect(page.locator("#map-list li")).to_contain_text("乙镇暂停站")

    page.locator("#f-status").select_option("")
    page.get_by_label("微波炉").check()
    expect(holder).to_have_attribute("data-markers", "0")
    expect(page.locator("#map-list li")).to_have_text("没有符合条件的站点")


def test_a_township_user_sees_only_their_markers(page, users, tree):
    _county_with_sites(tree)
    browser_login(page, users.township_staff)
    page.goto("/sites/map/")
    expect(page.locator("#site-map")).to_have_attribute("data-markers", "2")
    expect(page.locator("#map-list")).not_to_contain_text("乙镇暂停站")


def test_coverage_page_shows_gaps_and_suggestions(page, users, tree):
    _county_with_sites(tree)
    browser_login(page, users.county_admin)

    page.goto("/sites/coverage/")

    holder = page.locator("#site-map")
    expect(page.locator("#township-coverage tbody tr").first).to_be_visible()
    expect(page.locator("#suggestions tbody tr").first).to_contain_text("119.")
    page.wait_for_selector("#site-map[data-gaps]", state="attached")
    gaps = int(holder.get_attribute("data-gaps") or "0")
    assert gaps > 0
    expect(page.locator(".leaflet-gaps-pane path").first).to_be_attached()
    expect(page.locator(".suggest-pin").first).to_be_visible()
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    # the suspended site does not count: only the two open sites are markers here
    expect(holder).to_have_attribute("data-markers", "2")


def test_stats_page_draws_its_charts(page, users, tree):
    _county_with_sites(tree)
    browser_login(page, users.county_admin)
    page.goto("/sites/stats/")
    expect(page.locator("#by-kind tbody tr")).to_have_count(6)
    for chart in ("chart-kinds", "chart-townships", "chart-feedback", "chart-usage"):
        expect(page.locator(f"#{chart} canvas").first).to_be_attached()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载统计表(.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

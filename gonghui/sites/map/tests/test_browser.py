"""Browser: the site map with no tile source (county layers with their names + clustered
markers, nothing fetched from another host — the fixture fails on any such request), names
by zoom level, filters, the coverage page's gaps and suggestions (and its reload once an
outdated result is recomputed), the map settings page's tile test, the statistics charts."""

import re

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.sites.map import coverage, tasks
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
ROAD = {
    "type": "Feature",
    "properties": {"name": "甲乙线", "ref": "X301", "class": "county"},
    "geometry": {"type": "LineString", "coordinates": [[119.67, 29.10], [119.79, 29.11]]},
}
TOWNSHIPS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[w, 29.06], [e, 29.06], [e, 29.16], [w, 29.16], [w, 29.06]]],
            },
        }
        for name, w, e in (("甲镇", 119.66, 119.73), ("乙镇", 119.73, 119.80))
    ],
}
VILLAGE = {
    "type": "Feature",
    "properties": {"name": "桃源村", "class": "village"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [119.68, 29.14],
                [119.685, 29.14],
                [119.685, 29.144],
                [119.68, 29.144],
                [119.68, 29.14],
            ]
        ],
    },
}


def _county_with_sites(tree):
    built_up = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "甲镇镇区"}, "geometry": BUILT_UP},
            VILLAGE,
        ],
    }
    for kind, geojson in (
        (MapLayerKind.BOUNDARY, BOUNDARY),
        (MapLayerKind.TOWNSHIP, TOWNSHIPS),
        (MapLayerKind.BUILT_UP_AREA, built_up),
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
    expect(holder).to_have_attribute("data-layer-township", "2")
    expect(page.locator(".leaflet-boundary-pane path")).to_have_count(2)  # halo and line
    expect(page.locator(".leaflet-township-pane path")).to_have_count(2)
    expect(page.locator(".leaflet-built_up_area-pane path")).to_have_count(2)
    # with the townships' and the town's names, the road's number and name
    expect(page.locator(".map-label-township", has_text="甲镇")).to_be_visible()
    expect(page.locator(".map-label-township", has_text="乙镇")).to_be_visible()
    expect(page.locator(".map-label-town", has_text="甲镇镇区")).to_be_visible()
    expect(page.locator(".map-shield", has_text="X301")).to_be_visible()
    expect(page.locator(".map-label-road", has_text="甲乙线")).to_be_visible()
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    expect(page.locator("#map-list li")).to_have_count(3)
    expect(page.locator("#map-count")).to_have_text("3 个")

    # and a list entry opens its marker's popup with the detail link
    page.locator("#map-list button", has_text="甲镇食堂").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("甲镇食堂")
    expect(popup.get_by_role("link", name="查看详情 →")).to_be_visible()


def test_names_show_by_zoom_level_without_overlapping(page, users, tree):
    # Given the county with a small village
    _county_with_sites(tree)
    browser_login(page, users.county_admin)
    page.goto("/sites/map/")
    holder = page.locator("#site-map")
    expect(holder).to_have_attribute("data-basemap", "ready")
    village = page.locator(".map-label-village", has_text="桃源村")

    # When the whole county is in view, the village's name is left out
    expect(page.locator(".map-label-township", has_text="甲镇")).to_be_visible()
    expect(village).to_be_hidden()

    # Then zooming in on it shows it
    page.evaluate("document.querySelector('#site-map').gonghuiMap.setView([29.142, 119.6825], 15)")
    expect(village).to_be_visible()
    # and no two names on screen overlap
    boxes = page.evaluate(
        """() => Array.from(document.querySelectorAll('.map-labels > span'))
            .filter(n => n.style.display !== 'none' && n.style.visibility === 'visible')
            .map(n => { const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    )
    assert boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 1 or overlap_y <= 1, (a, b)


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
    tasks.coverage_refresh_schedule(county=tree.county)
    coverage.coverage_refresh_run(tree.county)
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


def test_an_outdated_coverage_page_reloads_itself_once_recomputed(page, users, tree, settings):
    # Given a stored result made outdated by a new site, and no worker running the refresh
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _county_with_sites(tree)
    tasks.coverage_refresh_schedule(county=tree.county)
    coverage.coverage_refresh_run(tree.county)
    build_site(org=tree.a1, name="甲镇新站", lng=119.74, lat=29.11)
    browser_login(page, users.county_admin)

    # When the page opens, it says the figures are outdated and being recomputed
    page.goto("/sites/coverage/")
    expect(page.locator("#coverage-status")).to_contain_text("结果可能已过时")

    # Then, once the background refresh has run, the page reloads with the current result
    coverage.coverage_refresh_run(tree.county)
    expect(page.locator("#coverage-status")).to_contain_text(
        "是当前站点和图层的结果", timeout=20_000
    )


def test_map_settings_tests_a_tile_template_and_the_map_uses_it(page, users, tree, live_server):
    _county_with_sites(tree)
    browser_login(page, users.county_admin)
    page.goto("/sites/map/settings/")

    # The Gaode preset fills in the template (not tested here: no request leaves the machine)
    page.get_by_role("button", name="填入高德地图").click()
    expect(page.locator("#id_tile_url")).to_have_value(re.compile(r"autonavi\.com.*\{z\}"))
    expect(page.get_by_label("在线瓦片底图(如高德地图；需能访问地图服务器)")).to_be_checked()

    # A template without {y} is refused before anything loads
    page.fill("#id_tile_url", live_server.url + "/tiles/{z}/{x}.png")
    page.get_by_role("button", name="测试瓦片地址").click()
    expect(page.locator("#tile-test-result")).to_contain_text("须同时包含 {z}、{x}、{y}")

    # A tile server that answers (here the app's own static image) passes the test
    template = live_server.url + "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"
    page.fill("#id_tile_url", template)
    page.fill("#id_tile_attribution", "<b>测试底图</b>")
    page.get_by_role("button", name="测试瓦片地址").click()
    expect(page.locator("#tile-preview")).to_have_attribute("data-test", "ok")
    expect(page.locator("#tile-test-result")).to_contain_text("已加载")

    # Saved, the site map draws those tiles under the county's boundary
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator(".alert-success")).to_contain_text("地图与标牌设置已保存")
    page.goto("/sites/map/")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("<b>测试底图</b>")
    expect(page.locator(".map-label-township", has_text="甲镇")).to_be_visible()


def test_a_sign_without_a_public_url_explains_on_a_phone(phone_page, users, tree, settings):
    settings.PUBLIC_URL = ""
    site = build_site(org=tree.a1, name="甲镇户外站")
    browser_login(phone_page, users.township_staff)
    phone_page.goto(f"/sites/{site.pk}/sign/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("暂不能打印“甲镇户外站”的标牌")
    expect(phone_page.get_by_role("link", name="打开地图与标牌设置")).to_be_visible()
    expect(phone_page.get_by_role("button", name="打印")).to_have_count(0)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1


def test_the_map_pages_fit_a_phone_width(page, users, tree):
    _county_with_sites(tree)
    tasks.coverage_refresh_schedule(county=tree.county)
    coverage.coverage_refresh_run(tree.county)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, users.county_admin)
    for url in ("/sites/map/", "/sites/coverage/", "/sites/map/settings/", "/sites/layers/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (url, overflow)
    # and the site map's names are there on the small screen too
    page.goto("/sites/map/")
    expect(page.locator(".map-label-township", has_text="甲镇")).to_be_visible()

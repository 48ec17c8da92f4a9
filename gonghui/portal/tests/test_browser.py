"""The portal on a phone (390x844, Chromium): the nearest-station flow with a faked
position, the fallback when the position is refused, and a site page reached from its QR
address with a check-in and a repair report. Each flow leaves a screenshot in
test-artifacts/ (portal-*.png)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.core import geo
from gonghui.sites.models import CheckIn, SiteFeedback, SiteKind
from gonghui.sites.tests.factories import build_site

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
ALWAYS_OPEN = {"is_24h": True}
# Where the faked phone stands (GCJ-02); the sites are laid out east of it.
HERE_GCJ = (119.7200, 29.1000)
HERE_WGS = geo.gcj02_to_wgs84(*HERE_GCJ)
GRANTED = {
    "geolocation": {"latitude": HERE_WGS[1], "longitude": HERE_WGS[0], "accuracy": 20},
    "permissions": ["geolocation"],
}
REFUSED = {"geolocation": GRANTED["geolocation"], "permissions": []}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}-390x844.png"), full_page=True)


@pytest.fixture
def sites(tree):
    near = build_site(
        org=tree.a1,
        township=tree.a,
        name="东湖路爱心驿站",
        kind=SiteKind.LOVE_STATION,
        lng=119.7215,
        lat=29.1000,
        address="青禾县东湖路 49 号",
        facilities=["room", "water", "microwave", "charging"],
        **ALWAYS_OPEN,
    )
    far = build_site(
        org=tree.a1,
        township=tree.a,
        name="解放路户外劳动者服务站",
        lng=119.7300,
        lat=29.1000,
        address="青禾县解放路 381 号",
        **ALWAYS_OPEN,
    )
    return near, far


@pytest.mark.browser
@pytest.mark.parametrize("phone_context_options", [GRANTED], indirect=True)
def test_nearest_stations_from_the_phone_position(phone_page, sites):
    near, far = sites
    page = phone_page
    # given the portal home on a phone
    page.goto("/portal/")
    _shot(page, "home")
    # when the worker opens the finder and shares the position
    page.get_by_role("link", name="查找附近站点").click()
    page.get_by_role("button", name="使用我的位置").click()
    # then the nearest open stations are listed, nearest first, with distance and links
    expect(page.get_by_role("heading", name="离您最近的站点")).to_be_visible()
    rows = page.locator(".portal-site")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".portal-site-name")).to_have_text(near.name)
    expect(rows.nth(0).locator(".portal-distance")).to_have_text("146 米")
    expect(rows.nth(0).locator(".badge-ok").first).to_have_text("正在开放")
    expect(rows.nth(0).get_by_text("微波炉")).to_be_visible()
    amap = rows.nth(0).get_by_role("link", name="高德步行导航").get_attribute("href")
    assert amap.startswith(f"https://uri.amap.com/navigation?to={near.lng:.6f},{near.lat:.6f},")
    baidu = rows.nth(0).get_by_role("link", name="百度步行导航").get_attribute("href")
    assert "coord_type=gcj02" in baidu and "mode=walking" in baidu
    _shot(page, "nearest")
    # and a tap on a station opens its page
    rows.nth(1).get_by_role("link", name=far.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(far.name)


@pytest.mark.browser
@pytest.mark.parametrize("phone_context_options", [REFUSED], indirect=True)
def test_refused_position_falls_back_to_township_and_address(phone_page, tree, sites):
    near, far = sites
    page = phone_page
    page.goto("/portal/nearest/")
    # when the worker refuses the position
    page.get_by_role("button", name="使用我的位置").click()
    # then the page says so and offers the township list and the address search
    expect(page.locator("#locate-status")).to_contain_text("您没有允许使用位置")
    expect(page.locator("#id_township")).to_be_focused()
    _shot(page, "refused")
    page.select_option("#id_township", str(tree.a.pk))
    page.locator("#township-form").get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", name=f"{tree.a.name}中心附近的站点")).to_be_visible()
    expect(page.locator(".portal-site")).to_have_count(2)
    # and the typed address finds the station on that road
    page.fill("#id_q", "解放路")
    page.locator("#search-form").get_by_role("button", name="搜索").click()
    expect(page.locator(".portal-site")).to_have_count(1)
    expect(page.locator(".portal-site-name")).to_have_text(far.name)


@pytest.mark.browser
def test_site_page_from_its_qr_address_with_checkin_and_repair_report(
    phone_page, browser_log, tree, sites
):
    near, _ = sites
    browser_log.allow_console("status of 422")  # the too-short report answers 422 on purpose
    page = phone_page
    # given the address printed on the station's QR sign
    page.goto(f"/portal/sites/{near.site_code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(near.name)
    expect(page.locator("tr.today")).to_have_count(1)
    expect(page.locator("#contact-phone")).to_have_text("139****1234")
    _shot(page, "site")
    # when the worker checks in
    page.get_by_role("button", name="打卡").click()
    expect(page.get_by_text("打卡成功，感谢您使用本站点！")).to_be_visible()
    assert CheckIn.objects.get(site=near).count == 1
    # and reports a repair, first too short, then properly
    page.get_by_label("设施报修").check()
    page.fill("#id_text", "坏了")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#text-errors")).to_have_text("请至少填写 5 个字。")
    page.fill("#id_text", "饮水机不出热水，请尽快维修")
    page.fill("#id_phone", "13900005678")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("感谢您的反馈！")).to_be_visible()
    _shot(page, "site-thanks")
    report = SiteFeedback.objects.get()
    assert (report.site_id, report.kind, report.org_id) == (near.pk, "repair", tree.a1.pk)
    assert report.phone == "13900005678"


@pytest.mark.browser
def test_unknown_site_code_shows_the_chinese_404_page(phone_page, browser_log):
    browser_log.allow_console("status of 404")
    phone_page.goto("/portal/sites/339901-HW-9999/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("未找到该站点")
    _shot(phone_page, "not-found")

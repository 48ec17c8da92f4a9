"""Browser: staff register a site by clicking the offline county map (and by typing WGS-84
coordinates), staff answer a public feedback report, and the staff pages fit phone and
desktop screens (screenshots in test-artifacts/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.core import geo
from gonghui.core.testing.browser import browser_login
from gonghui.sites.models import FeedbackStatus, ServiceSite
from gonghui.sites.services import feedback_submit, map_layer_import, site_photo_add
from gonghui.sites.tests.factories import build_site
from gonghui.sites.tests.images import png_upload

pytestmark = pytest.mark.browser

# The county boundary (GCJ-02): a square around the factories' default point.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[119.65, 29.05], [119.8, 29.05], [119.8, 29.15], [119.65, 29.15], [119.65, 29.05]]
    ],
}
ARTIFACTS = Path("test-artifacts")


@pytest.fixture
def boundary(tree):
    return map_layer_import(actor=None, county=tree.county, kind="boundary", geojson=SQUARE)


def test_staff_create_a_site_by_clicking_the_offline_map(page, users, tree, boundary):
    browser_login(page, users.township_staff)
    page.goto("/sites/")
    page.get_by_role("link", name="新增站点").click()
    expect(page.locator("h1")).to_have_text("新增站点")

    page.locator("#id_org").select_option(str(tree.a1.pk))
    page.locator("#id_kind").select_option("outdoor_station")
    page.locator("#id_name").fill("地图点选服务站")
    # No tile source: the map shows the county boundary drawn from the imported layer
    # (county_basemap.js: a halo and the dashed line).
    expect(page.locator("#site-form-map")).to_have_attribute("data-layer-boundary", "1")
    expect(page.locator("#site-form-map .leaflet-boundary-pane path")).to_have_count(2)
    expect(page.locator("#site-form-map .leaflet-tile")).to_have_count(0)
    box = page.locator("#site-form-map").bounding_box()
    # A little off the centre of the county (the map is fitted to its boundary).
    page.locator("#site-form-map").click(
        position={"x": box["width"] / 2 + 20, "y": box["height"] / 2 - 10}
    )
    expect(page.locator("#id_lng")).not_to_have_value("")
    expect(page.locator("#id_crs")).to_have_value("gcj02")
    clicked = (
        float(page.locator("#id_lng").input_value()),
        float(page.locator("#id_lat").input_value()),
    )
    page.locator("#id_hours_mon").fill("08:00-12:00,14:00-18:00")
    page.get_by_label("冷热饮水").check()
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".messages, .alert-success").first).to_contain_text(
        "已登记站点：地图点选服务站"
    )
    site = ServiceSite.objects.get(name="地图点选服务站")
    assert (site.lng, site.lat) == clicked
    assert geo.point_in_geojson(site.lng, site.lat, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": SQUARE}]})  # fmt: skip
    assert site.opening_hours["mon"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert site.facility_codes == ["water"]
    expect(page.locator("#site-code")).to_have_text(site.site_code)


def test_staff_create_a_site_by_typing_phone_gps_coordinates(page, users, tree, boundary):
    browser_login(page, users.township_staff)
    page.goto("/sites/new/")
    page.locator("#id_org").select_option(str(tree.a1.pk))
    page.locator("#id_kind").select_option("love_station")
    page.locator("#id_name").fill("GPS 爱心驿站")
    page.locator("#id_crs").select_option("wgs84")
    page.locator("#id_lng").fill("119.72")
    page.locator("#id_lat").fill("29.10")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("#site-coordinates")).to_be_visible()
    site = ServiceSite.objects.get(name="GPS 爱心驿站")
    expected = geo.wgs84_to_gcj02(119.72, 29.10)
    assert (site.lng, site.lat) == (round(expected[0], 6), round(expected[1], 6))
    expect(page.locator("#site-coordinates")).to_have_text(f"{site.lng:.6f}, {site.lat:.6f}")


def test_a_feedback_report_answered_by_staff(page, users, tree):
    site = build_site(org=tree.a1, name="城南户外劳动者服务站")
    report = feedback_submit(
        site=site, kind="repair", text="饮水机不出热水了，请尽快维修", phone="13811112222"
    )
    browser_login(page, users.township_staff)

    page.goto("/sites/")
    page.get_by_role("link", name="反馈与报修").first.click()
    expect(page.locator("h1")).to_have_text("反馈与报修")
    page.get_by_role("link", name="饮水机不出热水了").click()
    expect(page.locator("#feedback-status")).to_have_text("待处理")
    expect(page.get_by_text("138****2222")).to_be_visible()
    page.get_by_label("答复内容").fill("已安排维修人员，明天上午修好。")
    page.get_by_role("button", name="答复").click()

    expect(page.locator("#feedback-status")).to_have_text("已答复")
    expect(page.locator("#feedback-answer")).to_have_text("已安排维修人员，明天上午修好。")
    report.refresh_from_db()
    assert report.status == FeedbackStatus.ANSWERED
    assert report.answered_by == users.township_staff


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1440, "height": 900}]
)
def test_staff_site_pages_fit_the_screen(page, users, tree, boundary, viewport, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    site = build_site(org=tree.a1, name="城北职工之家", kind="workers_home", host_unit="城北街道",
                      standards=["sign", "siting", "facilities"], description="阅览、休息、饮水")  # fmt: skip
    site_photo_add(actor=None, site=site, upload=png_upload(), caption="门头")
    report = feedback_submit(site=site, kind="feedback", text="希望周末也开放", phone="13811112222")
    page.set_viewport_size(viewport)
    browser_login(page, users.township_staff)
    name = "phone" if viewport["width"] < 600 else "desktop"
    ARTIFACTS.mkdir(exist_ok=True)
    for label, url in [
        ("list", "/sites/"),
        ("detail", f"/sites/{site.pk}/"),
        ("form", "/sites/new/"),
        ("edit", f"/sites/{site.pk}/edit/"),
        ("status", f"/sites/{site.pk}/status/"),
        ("sign", f"/sites/{site.pk}/sign/"),
        ("feedback-list", "/sites/feedback/"),
        ("feedback-detail", f"/sites/feedback/{report.pk}/"),
    ]:
        page.goto(url)
        page.screenshot(path=str(ARTIFACTS / f"sites-staff-{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (label, overflow)

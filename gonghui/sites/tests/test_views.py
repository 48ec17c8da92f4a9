"""Staff site pages: list filters and buttons, detail with audited unmask, QR and sign,
create/edit with coordinate systems and Chinese errors, status changes, photos."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core import geo
from gonghui.sites.models import ServiceSite, SitePhoto, SiteStatus
from gonghui.sites.services import map_layer_import, site_set_status
from gonghui.sites.tests.images import png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _form(org=None, **overrides) -> dict:
    data = {
        "kind": "outdoor_station",
        "name": "城东户外劳动者服务站",
        "address": "城东路 1 号",
        "host_unit": "城东供电所",
        "contact_name": "王站长",
        "contact_phone": "13912345678",
        "crs": "gcj02",
        "lng": "119.731234",
        "lat": "29.104321",
        "hours_mon": "08:00-12:00,14:00-18:00",
        "hours_tue": "08:00-18:00",
        "hours_sat": "09:00-12:00",
        "facilities": ["room", "water", "charging"],
        "standards": ["sign", "siting"],
        "description": "饮水、休息、充电",
    }
    if org is not None:
        data["org"] = org.pk
    data.update(overrides)
    return data


# --- list ----------------------------------------------------------------------------------


def test_list_filters_by_kind_status_township_and_search(login, users, tree, site_factory):
    station = site_factory(org=tree.a1, name="甲镇驿站一号", kind="love_station")
    canteen = site_factory(org=tree.a1, name="甲镇职工食堂", kind="canteen")
    closed = site_factory(org=tree.a1, name="甲镇旧站")
    site_set_status(actor=None, site=closed, status="closed", reason="拆迁")
    client = login(users.county_staff)

    body = client.get("/sites/?kind=love_station").content.decode()
    assert station.name in body and canteen.name not in body

    body = client.get("/sites/?status=closed").content.decode()
    assert closed.name in body and station.name not in body

    body = client.get(f"/sites/?township={tree.a.pk}&q=食堂").content.decode()
    assert canteen.name in body and station.name not in body
    assert canteen.site_code in body


def test_list_open_now_shows_only_sites_open_at_this_moment(login, users, tree, site_factory):
    always = site_factory(name="全天站", is_24h=True)
    never = site_factory(name="从不开放站", opening_hours={})
    body = login(users.county_staff).get("/sites/?open_now=1").content.decode()
    assert always.name in body
    assert never.name not in body


def test_list_buttons_follow_the_user_permissions(login, users, site_factory):
    site_factory()
    staff = login(users.county_staff).get("/sites/").content.decode()
    assert "新增站点" in staff and "导入" in staff and "导出完整信息" in staff
    leader = login(users.leader).get("/sites/").content.decode()
    assert "新增站点" not in leader and "导出 Excel" in leader and "导出完整信息" not in leader


def test_list_shows_the_six_standard_state(login, users, site_factory):
    site_factory(
        name="达标站",
        standards=["sign", "siting", "services", "rules"],
        facilities=["room", "table_chairs", "water"],
    )
    site_factory(name="两项站", standards=["sign", "siting"])
    body = login(users.county_staff).get("/sites/").content.decode()
    assert "达标" in body and "3/6" in body  # sign, siting and (by its point) on the map


# --- detail, unmask, QR, sign ------------------------------------------------------------


def test_detail_masks_the_phone_and_shows_hours_facilities_and_qr(
    login, users, site_factory, settings
):
    settings.PUBLIC_URL = "https://gonghui.qinghe.gov.cn"
    site = site_factory(contact_phone="13912345678")
    body = login(users.county_staff).get(f"/sites/{site.pk}/").content.decode()
    assert "139****5678" in body
    assert "13912345678" not in body
    assert "08:00-18:00" in body and "休息" in body  # weekdays open, weekend closed
    assert "<svg" in body
    assert f"https://gonghui.qinghe.gov.cn/portal/sites/{site.site_code}/" in body


def test_unmask_with_a_reason_shows_the_phone_and_is_audited(login, users, site_factory):
    site = site_factory(contact_phone="13912345678")
    client = login(users.county_staff)

    response = client.post(f"/sites/{site.pk}/unmask/", {"reason": "联系站点负责人"})

    assert "13912345678" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.UNMASKED)
    assert event.detail == {"fields": ["contact_phone"], "reason": "联系站点负责人"}


def test_unmask_without_a_reason_is_refused(login, users, site_factory):
    site = site_factory(contact_phone="13912345678")
    response = login(users.county_staff).post(
        f"/sites/{site.pk}/unmask/", {"reason": ""}, follow=True
    )
    assert "查看完整信息须填写事由" in response.content.decode()
    assert "13912345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.UNMASKED).exists()


def test_unmask_needs_view_sensitive(login, users, site_factory):
    site = site_factory()
    response = login(users.township_staff).post(f"/sites/{site.pk}/unmask/", {"reason": "看看"})
    assert response.status_code == 404


def test_sign_page_has_name_code_hours_and_a_big_qr(login, users, site_factory, settings):
    settings.PUBLIC_URL = "https://gonghui.qinghe.gov.cn"
    site = site_factory(name="城西爱心驿站")
    body = login(users.grassroots_staff).get(f"/sites/{site.pk}/sign/").content.decode()
    assert "城西爱心驿站" in body and site.site_code in body
    assert "周一至周五 08:00-18:00" in body
    assert "<svg" in body and 'id="print-sign"' in body
    assert "<script>" not in body  # the print button's script is a static file


def test_the_qr_code_encodes_the_public_url_not_the_host_the_page_was_opened_at(
    login, users, site_factory, settings
):
    import segno

    # Given the public address, and a staff member on the server itself
    settings.PUBLIC_URL = "https://gonghui.qinghe.gov.cn/"
    site = site_factory(name="城西爱心驿站")
    client = login(users.grassroots_staff)

    # When the sign is opened at http://127.0.0.1:8000
    response = client.get(f"/sites/{site.pk}/sign/", HTTP_HOST="127.0.0.1:8000")

    # Then the QR code is that of the public page
    body = response.content.decode()
    public = f"https://gonghui.qinghe.gov.cn/portal/sites/{site.site_code}/"
    qr = segno.make_qr(public, error="m")
    assert qr.svg_inline(scale=10, title=f"{site.name} {site.site_code}", omitsize=True) in body
    assert "127.0.0.1" not in body


@pytest.mark.parametrize(
    ("public_url", "reason"),
    [
        ("", "尚未设置公网访问地址"),
        ("http://127.0.0.1:8000", "是本机地址"),
        ("http://localhost:8000", "是本机地址"),
        ("https://192.168.10.8", "是内网或保留 IP 地址"),
    ],
)
def test_no_sign_is_printed_while_the_public_url_is_unusable_and_the_page_says_why(
    login, users, site_factory, settings, public_url, reason
):
    settings.PUBLIC_URL = public_url
    site = site_factory(name="城西爱心驿站")
    client = login(users.township_staff)

    sign = client.get(f"/sites/{site.pk}/sign/").content.decode()
    detail = client.get(f"/sites/{site.pk}/").content.decode()

    assert "暂不能打印“城西爱心驿站”的标牌" in sign and reason in sign
    assert "请县总工会管理员在“地图与标牌设置”中填写公网访问地址" in sign
    assert 'href="/sites/map/settings/"' in sign  # the staff member can open the page
    assert "<svg" not in sign and 'id="print-sign"' not in sign
    assert "暂不能生成二维码和打印标牌" in detail and "<svg" not in detail


def test_a_public_url_set_by_the_county_admin_overrides_the_environment(
    login, users, site_factory, settings
):
    from gonghui.sites.services import map_settings_set

    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    map_settings_set(
        actor=users.county_admin,
        tile_url=None,
        tile_attribution=None,
        public_url="https://gh.qinghe.gov.cn",
    )
    site = site_factory()
    body = login(users.county_staff).get(f"/sites/{site.pk}/sign/").content.decode()
    assert f"https://gh.qinghe.gov.cn/portal/sites/{site.site_code}/" in body


# --- create and edit ------------------------------------------------------------------------


def test_create_stores_the_site_with_hours_facilities_and_an_issued_code(login, users, tree):
    response = login(users.township_staff).post("/sites/new/", _form(tree.a1))

    site = ServiceSite.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sites/{site.pk}/"
    assert site.site_code.endswith("-HW-0001")
    assert site.opening_hours["mon"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert site.opening_hours["sun"] == []
    assert site.facility_codes == ["room", "water", "charging"]
    assert site.standard_codes == ["sign", "siting", "on_map"]
    assert site.township == tree.a  # from the managing org
    assert (site.lng, site.lat) == (119.731234, 29.104321)
    assert site.contact_phone == "13912345678"


def test_create_converts_wgs84_and_bd09_to_gcj02(login, users, tree):
    client = login(users.township_staff)
    client.post(
        "/sites/new/", _form(tree.a1, name="GPS 站", crs="wgs84", lng="119.72", lat="29.10")
    )
    client.post("/sites/new/", _form(tree.a1, name="百度站", crs="bd09", lng="119.72", lat="29.10"))

    gps = ServiceSite.objects.get(name="GPS 站")
    expected = geo.wgs84_to_gcj02(119.72, 29.10)
    assert (gps.lng, gps.lat) == (round(expected[0], 6), round(expected[1], 6))
    baidu = ServiceSite.objects.get(name="百度站")
    expected = geo.bd09_to_gcj02(119.72, 29.10)
    assert abs(baidu.lng - expected[0]) < 1e-6 and abs(baidu.lat - expected[1]) < 1e-6


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "请填写站点名称。"),
        ({"lng": ""}, "请填写经度。"),
        ({"lng": "0", "lat": "0"}, geo.OUT_OF_CHINA),
        ({"lng": "200", "lat": "29"}, geo.OUT_OF_RANGE),
        ({"lng": "东经"}, geo.NOT_A_NUMBER),
        ({"hours_mon": "8点到12点"}, "周一："),
        ({"hours_tue": "25:00-26:00"}, "周二：时间“25:00”格式不正确"),
        ({"contact_phone": "12345"}, "联系电话格式不正确"),
    ],
)
def test_create_refuses_bad_input_with_a_chinese_message(login, users, tree, overrides, message):
    response = login(users.township_staff).post("/sites/new/", _form(tree.a1, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceSite.objects.exists()


def test_create_reports_every_error_in_one_round(login, users, tree):
    """The form's own checks (name, kind) and the service's (phone, point, hours) at once."""
    data = _form(tree.a1, name="", kind="", contact_phone="12345", lng="东经")
    data["hours_mon"] = "8点到12点"
    page = login(users.township_staff).post("/sites/new/", data).content.decode()
    for message in ("请填写站点名称。", "请选择站点类型。", "联系电话格式不正确", geo.NOT_A_NUMBER):
        assert message in page, message
    assert "周一：" in page
    assert not ServiceSite.objects.exists()


def test_create_refuses_a_point_outside_the_county_boundary(login, users, tree):
    square = {
        "type": "Polygon",
        "coordinates": [
            [[119.6, 29.0], [119.9, 29.0], [119.9, 29.2], [119.6, 29.2], [119.6, 29.0]]
        ],
    }
    map_layer_import(actor=None, county=tree.county, kind="boundary", geojson=square)
    client = login(users.township_staff)

    outside = client.post("/sites/new/", _form(tree.a1, lng="120.5", lat="29.1"))
    assert geo.OUT_OF_COUNTY in outside.content.decode()
    assert not ServiceSite.objects.exists()

    inside = client.post("/sites/new/", _form(tree.a1, lng="119.75", lat="29.1"))
    assert inside.status_code == 302


def test_create_form_carries_the_boundary_and_the_named_base_map_for_the_click_map(
    login, users, tree
):
    import json
    import re

    square = {
        "type": "Polygon",
        "coordinates": [
            [[119.6, 29.0], [119.9, 29.0], [119.9, 29.2], [119.6, 29.2], [119.6, 29.0]]
        ],
    }
    map_layer_import(actor=None, county=tree.county, kind="boundary", geojson=square)
    map_layer_import(actor=None, county=tree.county, kind="township", geojson=square)
    body = login(users.county_staff).get("/sites/new/").content.decode()
    assert 'id="site-form-boundary"' in body and "FeatureCollection" in body
    assert "vendor/leaflet/leaflet.js" in body and "js/site_form_map.js" in body
    assert "js/county_basemap.js" in body
    basemap = json.loads(re.search(r'id="site-form-basemap"[^>]*>(.*?)</script>', body).group(1))
    assert sorted(basemap["layers"]) == ["boundary", "township"]
    assert basemap["layers"]["township"]["url"].startswith("/sites/map/layers/township/")
    assert basemap["tile_url"] == ""


def test_create_under_an_org_outside_the_scope_is_404(login, users, tree):
    response = login(users.township_staff).post("/sites/new/", _form(tree.b1))
    assert response.status_code == 404
    assert not ServiceSite.objects.exists()


def test_edit_keeps_the_phone_when_its_mask_is_posted_back(login, users, site_factory):
    site = site_factory(contact_phone="13912345678")
    client = login(users.township_staff)
    form = client.get(f"/sites/{site.pk}/edit/").context["form"]
    assert form.initial["contact_phone"] == "139****5678"

    data = _form(name="改名站点", contact_phone="139****5678", version=site.version,
                 lng=f"{site.lng:.6f}", lat=f"{site.lat:.6f}")  # fmt: skip
    response = client.post(f"/sites/{site.pk}/edit/", data)

    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "改名站点" and site.contact_phone == "13912345678"
    assert site.version == 2


def test_edit_with_a_stale_version_shows_the_conflict_and_changes_nothing(
    login, users, site_factory
):
    site = site_factory(name="原名站点")
    client = login(users.township_staff)
    stale = _form(
        name="甲改的名字", version=site.version, lng=f"{site.lng:.6f}", lat=f"{site.lat:.6f}"
    )
    client.post(f"/sites/{site.pk}/edit/", _form(name="乙先改了", version=site.version,
                lng=f"{site.lng:.6f}", lat=f"{site.lat:.6f}"))  # fmt: skip

    response = client.post(f"/sites/{site.pk}/edit/", stale)

    assert "该站点信息已被他人修改，请刷新后重试。" in response.content.decode()
    site.refresh_from_db()
    assert site.name == "乙先改了"


# --- status ------------------------------------------------------------------------------


def test_suspend_needs_a_reason_then_suspends_and_reopens(login, users, site_factory):
    site = site_factory()
    client = login(users.township_staff)

    refused = client.post(f"/sites/{site.pk}/status/", {"status": "suspended", "reason": ""})
    assert "请填写暂停或关闭的原因。" in refused.content.decode()

    client.post(f"/sites/{site.pk}/status/",
                {"status": "suspended", "reason": "设备维修", "on": "2024-05-01"})  # fmt: skip
    site.refresh_from_db()
    assert (site.status, site.status_reason) == (SiteStatus.SUSPENDED, "设备维修")
    assert site.status_changed_on == datetime.date(2024, 5, 1)
    assert "设备维修" in client.get(f"/sites/{site.pk}/").content.decode()

    client.post(f"/sites/{site.pk}/status/", {"status": "open"})
    site.refresh_from_db()
    assert site.status == SiteStatus.OPEN


def test_status_change_is_refused_for_a_user_without_edit(login, users, site_factory):
    site = site_factory()
    response = login(users.leader).post(
        f"/sites/{site.pk}/status/", {"status": "closed", "reason": "x"}
    )
    assert response.status_code == 404
    site.refresh_from_db()
    assert site.status == SiteStatus.OPEN


# --- photos ------------------------------------------------------------------------------


def test_photo_upload_shows_in_the_gallery_is_served_and_can_be_removed(login, users, site_factory):
    site = site_factory()
    client = login(users.township_staff)

    response = client.post(f"/sites/{site.pk}/photos/", {"image": png_upload(), "caption": "门头"})

    assert response.status_code == 302
    photo = SitePhoto.objects.get(site=site)
    body = client.get(f"/sites/{site.pk}/").content.decode()
    assert f"/sites/{site.pk}/photos/{photo.pk}/" in body and "门头" in body
    served = client.get(f"/sites/{site.pk}/photos/{photo.pk}/")
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")

    client.post(f"/sites/{site.pk}/photos/{photo.pk}/remove/")
    assert not SitePhoto.objects.exists()


def test_photo_that_is_not_an_image_is_refused_in_chinese(login, users, site_factory):
    site = site_factory()
    fake = SimpleUploadedFile("照片.jpg", b"not really a jpeg", content_type="image/jpeg")
    response = login(users.township_staff).post(
        f"/sites/{site.pk}/photos/", {"image": fake}, follow=True
    )
    assert "上传的文件不是有效的图片" in response.content.decode()
    assert not SitePhoto.objects.exists()


def test_photo_without_a_file_is_refused_in_chinese(login, users, site_factory):
    site = site_factory()
    response = login(users.township_staff).post(f"/sites/{site.pk}/photos/", {}, follow=True)
    assert "请选择要上传的照片。" in response.content.decode()


def test_photo_of_a_site_outside_the_scope_is_404(login, users, tree, site_factory):
    site = site_factory(org=tree.b1)
    response = login(users.township_staff).post(
        f"/sites/{site.pk}/photos/", {"image": png_upload()}
    )
    assert response.status_code == 404
    assert not SitePhoto.objects.exists()

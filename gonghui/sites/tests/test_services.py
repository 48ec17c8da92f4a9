"""Site services: codes, coordinates, status rules, versions, feedback, check-ins, layers."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.models import model_to_dict
from django.http import Http404
from PIL import Image

from gonghui.audit.models import AuditEvent
from gonghui.core import geo
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.sites import selectors, services
from gonghui.sites.models import (
    CheckIn,
    CoverageSettings,
    FeedbackStatus,
    MapLayer,
    MapLayerKind,
    ServiceSite,
    SiteCodeSequence,
    SiteFeedback,
    SitePhoto,
    SiteStatus,
)

COUNTY_SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "测试县"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[119.6, 29.0], [119.9, 29.0], [119.9, 29.3], [119.6, 29.3], [119.6, 29.0]]
                ],
            },
        }
    ],
}


def _state(site):
    fresh = ServiceSite.objects.get(pk=site.pk)
    return {
        **model_to_dict(fresh),
        "version": fresh.version,
        "status_changed_on": fresh.status_changed_on,
    }


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- create -----------------------------------------------------------------------------------


def test_site_create_issues_sequential_codes_per_county_and_kind(tree, site_factory):
    tree.county.division_code = "339901"
    tree.county.save()
    first = site_factory(kind="canteen")
    second = site_factory(kind="canteen")
    other_kind = site_factory(kind="nursing_room")
    assert (first.site_code, second.site_code) == ("339901-ST-0001", "339901-ST-0002")
    assert other_kind.site_code == "339901-MY-0001"
    assert SiteCodeSequence.objects.get(prefix="339901-ST").last == 2


def test_site_create_keeps_an_imported_code_and_continues_after_it(tree, site_factory):
    site = site_factory(kind="canteen", site_code="000000-st-0040")
    assert site.site_code == "000000-ST-0040"
    assert site_factory(kind="canteen").site_code == "000000-ST-0041"
    with pytest.raises(ValidationFailed) as caught:
        site_factory(kind="canteen", site_code="000000-ST-0040")
    assert caught.value.fields["site_code"] == ["该站点编码已存在。"]
    with pytest.raises(ValidationFailed):
        site_factory(kind="canteen", site_code="000000-HW-0001")  # letters of another kind


def test_site_create_stores_phone_encrypted_masks_it_and_audits(tree, users, site_factory):
    site = services.site_create(
        actor=users.township_staff,
        org=tree.a1,
        kind="love_station",
        name="甲镇爱心驿站",
        lng=119.75,
        lat=29.12,
        contact_phone="139-0000-5678",
        facilities=["wifi", "charging"],
        standards=["sign", "siting", "facilities", "services", "rules", "on_map"],
    )
    assert site.contact_phone == "13900005678"
    assert site.contact_phone_masked == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM sites_servicesite WHERE id = %s", [site.pk])
        assert "13900005678" not in cursor.fetchone()[0]
    assert site.facility_codes == ["charging", "wifi"]
    # 有服务设施 follows the checklist (休息场所、桌椅、冷热饮水 missing), whatever the tick
    assert site.standard_codes == ["sign", "siting", "services", "rules", "on_map"]
    assert not site.meets_six_standard
    assert site.township == tree.a  # the managing org's township
    assert (
        AuditEvent.objects.filter(
            action="created", object_type="sites.ServiceSite", object_id=str(site.pk)
        ).count()
        == 1
    )


def test_site_create_converts_wgs84_and_bd09_input_to_gcj02(tree, site_factory):
    from_gps = site_factory(lng=119.75, lat=29.12, crs="wgs84")
    expected = geo.wgs84_to_gcj02(119.75, 29.12)
    assert (from_gps.lng, from_gps.lat) == (round(expected[0], 6), round(expected[1], 6))
    from_baidu = site_factory(lng=119.75, lat=29.12, crs="bd09")
    expected = geo.bd09_to_gcj02(119.75, 29.12)
    assert (from_baidu.lng, from_baidu.lat) == (round(expected[0], 6), round(expected[1], 6))


@pytest.mark.parametrize(
    ("lng", "lat", "crs", "message"),
    [
        (2.35, 48.85, "wgs84", "坐标不在中国境内"),
        (200, 29, "gcj02", "坐标超出范围"),
        (119.7, 29.1, "itrf", "不支持的坐标系"),
        (119.5, 29.1, "gcj02", "坐标不在本县范围内"),  # west of the county square
    ],
)
def test_site_create_refuses_bad_points_and_leaves_nothing(
    tree, site_factory, lng, lat, crs, message
):
    services.map_layer_import(
        actor=None, county=tree.county, kind="boundary", geojson=COUNTY_SQUARE
    )
    with pytest.raises(ValidationFailed) as caught:
        site_factory(lng=lng, lat=lat, crs=crs)
    assert message in caught.value.fields["coordinates"][0]
    assert not ServiceSite.objects.exists()
    assert not SiteCodeSequence.objects.exists()


def test_site_create_refuses_unknown_codes_and_bad_hours(tree, site_factory):
    with pytest.raises(ValidationFailed) as caught:
        site_factory(facilities=["sauna"], opening_hours={"mon": [["9:00", "9:00"]]}, name="")
    assert set(caught.value.fields) == {"facilities", "opening_hours", "name"}
    assert not ServiceSite.objects.exists()


def test_site_create_out_of_scope_answers_not_found_and_creates_nothing(tree, users, site_factory):
    with pytest.raises(NotFound):
        services.site_create(
            actor=users.township_staff,
            org=tree.b1,
            kind="canteen",
            name="越权",
            lng=119.7,
            lat=29.1,
        )
    assert not ServiceSite.objects.exists()


# --- update and status ------------------------------------------------------------------------


def test_site_update_checks_the_version(tree, users, site_factory):
    site = site_factory()
    updated = services.site_update(
        actor=users.township_staff, site=site, version=1, name="新名称", facilities=["wifi"]
    )
    assert (updated.name, updated.version, updated.facility_codes) == ("新名称", 2, ["wifi"])
    before = _state(site)
    with pytest.raises(Conflict) as caught:
        services.site_update(actor=users.township_staff, site=site, version=1, name="过期的修改")
    assert caught.value.code == "stale_version"
    assert _state(site) == before


def test_site_update_moves_the_point_with_conversion(tree, users, site_factory):
    site = site_factory()
    updated = services.site_update(
        actor=None, site=site, version=1, lng="119.8", lat="29.2", crs="wgs84"
    )
    expected = geo.wgs84_to_gcj02(119.8, 29.2)
    assert (updated.lng, updated.lat) == (round(expected[0], 6), round(expected[1], 6))


def test_site_update_out_of_scope_changes_nothing(tree, users, site_factory):
    site = site_factory(org=tree.b1)
    before = _state(site)
    with pytest.raises(NotFound):
        services.site_update(actor=users.township_staff, site=site, version=1, name="越权修改")
    with pytest.raises(NotFound):
        services.site_set_status(
            actor=users.township_staff, site=site, status="closed", reason="越权"
        )
    own = site_factory()
    with pytest.raises(NotFound):  # moving one's own site to another subtree
        services.site_update(actor=users.township_staff, site=own, version=1, org=tree.b1)
    assert _state(site) == before
    assert ServiceSite.objects.get(pk=own.pk).org == tree.a1


def test_suspend_and_close_need_a_reason_and_closed_sites_stay(tree, users, site_factory):
    site = site_factory()
    with pytest.raises(ValidationFailed):
        services.site_set_status(
            actor=users.township_staff, site=site, status="suspended", reason=" "
        )
    assert ServiceSite.objects.get(pk=site.pk).status == SiteStatus.OPEN
    closed = services.site_set_status(
        actor=users.township_staff,
        site=site,
        status="closed",
        reason="依托单位搬迁",
        on=datetime.date(2026, 1, 5),
    )
    assert (closed.status, closed.status_reason, closed.status_changed_on) == (
        "closed",
        "依托单位搬迁",
        datetime.date(2026, 1, 5),
    )
    assert ServiceSite.objects.filter(pk=site.pk).exists()
    assert selectors.site_list(users.township_staff, status="closed").get() == closed
    with pytest.raises(Conflict):
        services.site_set_status(
            actor=users.township_staff, site=closed, status="closed", reason="再次关闭"
        )
    reopened = services.site_set_status(actor=users.township_staff, site=closed, status="open")
    assert reopened.status == "open" and reopened.version == 3


# --- lists ------------------------------------------------------------------------------------


def test_site_list_is_scoped_and_filters(tree, users, site_factory):
    mine = site_factory(kind="canteen", facilities=["microwave", "wifi"], name="甲镇食堂")
    site_factory(kind="canteen", facilities=["microwave"], name="甲镇另一食堂")
    theirs = site_factory(org=tree.b1, kind="canteen", facilities=["microwave", "wifi"])
    listed = selectors.site_list(
        users.township_staff, kind="canteen", facilities=["microwave", "wifi"]
    )
    assert list(listed) == [mine]
    assert theirs in selectors.site_list(users.county_staff, facilities=["wifi"])
    assert list(selectors.site_list(users.township_staff, q="另一")) != [mine]
    assert list(selectors.site_list(users.township_staff, township=tree.a, q=mine.site_code)) == [
        mine
    ]
    with pytest.raises(Http404):
        selectors.site_get(users.township_staff, theirs.pk)


def test_site_list_open_now(tree, users, site_factory):
    monday_ten = datetime.datetime(
        2026, 3, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    weekday = site_factory()  # Mon–Fri 08:00–18:00
    site_factory(opening_hours={"sat": [["08:00", "18:00"]]})
    assert list(selectors.site_list(users.township_staff, open_now=True, at=monday_ten)) == [
        weekday
    ]


# --- photos -----------------------------------------------------------------------------------


def test_photo_add_accepts_a_real_image_and_refuses_anything_else(tree, users, site_factory):
    site = site_factory()
    photo = services.site_photo_add(
        actor=users.township_staff,
        site=site,
        upload=SimpleUploadedFile("门口.png", _png()),
        caption="门口",
    )
    assert (photo.width, photo.height) == (40, 30)
    assert photo.image.name.endswith(".png") and "门口" not in photo.image.name
    for name, content in (
        ("fake.jpg", b"<html><script>alert(1)</script></html>"),
        ("cut.png", _png()[:60]),
        ("anim.gif", b"GIF89a" + b"\x00" * 40),
    ):
        with pytest.raises(ValidationFailed) as caught:
            services.site_photo_add(
                actor=users.township_staff, site=site, upload=SimpleUploadedFile(name, content)
            )
        assert "不是有效的图片" in caught.value.message
    assert SitePhoto.objects.count() == 1
    services.site_photo_remove(actor=users.township_staff, photo=photo)
    assert not SitePhoto.objects.exists()


def test_photo_add_out_of_scope_adds_nothing(tree, users, site_factory):
    site = site_factory(org=tree.b1)
    with pytest.raises(NotFound):
        services.site_photo_add(
            actor=users.township_staff, site=site, upload=SimpleUploadedFile("a.png", _png())
        )
    assert not SitePhoto.objects.exists()


# --- feedback ---------------------------------------------------------------------------------


def test_feedback_goes_to_the_managing_org_with_the_phone_encrypted(tree, site_factory):
    site = site_factory(org=tree.a1)
    item = services.feedback_submit(
        site=site, kind="repair", text="微波炉坏了，请维修。", phone="13800001234", ip="10.0.0.1"
    )
    assert item.org == tree.a1 and item.status == FeedbackStatus.OPEN
    assert item.phone_masked == "138****1234"
    assert item.submitter_ip_hash and "10.0.0.1" not in item.submitter_ip_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM sites_sitefeedback WHERE id = %s", [item.pk])
        assert "13800001234" not in cursor.fetchone()[0]


def test_feedback_flood_from_one_ip_is_rate_limited(tree, site_factory):
    site = site_factory()
    for i in range(services.FEEDBACK_PER_IP):
        services.feedback_submit(
            site=site, kind="feedback", text=f"第{i}条意见，谢谢。", ip="10.0.0.9"
        )
    with pytest.raises(services.RateLimited) as caught:
        services.feedback_submit(
            site=site, kind="feedback", text="又一条意见，谢谢。", ip="10.0.0.9"
        )
    assert caught.value.status == 429 and caught.value.message == "提交过于频繁，请稍后再试。"
    assert SiteFeedback.objects.count() == services.FEEDBACK_PER_IP
    services.feedback_submit(site=site, kind="feedback", text="另一台手机的意见。", ip="10.0.0.10")
    assert SiteFeedback.objects.count() == services.FEEDBACK_PER_IP + 1


def test_refused_attempts_count_towards_the_limit_too(tree, site_factory):
    site = site_factory()
    for _ in range(services.FEEDBACK_ATTEMPTS_PER_IP):
        with pytest.raises(ValidationFailed):
            services.feedback_submit(site=site, kind="feedback", text="短", ip="10.0.0.7")
    with pytest.raises(services.RateLimited):
        services.feedback_submit(site=site, kind="feedback", text="这次填写完整了。", ip="10.0.0.7")


def test_feedback_on_a_closed_site_and_bad_input_are_refused(tree, site_factory):
    site = site_factory()
    with pytest.raises(ValidationFailed) as caught:
        services.feedback_submit(site=site, kind="praise", text="短", phone="12345")
    assert set(caught.value.fields) == {"kind", "text", "phone"}
    services.site_set_status(actor=None, site=site, status="closed", reason="撤并")
    site.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        services.feedback_submit(site=site, kind="repair", text="灯坏了，请维修。")
    assert caught.value.code == "site_closed"
    assert not SiteFeedback.objects.exists()


def test_feedback_answer_and_close(tree, users, site_factory):
    item = services.feedback_submit(site=site_factory(), kind="repair", text="饮水机没有热水。")
    answered = services.feedback_answer(
        actor=users.grassroots_staff, feedback=item, answer="已报修。"
    )
    assert (answered.status, answered.answered_by) == ("answered", users.grassroots_staff)
    closed = services.feedback_close(actor=users.grassroots_staff, feedback=item, note="已修好")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(Conflict):
        services.feedback_answer(actor=users.grassroots_staff, feedback=item, answer="再答复")
    assert list(selectors.feedback_list(users.township_staff, status="closed")) == [closed]


def test_feedback_answer_out_of_scope_changes_nothing(tree, users, site_factory):
    item = services.feedback_submit(
        site=site_factory(org=tree.b1), kind="repair", text="饮水机没有热水。"
    )
    with pytest.raises(NotFound):
        services.feedback_answer(actor=users.township_staff, feedback=item, answer="越权答复")
    with pytest.raises(NotFound):
        services.feedback_close(actor=users.township_staff, feedback=item)
    fresh = SiteFeedback.objects.get(pk=item.pk)
    assert (fresh.status, fresh.answer) == ("open", "")
    assert list(selectors.feedback_list(users.township_staff)) == []


# --- check-ins --------------------------------------------------------------------------------


def test_checkins_count_per_site_and_day(tree, users, site_factory):
    site = site_factory()
    day = datetime.date(2026, 3, 2)
    assert services.checkin_record(site=site, ip="10.0.0.1", day=day)
    assert not services.checkin_record(site=site, ip="10.0.0.1", day=day)  # same phone, again
    assert services.checkin_record(site=site, ip="10.0.0.2", day=day)
    assert services.checkin_record(site=site, ip=None, day=day)
    assert services.checkin_record(site=site, ip=None, day=datetime.date(2026, 3, 31))
    assert CheckIn.objects.get(site=site, day=day).count == 3
    monthly = list(selectors.checkin_monthly(users.township_staff))
    assert [(r["site_id"], r["month"], r["total"]) for r in monthly] == [
        (site.pk, datetime.date(2026, 3, 1), 4)
    ]
    assert (
        list(
            selectors.checkin_monthly(
                users.county_staff.__class__.objects.get(username="grassroots_staff")
            )
        )
        == monthly
    )


def test_checkin_at_a_suspended_site_is_refused(tree, site_factory):
    site = services.site_set_status(
        actor=None, site=site_factory(), status="suspended", reason="装修"
    )
    with pytest.raises(ValidationFailed):
        services.checkin_record(site=site, ip="10.0.0.1")
    assert not CheckIn.objects.exists()


# --- map layers and coverage ------------------------------------------------------------------


def test_map_layer_import_stores_gcj02_and_replaces_with_a_new_version(tree, users):
    layer = services.map_layer_import(
        actor=users.county_admin,
        county=tree.county,
        kind="boundary",
        geojson=json.dumps(COUNTY_SQUARE),
    )
    assert (layer.version, layer.feature_count, layer.bbox) == (1, 1, [119.6, 29.0, 119.9, 29.3])
    assert selectors.county_boundary(tree.county)["features"][0]["properties"] == {"name": "测试县"}
    wgs = services.map_layer_import(
        actor=users.county_admin,
        county=tree.county,
        kind="boundary",
        geojson=COUNTY_SQUARE,
        crs="wgs84",
    )
    assert wgs.pk == layer.pk and wgs.version == 2
    converted = selectors.county_boundary(tree.county)["features"][0]["geometry"]["coordinates"][0][
        0
    ]
    expected = geo.wgs84_to_gcj02(119.6, 29.0)
    assert converted == [round(expected[0], 6), round(expected[1], 6)]


@pytest.mark.parametrize(
    ("kind", "geojson", "message"),
    [
        ("boundary", "{not json", "JSON 格式错误"),
        ("boundary", {"type": "LineString", "coordinates": [[119.6, 29], [119.7, 29]]}, "只接受"),
        ("township", {"type": "LineString", "coordinates": [[119.6, 29], [119.7, 29]]}, "只接受"),
        (
            "road",
            {
                "type": "Polygon",
                "coordinates": [[[119.6, 29], [119.7, 29], [119.7, 29.1], [119.6, 29]]],
            },
            "只接受",
        ),
        (
            "boundary",
            {
                "type": "Polygon",
                "coordinates": [[[119.6, 29], [119.7, 29], [119.7, 29.1], [119.6, 29.1]]],
            },
            "没有闭合",
        ),
        (
            "built_up_area",
            {"type": "Polygon", "coordinates": [[[2.3, 48], [2.4, 48], [2.4, 49], [2.3, 48]]]},
            "不在中国境内",
        ),
        ("road", {"type": "FeatureCollection", "features": []}, "没有任何要素"),
        ("road", {"type": "LineString", "coordinates": [["a", 29], [119.7, 29]]}, "格式不正确"),
    ],
)
def test_map_layer_import_refuses_bad_geojson(tree, kind, geojson, message):
    with pytest.raises(ValidationFailed) as caught:
        services.map_layer_import(actor=None, county=tree.county, kind=kind, geojson=geojson)
    assert message in caught.value.message
    assert not MapLayer.objects.exists()


def test_map_layers_and_coverage_are_county_level_and_scoped(tree, users):
    with pytest.raises(ValidationFailed):
        services.map_layer_import(actor=None, county=tree.a, kind="boundary", geojson=COUNTY_SQUARE)
    with pytest.raises(NotFound):
        services.map_layer_import(
            actor=users.township_staff,
            county=tree.county,
            kind="road",
            geojson={"type": "LineString", "coordinates": [[119.6, 29], [119.7, 29]]},
        )
    with pytest.raises(NotFound):
        services.coverage_settings_set(actor=users.township_staff, county=tree.county, radius_m=800)
    assert not MapLayer.objects.exists() and not CoverageSettings.objects.exists()
    assert selectors.coverage_radius_m(tree.county) == 1000


def test_coverage_radius_is_configurable_per_county(tree, users):
    setting = services.coverage_settings_set(
        actor=users.county_admin, county=tree.county, radius_m=800
    )
    assert selectors.coverage_radius_m(tree.county) == 800
    assert selectors.coverage_radius_m(selectors.county_of(tree.a1)) == 800
    with pytest.raises(ValidationFailed):
        services.coverage_settings_set(actor=users.county_admin, county=tree.county, radius_m=50)
    with pytest.raises(Conflict):
        services.coverage_settings_set(
            actor=users.county_admin, county=tree.county, radius_m=900, version=setting.version + 1
        )
    assert selectors.coverage_radius_m(tree.county) == 800


def test_layer_kinds_are_the_four_documented():
    assert set(MapLayerKind.values) == {"boundary", "township", "road", "built_up_area"}

"""The public sites API (/api/v1/public/sites): anonymous access, validation, nearest equal
to a brute-force sort, coordinates in the requested crs, feedback, check-ins, rate limits."""

import logging
import random

import pytest
from django.db import connection
from django.test import override_settings

from gonghui.audit.models import AuditEvent
from gonghui.core import geo, ratelimit
from gonghui.sites.models import CheckIn, ServiceSite, SiteFeedback, SiteKind, SiteStatus
from gonghui.sites.public import services as public
from gonghui.sites.services import FEEDBACK_PER_IP, site_set_status

BASE = "/api/v1/public/sites"
ALWAYS_OPEN = {"is_24h": True}


def _get(client, path, ip="10.0.0.1", **params):
    return client.get(f"{BASE}{path}", params, REMOTE_ADDR=ip)


def _post(client, path, body=None, ip="10.0.0.1"):
    return client.post(f"{BASE}{path}", body or {}, content_type="application/json", REMOTE_ADDR=ip)


def _brute_force(lng, lat, limit):
    ranked = sorted(
        (geo.haversine_m(lng, lat, s.lng, s.lat), s.pk, s.site_code)
        for s in ServiceSite.objects.filter(status=SiteStatus.OPEN)
    )
    return [code for _, _, code in ranked[:limit]]


# --- anonymous access --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_public_endpoint_answers_anonymous_callers(client, site_factory):
    # given an open site and no login
    site = site_factory(**ALWAYS_OPEN)
    # when / then
    assert _get(client, "/nearest", lat=site.lat, lng=site.lng, crs="gcj02").status_code == 200
    assert _get(client, f"/{site.site_code}").status_code == 200
    feedback = _post(
        client, f"/{site.site_code}/feedback", {"kind": "repair", "text": "饮水机坏了"}
    )
    assert feedback.status_code == 201
    assert _post(client, f"/{site.site_code}/checkins").status_code == 201


@pytest.mark.django_db
def test_public_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/public/sites/nearest", "/api/v1/public/sites/{code}"} <= set(paths)
    assert "post" in paths["/api/v1/public/sites/{code}/feedback"]
    assert "post" in paths["/api/v1/public/sites/{code}/checkins"]


# --- nearest -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nearest_equals_a_brute_force_sort_of_open_sites(client, tree):
    # given 80 sites scattered over ~10 km, a fifth of them suspended or closed
    rng = random.Random(7)
    sites = []
    for i in range(80):
        sites.append(
            ServiceSite(
                org=tree.a1,
                org_anchor=tree.a1.anchor,
                kind=SiteKind.OUTDOOR_STATION,
                name=f"站点{i}",
                site_code=f"339901-HW-{i:04d}",
                lng=round(119.70 + rng.uniform(0, 0.1), 6),
                lat=round(29.05 + rng.uniform(0, 0.1), 6),
                status=rng.choice(
                    [SiteStatus.OPEN] * 4 + [SiteStatus.SUSPENDED, SiteStatus.CLOSED]
                ),
                is_24h=True,
            )
        )
    ServiceSite.objects.bulk_create(sites)
    for _ in range(15):
        lng, lat = round(119.70 + rng.uniform(0, 0.1), 6), round(29.05 + rng.uniform(0, 0.1), 6)
        limit = rng.randint(1, 20)
        # when
        body = _get(client, "/nearest", lat=lat, lng=lng, crs="gcj02", limit=limit).json()
        # then
        assert [item["code"] for item in body["items"]] == _brute_force(lng, lat, limit)
        distances = [item["distance_m"] for item in body["items"]]
        assert distances == sorted(distances)


@pytest.mark.django_db
def test_nearest_converts_wgs84_input_and_answers_in_the_requested_crs(client, site_factory):
    # given a site stored in GCJ-02 and a phone standing on it, reporting WGS-84
    site = site_factory(**ALWAYS_OPEN)
    w_lng, w_lat = geo.gcj02_to_wgs84(site.lng, site.lat)
    # when
    body = _get(client, "/nearest", lat=w_lat, lng=w_lng, crs="wgs84").json()
    # then the site is ~0 m away, and every point is given back in WGS-84 and GCJ-02
    item = body["items"][0]
    assert item["code"] == site.site_code
    assert item["distance_m"] <= 1
    assert item["location"]["crs"] == "wgs84"
    assert item["location"]["lng"] == pytest.approx(w_lng, abs=2e-6)
    assert item["location"]["lat"] == pytest.approx(w_lat, abs=2e-6)
    assert item["gcj02"] == {"lng": site.lng, "lat": site.lat}
    assert body["origin"]["lng"] == pytest.approx(w_lng, abs=2e-6)
    assert item["url"] == f"/portal/sites/{site.site_code}/"
    assert item["directions"]["amap"].startswith("https://uri.amap.com/navigation?to=")
    assert "mode=walk" in item["directions"]["amap"]
    assert "coord_type=gcj02" in item["directions"]["baidu_web"]
    assert item["directions"]["baidu_app"].startswith("baidumap://map/direction?")


@pytest.mark.django_db
def test_nearest_in_bd09(client, site_factory):
    site = site_factory(**ALWAYS_OPEN)
    b_lng, b_lat = geo.gcj02_to_bd09(site.lng, site.lat)
    item = _get(client, "/nearest", lat=b_lat, lng=b_lng, crs="bd09").json()["items"][0]
    assert item["code"] == site.site_code
    assert item["distance_m"] <= 1
    assert item["location"] == {"lng": round(b_lng, 6), "lat": round(b_lat, 6), "crs": "bd09"}


@pytest.mark.django_db
def test_nearest_filters_by_kind_and_open_now(client, site_factory):
    # given a canteen closed now (no hours) and a 24-hour station further away
    canteen = site_factory(kind=SiteKind.CANTEEN, opening_hours={}, is_24h=False)
    station = site_factory(**ALWAYS_OPEN)
    # when / then
    kinds = _get(client, "/nearest", lat=canteen.lat, lng=canteen.lng, kind="canteen").json()
    assert [i["code"] for i in kinds["items"]] == [canteen.site_code]
    assert kinds["items"][0]["open_now"] is False
    now = _get(client, "/nearest", lat=canteen.lat, lng=canteen.lng, open_now="true").json()
    assert [i["code"] for i in now["items"]] == [station.site_code]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"lat": 95, "lng": 120}, "out_of_range", "lat"),
        ({"lat": 30, "lng": 190}, "out_of_range", "lng"),
        ({"lat": 48.85, "lng": 2.35}, "out_of_china", "lat"),  # Paris
        ({"lat": 30, "lng": 120, "crs": "epsg3857"}, "unknown_crs", "crs"),
        ({"lat": "nan", "lng": 120}, "invalid_coordinate", "lat"),
        ({"lat": 30, "lng": 120, "limit": 0}, "validation_error", "limit"),
        ({"lat": 30, "lng": 120, "limit": 51}, "validation_error", "limit"),
        ({"lat": 30, "lng": 120, "kind": "spa"}, "validation_error", "kind"),
        ({"lat": "北纬三十", "lng": 120}, "validation_error", "lat"),
        ({"lng": 120}, "validation_error", "lat"),
    ],
)
def test_nearest_refuses_bad_input_with_a_chinese_message(client, params, code, field):
    response = _get(client, "/nearest", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert field in body["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"] + str(body["fields"]))


@pytest.mark.django_db
def test_nearest_accepts_the_limit_bounds(client, site_factory):
    for _ in range(3):
        site = site_factory(**ALWAYS_OPEN)
    assert len(_get(client, "/nearest", lat=site.lat, lng=site.lng, limit=1).json()["items"]) == 1
    assert len(_get(client, "/nearest", lat=site.lat, lng=site.lng, limit=50).json()["items"]) == 3


# --- detail ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_a_suspended_site_with_its_reason_and_masks_a_mobile(
    client, tree, site_factory
):
    # given a suspended site whose contact is a mobile number
    site = site_factory(contact_phone="13912345678", contact_name="王师傅")
    site_set_status(actor=None, site=site, status=SiteStatus.SUSPENDED, reason="装修")
    # when
    body = _get(client, f"/{site.site_code.lower()}", crs="bd09").json()
    # then
    assert body["status"] == "suspended"
    assert body["status_display"] == "暂停服务"
    assert body["status_reason"] == "装修"
    assert body["open_now"] is False
    assert body["contact_phone"] == {"display": "139****5678", "tel": ""}
    assert "13912345678" not in str(body)
    assert body["location"]["crs"] == "bd09"
    assert [h["day"] for h in body["hours"]] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert sum(h["is_today"] for h in body["hours"]) == 1
    assert len(body["standards"]) == 6


@pytest.mark.django_db
def test_detail_gives_a_published_landline_in_full_with_a_tel_link(client, site_factory):
    site = site_factory(contact_phone="0579-85551234")
    body = _get(client, f"/{site.site_code}").json()
    assert body["contact_phone"] == {"display": "057985551234", "tel": "tel:057985551234"}


@pytest.mark.django_db
def test_detail_of_an_unknown_code_is_404(client):
    response = _get(client, "/339901-HW-9999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- feedback and check-ins -------------------------------------------------------------------


@pytest.mark.django_db
def test_feedback_is_routed_to_the_managing_org_with_the_phone_encrypted(
    client, tree, site_factory
):
    site = site_factory(org=tree.a1)
    response = _post(
        client,
        f"/{site.site_code}/feedback",
        {"kind": "repair", "text": "空调不制冷，请维修", "phone": "139 1234 5678"},
    )
    assert response.status_code == 201
    assert response.json()["routed_to"] == tree.a1.name
    report = SiteFeedback.objects.get()
    assert (report.org_id, report.site_id, report.phone) == (tree.a1.pk, site.pk, "13912345678")
    assert AuditEvent.objects.filter(object_id=str(report.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "praise", "text": "很好很好很好"}, "kind"),
        ({"kind": "feedback", "text": "短"}, "text"),
        ({"kind": "feedback", "text": "饮水机坏了", "phone": "12345"}, "phone"),
    ],
)
def test_feedback_refuses_bad_input_and_stores_nothing(client, site_factory, body, field):
    site = site_factory()
    response = _post(client, f"/{site.site_code}/feedback", body)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not SiteFeedback.objects.exists()


@pytest.mark.django_db
def test_feedback_with_unknown_fields_or_on_an_unknown_code(client, site_factory):
    site = site_factory()
    extra = _post(
        client, f"/{site.site_code}/feedback", {"kind": "repair", "text": "12345", "x": 1}
    )
    assert extra.status_code == 422
    assert (
        _post(client, "/339901-HW-9999/feedback", {"kind": "repair", "text": "12345"}).status_code
        == 404
    )
    assert not SiteFeedback.objects.exists()


@pytest.mark.django_db
def test_feedback_flood_from_one_ip_answers_429_in_the_error_shape(client, site_factory):
    site = site_factory()
    body = {"kind": "feedback", "text": "希望增加座椅"}
    for _ in range(FEEDBACK_PER_IP):
        assert _post(client, f"/{site.site_code}/feedback", body).status_code == 201
    response = _post(client, f"/{site.site_code}/feedback", body)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert SiteFeedback.objects.count() == FEEDBACK_PER_IP
    # another IP is not affected
    assert _post(client, f"/{site.site_code}/feedback", body, ip="10.0.0.2").status_code == 201


@pytest.mark.django_db
def test_checkin_counts_once_per_ip_in_30_minutes(client, site_factory):
    site = site_factory(**ALWAYS_OPEN)
    first = _post(client, f"/{site.site_code}/checkins")
    again = _post(client, f"/{site.site_code}/checkins")
    other = _post(client, f"/{site.site_code}/checkins", ip="10.0.0.9")
    assert (first.status_code, first.json()["counted"]) == (201, True)
    assert (again.status_code, again.json()["counted"]) == (200, False)
    assert other.status_code == 201
    assert CheckIn.objects.get(site=site).count == 2


@pytest.mark.django_db
def test_checkin_at_a_closed_site_is_refused(client, site_factory):
    site = site_factory()
    site_set_status(actor=None, site=site, status=SiteStatus.CLOSED, reason="拆迁")
    response = _post(client, f"/{site.site_code}/checkins")
    assert response.status_code == 422
    assert response.json()["code"] == "site_not_open"
    assert not CheckIn.objects.exists()


# --- rate limits -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reads_are_rate_limited_per_ip(client, site_factory):
    site = site_factory(**ALWAYS_OPEN)
    for _ in range(public.PUBLIC_READS_PER_MINUTE):
        assert _get(client, "/nearest", lat=site.lat, lng=site.lng).status_code == 200
    response = _get(client, f"/{site.site_code}")
    assert response.status_code == 429
    assert response.json() == {
        "code": "rate_limited",
        "message": public.TOO_MANY_READS,
        "fields": {},
    }
    assert _get(client, f"/{site.site_code}", ip="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_writes_are_rate_limited_per_ip_across_sites(client, site_factory):
    sites = [site_factory(**ALWAYS_OPEN) for _ in range(public.PUBLIC_WRITES_PER_MINUTE + 1)]
    codes = [_post(client, f"/{s.site_code}/checkins").status_code for s in sites]
    assert codes == [201] * public.PUBLIC_WRITES_PER_MINUTE + [429]
    assert CheckIn.objects.count() == public.PUBLIC_WRITES_PER_MINUTE


@pytest.mark.django_db
def test_a_flood_of_429s_logs_the_limit_once_not_a_line_per_answer(client, site_factory, caplog):
    site = site_factory(**ALWAYS_OPEN)
    caplog.set_level(logging.INFO)
    for _ in range(public.PUBLIC_READS_PER_MINUTE + 30):
        _get(client, f"/{site.site_code}", ip="10.7.7.7")
    reached = [r for r in caplog.records if r.getMessage().startswith("Rate limit reached")]
    assert len(reached) == 1 and "sites-public-r:" in reached[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db
@override_settings(RATELIMIT_ALLOW=["10.9.0.0/16"])
def test_an_allow_listed_client_is_not_limited_and_others_still_are(client, site_factory):
    site = site_factory(**ALWAYS_OPEN)
    for _ in range(public.PUBLIC_READS_PER_MINUTE + 5):
        assert (
            _get(client, "/nearest", ip="10.9.3.4", lat=site.lat, lng=site.lng).status_code == 200
        )
    for _ in range(public.PUBLIC_READS_PER_MINUTE):
        assert (
            _get(client, "/nearest", ip="10.8.0.1", lat=site.lat, lng=site.lng).status_code == 200
        )
    assert _get(client, "/nearest", ip="10.8.0.1", lat=site.lat, lng=site.lng).status_code == 429


@pytest.mark.django_db
def test_the_limit_reopens_when_its_minute_ends_even_if_the_client_kept_asking(
    client, site_factory, monkeypatch
):
    # given a client (a busy office behind one address) that used up its minute
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
    site = site_factory(**ALWAYS_OPEN)
    for _ in range(public.PUBLIC_READS_PER_MINUTE):
        _get(client, f"/{site.site_code}")
    # when it keeps retrying through the rest of the minute
    for second in range(1, 60, 7):
        now[0] = 1_800_000_000.0 + second
        assert _get(client, f"/{site.site_code}").status_code == 429
    # then it is served again as soon as the minute is over
    now[0] = 1_800_000_000.0 + public.RATE_WINDOW_SECONDS
    assert _get(client, f"/{site.site_code}").status_code == 200


@pytest.mark.django_db
def test_a_missing_counter_table_never_turns_public_calls_into_server_errors(
    client, site_factory, caplog
):
    # given a database whose rate-limit table is missing
    site = site_factory(**ALWAYS_OPEN)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_ratecounter RENAME TO core_ratecounter_gone")
    # when the public calls every endpoint
    codes = [
        _get(client, "/nearest", lat=site.lat, lng=site.lng).status_code,
        _get(client, f"/{site.site_code}").status_code,
        _post(
            client, f"/{site.site_code}/feedback", {"kind": "repair", "text": "饮水机坏了"}
        ).status_code,
        _post(client, f"/{site.site_code}/checkins").status_code,
    ]
    # then it is served (the limit fails open) and the operators see an error in the log
    assert codes == [200, 200, 201, 201]
    assert "Rate-limit counter unavailable" in caplog.text

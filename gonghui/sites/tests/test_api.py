"""Staff API /api/v1/sites: masked phones, filters and cursor pages, create with coordinate
systems, PATCH with version, status, the feedback queue; all in the OpenAPI document."""

import json

import pytest

from gonghui.accounts.services import token_create
from gonghui.core import geo
from gonghui.sites.models import FeedbackStatus, ServiceSite, SiteStatus
from gonghui.sites.services import feedback_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def _call(user, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t')}"}
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", **headers
        )

    return _call


def test_list_masks_phones_filters_and_pages(api, users, site_factory):
    first = site_factory(name="一号食堂", kind="canteen", contact_phone="13912345678")
    site_factory(name="二号驿站", kind="love_station")
    third = site_factory(name="三号食堂", kind="canteen")

    page = api(users.county_staff, "get", "/api/v1/sites?kind=canteen&limit=1").json()
    assert [s["name"] for s in page["items"]] == ["三号食堂"]
    rest = api(
        users.county_staff, "get", f"/api/v1/sites?kind=canteen&cursor={page['next_cursor']}"
    ).json()
    assert [s["id"] for s in rest["items"]] == [first.pk] and rest["next_cursor"] is None
    item = rest["items"][0]
    assert item["contact_phone"] == "139****5678"
    assert item["facilities"] == ["room", "water"] and item["kind_display"] == "职工食堂"
    assert item["opening_hours"]["mon"] == [["08:00", "18:00"]]
    assert third.pk != first.pk


def test_create_converts_wgs84_and_issues_a_code(api, users, tree):
    body = {"org_id": tree.a1.pk, "kind": "nursing_room", "name": "接口母婴室", "lng": 119.72,
            "lat": 29.10, "crs": "wgs84", "contact_phone": "13900001111",
            "opening_hours": {"mon": [["09:00", "17:00"]]}, "facilities": ["room", "wifi"]}  # fmt: skip
    response = api(users.township_staff, "post", "/api/v1/sites", body)

    assert response.status_code == 201, response.content
    data = response.json()
    expected = geo.wgs84_to_gcj02(119.72, 29.10)
    assert (data["lng"], data["lat"]) == (round(expected[0], 6), round(expected[1], 6))
    assert data["site_code"].endswith("-MY-0001")
    assert data["contact_phone"] == "139****1111"
    assert data["township"] == {"id": tree.a.pk, "name": tree.a.name}


def test_create_out_of_china_is_422_with_the_message_at_lng(api, users, tree):
    body = {"org_id": tree.a1.pk, "kind": "canteen", "name": "海上食堂", "lng": 0, "lat": 0}
    response = api(users.township_staff, "post", "/api/v1/sites", body)
    assert response.status_code == 422
    assert response.json()["fields"] == {"lng": [geo.OUT_OF_CHINA]}
    assert not ServiceSite.objects.exists()


def test_create_with_an_unknown_crs_is_422(api, users, tree):
    body = {
        "org_id": tree.a1.pk,
        "kind": "canteen",
        "name": "食堂",
        "lng": 119.7,
        "lat": 29.1,
        "crs": "cgcs2000",
    }
    response = api(users.township_staff, "post", "/api/v1/sites", body)
    assert response.status_code == 422
    assert response.json()["fields"] == {"lng": [geo.UNKNOWN_CRS]}


def test_patch_with_version_and_a_stale_version_is_409(api, users, site_factory):
    site = site_factory(name="原名")
    ok = api(
        users.township_staff,
        "patch",
        f"/api/v1/sites/{site.pk}",
        {"version": site.version, "name": "新名", "facilities": ["wifi"]},
    )
    assert (
        ok.status_code == 200
        and ok.json()["name"] == "新名"
        and ok.json()["facilities"] == ["wifi"]
    )

    stale = api(
        users.township_staff,
        "patch",
        f"/api/v1/sites/{site.pk}",
        {"version": site.version, "name": "再改"},
    )

    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    site.refresh_from_db()
    assert site.name == "新名"


def test_patch_refuses_unknown_fields_and_nulling_the_name(api, users, site_factory):
    site = site_factory()
    unknown = api(
        users.township_staff,
        "patch",
        f"/api/v1/sites/{site.pk}",
        {"version": 1, "status": "closed"},
    )
    assert unknown.status_code == 422
    null = api(
        users.township_staff, "patch", f"/api/v1/sites/{site.pk}", {"version": 1, "name": None}
    )
    assert null.status_code == 422 and null.json()["fields"] == {"name": ["此项不能为空。"]}


def test_status_change_needs_a_reason_to_close(api, users, site_factory):
    site = site_factory()
    refused = api(
        users.township_staff, "post", f"/api/v1/sites/{site.pk}/status", {"status": "closed"}
    )
    assert refused.status_code == 422 and "reason" in refused.json()["fields"]

    closed = api(
        users.township_staff,
        "post",
        f"/api/v1/sites/{site.pk}/status",
        {"status": "closed", "reason": "拆除", "on": "2024-06-01"},
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["status_changed_on"]) == ("closed", "2024-06-01")
    site.refresh_from_db()
    assert site.status == SiteStatus.CLOSED


def test_feedback_queue_answer_and_close(api, users, site_factory):
    site = site_factory()
    report = feedback_submit(site=site, kind="repair", text="充电插座没有电", phone="13811112222")

    listed = api(users.township_staff, "get", "/api/v1/sites/feedback?status=open").json()
    assert [f["id"] for f in listed["items"]] == [report.pk]
    assert listed["items"][0]["phone"] == "138****2222"
    assert listed["items"][0]["site_code"] == site.site_code

    answered = api(
        users.township_staff,
        "post",
        f"/api/v1/sites/feedback/{report.pk}/answer",
        {"answer": "已修复"},
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    closed = api(
        users.township_staff, "post", f"/api/v1/sites/feedback/{report.pk}/close", {"note": "完成"}
    )
    assert closed.json()["status"] == "closed"
    again = api(users.township_staff, "post", f"/api/v1/sites/feedback/{report.pk}/close", {})
    assert again.status_code == 409 and again.json()["code"] == "feedback_closed"
    report.refresh_from_db()
    assert report.status == FeedbackStatus.CLOSED


def test_feedback_of_a_site_outside_the_scope_lists_nothing(api, users, tree, site_factory):
    site = site_factory(org=tree.b1)
    feedback_submit(site=site, kind="feedback", text="乙镇站点的意见")
    response = api(users.township_staff, "get", f"/api/v1/sites/feedback?site_id={site.pk}")
    assert response.json() == {"items": [], "next_cursor": None}


def test_every_staff_operation_is_in_the_openapi_document_with_a_chinese_summary(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {
        ("/api/v1/sites", "get"), ("/api/v1/sites", "post"),
        ("/api/v1/sites/{id}", "get"), ("/api/v1/sites/{id}", "patch"),
        ("/api/v1/sites/{id}/status", "post"), ("/api/v1/sites/feedback", "get"),
        ("/api/v1/sites/feedback/{id}", "get"), ("/api/v1/sites/feedback/{id}/answer", "post"),
        ("/api/v1/sites/feedback/{id}/close", "post"),
    }  # fmt: skip
    for path, method in operations:
        summary = paths[path][method]["summary"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), (path, method, summary)

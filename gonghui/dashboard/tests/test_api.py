"""/api/v1/measures and /api/v1/dashboard: evaluate a measure scope-checked, bad periods and
unknown codes refused in Chinese, the dashboard's figures; all in the OpenAPI document."""

import json

import pytest

from gonghui.accounts.services import token_create
from gonghui.members.tests.factories import build_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def _call(user, url):
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='t')}")

    return _call


def test_a_measure_is_evaluated_for_an_org_and_period(api, tree, users):
    import datetime as dt

    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    build_member(org=tree.a1, joined_on=dt.date(2026, 7, 1))
    response = api(
        users.township_staff,
        f"/api/v1/measures/members.joined/evaluate?org={tree.a.pk}&start=2026-01-01&end=2026-06-30",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["figure"]["value"] == 1
    assert body["measure"]["name"] == "新入会会员"


def test_bad_input_is_refused_in_chinese(api, tree, users):
    bad_period = api(
        users.county_admin,
        f"/api/v1/measures/members.joined/evaluate?org={tree.a.pk}&start=2026-07-01&end=2026-06-30",
    )
    assert bad_period.status_code == 422
    assert bad_period.json()["message"] == "统计期间的结束日期早于开始日期。"
    unknown = api(users.county_admin, f"/api/v1/measures/workforce.nope/evaluate?org={tree.a.pk}")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"  # like any record that does not exist
    outside = api(users.township_staff, f"/api/v1/measures/members.joined/evaluate?org={tree.b.pk}")
    assert outside.status_code == 404


def test_the_dashboard_api_lists_tiles_pending_ones_included(api, tree, users, monkeypatch):
    from gonghui.dashboard import selectors
    from gonghui.dashboard.tiles import GROUPS, Tile

    later = ("later", "以后上线", (Tile("later.things", "以后的指标", "year"),))
    monkeypatch.setattr(selectors, "GROUPS", [*GROUPS, later])
    response = api(users.county_admin, f"/api/v1/dashboard?org={tree.county.pk}&as_of=2026-06-30")
    assert response.status_code == 200
    tiles = {t["code"]: t for t in response.json()["tiles"]}
    assert tiles["members.active"]["registered"] is True
    assert tiles["sites.checkins"]["figure"] == {"value": 0, "numerator": 0, "denominator": None}
    assert tiles["later.things"] == {
        "code": "later.things",
        "name": "以后的指标",
        "group": "待接入",
        "registered": False,
        "unit": "",
        "period": "year",
        "figure": None,
    }


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = json.loads(client.get("/api/v1/openapi.json").content)["paths"]
    for path in (
        "/api/v1/plans",
        "/api/v1/plans/{id}/progress",
        "/api/v1/reform-items",
        "/api/v1/reform-items/{id}/reports",
        "/api/v1/measures",
        "/api/v1/measures/{code}/evaluate",
        "/api/v1/dashboard",
    ):
        assert path in paths, path

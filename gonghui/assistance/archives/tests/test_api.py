"""The archives API: list with filters and cursor, masked detail, create, PATCH with version,
lifecycle sub-resources, household members; scope (404) and module grants (403)."""

import datetime
import json

import pytest

from gonghui.accounts.services import token_create
from gonghui.assistance.archives.tests.factories import (
    archive_in,
    authorisation_for,
    build_archive,
    ensure_standard,
)
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import HardshipArchive, HouseholdMember
from gonghui.members.tests.factories import make_id_number


@pytest.fixture
def api(client):
    def _call(user, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t')}"}
        if method == "get":
            return client.get(url, **headers)
        if method == "delete":
            return client.delete(url, **headers)
        return getattr(client, method)(
            url, data=json.dumps(body or {}), content_type="application/json", **headers
        )

    return _call


def test_list_filters_pages_with_a_cursor_and_stays_in_scope(api, users, tree):
    mine = [build_archive(org=tree.a1, name=f"甲困难{n}") for n in range(3)]
    build_archive(org=tree.b1, name="乙困难")
    migrant = build_archive(org=tree.a1, name="甲农民工", is_migrant_worker=True)
    first = api(users.township_staff, "get", "/api/v1/archives?limit=2").json()
    assert [i["name"] for i in first["items"]] == ["甲农民工", "甲困难2"]
    rest = api(
        users.township_staff, "get", f"/api/v1/archives?limit=10&cursor={first['next_cursor']}"
    )
    assert [i["name"] for i in rest.json()["items"]] == ["甲困难1", "甲困难0"]
    assert rest.json()["next_cursor"] is None
    only = api(users.township_staff, "get", "/api/v1/archives?group=migrant").json()
    assert [i["id"] for i in only["items"]] == [migrant.pk]
    assert "id_number" not in only["items"][0] and only["items"][0]["id_last4"] == migrant.id_last4
    by_last4 = api(users.township_staff, "get", f"/api/v1/archives?q={mine[0].id_last4}").json()
    assert mine[0].pk in [i["id"] for i in by_last4["items"]]


def test_detail_masks_personal_data_and_out_of_scope_is_404(api, users, tree):
    archive = build_archive(org=tree.a1, health_detail="肺癌晚期化疗中", health_status="serious")
    other = build_archive(org=tree.b1)
    body = api(users.township_staff, "get", f"/api/v1/archives/{archive.pk}").json()
    assert body["id_number"] == archive.id_number[:4] + "*" * 10 + archive.id_number[-4:]
    assert body["phone"] == "139****1234" and body["bank_account"].endswith("4567")
    assert archive.bank_account not in json.dumps(body)
    assert "肺癌" not in json.dumps(body, ensure_ascii=False)
    assert body["category"] == "deep" and "低保标准" in body["category_explanation"]
    assert [s["action"] for s in body["steps"]] == ["apply"]
    assert api(users.township_staff, "get", f"/api/v1/archives/{other.pk}").status_code == 404


def test_create_update_with_version_and_chinese_errors(api, users, tree):
    ensure_standard(tree.a1)
    body = {
        "org_id": tree.a1.pk,
        "name": "接口困难户",
        "id_number": make_id_number(n=7001, birth=datetime.date(1979, 2, 2)),
        "hukou_type": "urban",
        "household_size": 2,
        "annual_income": "15000",
        "main_cause": "unemployed",
        "secondary_causes": ["child_schooling"],
        "address": "甲镇 幸福路　８号",
    }
    created = api(users.grassroots_staff, "post", "/api/v1/archives", body)
    assert created.status_code == 201, created.content
    archive = created.json()
    assert archive["status"] == "applied" and archive["secondary_causes"] == ["child_schooling"]
    assert archive["address"] == "甲镇 幸福路 8号"  # normalised like every text field
    patch = api(
        users.grassroots_staff, "patch", f"/api/v1/archives/{archive['id']}",
        {"version": archive["version"], "annual_income": "30000"},
    )  # fmt: skip
    assert patch.status_code == 200 and patch.json()["category"] == "relative"
    stale = api(
        users.grassroots_staff, "patch", f"/api/v1/archives/{archive['id']}",
        {"version": archive["version"], "annual_income": "10000"},
    )  # fmt: skip
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    bad = api(users.grassroots_staff, "post", "/api/v1/archives", {**body, "household_size": 0})
    assert bad.status_code == 422
    assert bad.json()["fields"]["id_number"] or bad.json()["fields"]["household_size"]
    negative = api(
        users.grassroots_staff, "post", "/api/v1/archives",
        {**body, "id_number": make_id_number(n=7002), "annual_income": "-1"},
    )  # fmt: skip
    assert negative.json()["fields"]["annual_income"] == ["家庭年可支配收入不能为负数。"]
    outside = api(
        users.grassroots_staff, "post", "/api/v1/archives", {**body, "org_id": tree.b1.pk}
    )
    assert outside.status_code == 404
    assert HardshipArchive.objects.count() == 1


def test_lifecycle_steps_as_sub_resources_and_county_only_steps(api, users, tree):
    archive = build_archive(org=tree.a1)
    url = f"/api/v1/archives/{archive.pk}"
    assert (
        api(users.grassroots_staff, "post", f"{url}/check", {"on": "2025-01-03"}).status_code == 200
    )
    auth = authorisation_for(archive)
    visit = api(
        users.grassroots_staff, "post", f"{url}/visit",
        {"on": "2025-01-04", "authorisation_id": auth.pk, "visitors": "张三"},
    )  # fmt: skip
    assert visit.json()["status"] == "visited"
    refused = api(users.township_staff, "post", f"{url}/approve", {"on": "2025-01-05"})
    assert refused.status_code == 403 and "县总工会" in refused.json()["message"]
    assert api(users.grassroots_staff, "post", f"{url}/approve", {}).status_code == 403
    approved = api(users.county_staff, "post", f"{url}/approve", {"on": "2025-01-05"})
    assert approved.json()["status"] == "approved"
    filed = api(users.grassroots_staff, "post", f"{url}/file", {"on": "2025-01-06"}).json()
    assert filed["status"] == "archived" and filed["archive_number"]
    again = api(users.grassroots_staff, "post", f"{url}/check", {})
    assert again.status_code == 409 and again.json()["code"] == "out_of_order"
    review = api(
        users.grassroots_staff, "post", f"{url}/review",
        {"on": "2025-02-01", "annual_income": "90000"},
    )  # fmt: skip
    assert review.json()["category"] == "none"
    early = api(users.county_staff, "post", f"{url}/exit", {"on": "2025-03-01", "reason": "好转"})
    assert early.status_code == 422 and "2025-08-01" in early.json()["message"]


def test_reject_watch_and_relapse(api, users, tree):
    applied = build_archive(org=tree.a1)
    rejected = api(
        users.grassroots_staff,
        "post",
        f"/api/v1/archives/{applied.pk}/reject",
        {"reason": "收入超标"},
    )
    assert rejected.json()["status"] == "rejected"
    exited = archive_in(ArchiveStatus.EXITED, org=tree.a1)
    url = f"/api/v1/archives/{exited.pk}"
    assert (
        api(users.grassroots_staff, "post", f"{url}/watch", {"on": "2025-09-02"}).json()["status"]
        == "watched"
    )
    relapsed = api(
        users.grassroots_staff, "post", f"{url}/relapse", {"annual_income": "12000"}
    ).json()
    assert relapsed["status"] == "applied" and relapsed["relapse_count"] == 1


def test_household_members(api, users, tree):
    archive = build_archive(org=tree.a1)  # household of 3
    url = f"/api/v1/archives/{archive.pk}/household"
    child_id = make_id_number(n=7100, birth=datetime.date(2012, 3, 3))
    added = api(
        users.grassroots_staff,
        "post",
        url,
        {"relation": "child", "name": "小孩", "id_number": child_id, "school_stage": "junior"},
    )
    assert added.status_code == 201 and added.json()["id_number"].endswith(child_id[-4:])
    assert child_id not in added.content.decode()
    person = added.json()["id"]
    listed = api(users.leader, "get", url).json()
    assert [p["name"] for p in listed] == ["小孩"]
    changed = api(users.grassroots_staff, "patch", f"{url}/{person}", {"monthly_income": "300"})
    assert changed.json()["monthly_income"] in ("300.00", 300, "300")
    too_many = [
        api(users.grassroots_staff, "post", url, {"relation": "parent", "name": f"老人{n}"})
        for n in range(2)
    ]
    assert [r.status_code for r in too_many] == [201, 422]
    other = build_archive(org=tree.a1)
    assert (
        api(
            users.grassroots_staff, "delete", f"/api/v1/archives/{other.pk}/household/{person}"
        ).status_code
        == 404
    )
    assert api(users.grassroots_staff, "delete", f"{url}/{person}").status_code == 204
    assert HouseholdMember.objects.filter(archive=archive).count() == 1


def test_openapi_lists_the_archive_operations_with_chinese_summaries(client):
    schema = client.get("/api/v1/openapi.json").json()
    ops = {
        (path, method): op["summary"]
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if path.startswith("/api/v1/archives")
    }
    assert ops[("/api/v1/archives", "get")] == "困难职工档案列表"
    assert ops[("/api/v1/archives/{id}/approve", "post")] == "县总审批"
    assert len(ops) == 17

"""/api/v1/programmes: scoped, masked, all-or-nothing approvals, no double payment."""

import json

import pytest

from gonghui.accounts.services import token_create
from gonghui.assistance.models import Grant
from gonghui.assistance.programmes.tests.factories import approved, archived, programme_in, proposed

pytestmark = pytest.mark.django_db


def _api(client, user, method, url, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t')}"}
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def test_detail_shows_the_rule_in_chinese_and_budgets(client, tree, users):
    programme = programme_in(tree.county, kind="medical")
    body = _api(client, users.county_staff, "get", f"/api/v1/programmes/{programme.pk}").json()
    assert body["rule"]["amount_text"] == "按自付医疗费用的 50% 补助，每项需求最高 10,000.00 元。"
    assert float(body["budgets"][0]["available"]) == 10000


def test_propose_approve_disburse_through_the_api(client, tree, users):
    household = archived(tree.a1)
    programme = programme_in(tree.county)
    made = _api(
        client,
        users.county_staff,
        "post",
        f"/api/v1/programmes/{programme.pk}/grants",
        {"archive_ids": [household.pk]},
    )
    assert made.status_code == 201, made.content
    grant_id = made.json()[0]["id"]
    done = _api(
        client,
        users.county_staff,
        "post",
        f"/api/v1/programmes/{programme.pk}/grants/approve",
        {"grant_ids": [grant_id]},
    )
    assert done.status_code == 200 and done.json()[0]["status"] == "approved"
    paid = _api(
        client,
        users.county_staff,
        "post",
        f"/api/v1/programmes/grants/{grant_id}/disburse",
        {"method": "bank"},
    ).json()
    assert paid["status"] == "disbursed"
    assert paid["bank_account"] == "**** " + household.bank_account[-4:]
    assert household.bank_account not in json.dumps(paid)


def test_second_grant_for_the_same_need_answers_409(client, tree, users):
    household = archived(tree.a1)
    (earlier,) = approved(programme_in(tree.county, name="县总送温暖"), household)
    other = programme_in(tree.county, name="第二个送温暖")
    response = _api(
        client,
        users.county_staff,
        "post",
        f"/api/v1/programmes/{other.pk}/grants",
        {"archive_ids": [household.pk]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "need_already_paid"
    assert f"第 {earlier.pk} 号发放" in response.json()["message"]


def test_over_budget_batch_answers_422_and_changes_nothing(client, tree, users):
    households = [archived(tree.a1) for _ in range(2)]
    programme = programme_in(tree.county, budget="1000")
    ids = [proposed(programme, h)[0].pk for h in households]
    response = _api(
        client,
        users.county_staff,
        "post",
        f"/api/v1/programmes/{programme.pk}/grants/approve",
        {"grant_ids": ids},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "budget_exceeded"
    assert set(Grant.objects.values_list("status", flat=True)) == {"proposed"}


def test_operations_have_chinese_summaries(client):
    schema = client.get("/api/v1/openapi.json").json()
    summaries = [
        op["summary"]
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/programmes")
        for op in ops.values()
    ]
    assert len(summaries) == 8
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s) for s in summaries)

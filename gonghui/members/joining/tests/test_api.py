"""API for online joining: public submit and status check, staff list/detail/approve/reject."""

import json

import pytest
from django.core.cache import cache

from gonghui.accounts.services import token_create
from gonghui.members.joining.tests.matrix import build_application
from gonghui.members.models import JoinApplication, JoinPath, JoinStatus, Member
from gonghui.members.tests.factories import build_member, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _post(client, path, body, user=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"} if user else {}
    return client.post(
        f"/api/v1/join-applications{path}",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def _get(client, path, user, params=None):
    return client.get(
        f"/api/v1/join-applications{path}",
        params or {},
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}",
    )


def _application(tree, **overrides):
    body = {
        "name": "王小明",
        "id_number": make_id_number(male=True),
        "phone": "13912345678",
        "employment_form": "courier",
        "path": JoinPath.HOLDING_POOL,
        "pool_org_id": tree.a.pk,
    }
    body.update(overrides)
    return body


def test_public_submit_without_login_goes_to_the_pool_queue(client, tree):
    body = _application(tree)
    response = _post(client, "", body)
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert (receipt["status"], receipt["status_display"], receipt["union_name"]) == (
        "pending",
        "待审核",
        "甲镇总工会",
    )
    assert set(receipt) == {"status", "status_display", "union_name", "submitted_at"}
    app = JoinApplication.objects.get()
    assert app.org == tree.a and app.id_number == body["id_number"]


def test_public_submit_errors_name_the_api_fields_in_chinese(client, tree):
    response = _post(
        client,
        "",
        _application(tree, id_number="110105194912310021", phone="12345", pool_org_id=None),
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert fields["id_number"] == ["身份证号校验位不正确，请核对后重新输入。"]
    assert "手机号码" in fields["phone"][0]
    assert fields["pool_org_id"] == ["请选择您工作或居住地所在的乡镇(街道)工会。"]
    assert not JoinApplication.objects.exists()


def test_public_submit_refuses_a_member_and_a_second_pending_application(client, tree):
    member = build_member(org=tree.a1)
    response = _post(client, "", _application(tree, id_number=member.id_number))
    assert (
        response.status_code == 422 and "已是工会会员" in response.json()["fields"]["id_number"][0]
    )
    body = _application(tree)
    assert _post(client, "", body).status_code == 201
    again = _post(client, "", body)
    assert again.status_code == 422 and "待审核" in again.json()["fields"]["id_number"][0]
    assert JoinApplication.objects.count() == 1


def test_public_submit_is_rate_limited_per_ip(client, tree):
    for _ in range(5):
        assert _post(client, "", _application(tree)).status_code == 201
    response = _post(client, "", _application(tree))
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert JoinApplication.objects.count() == 5


def test_public_status_check_needs_the_matching_phone(client, tree):
    body = _application(tree)
    _post(client, "", body)
    ok = _post(client, "/status", {"id_number": body["id_number"], "phone": body["phone"]})
    assert ok.status_code == 200 and ok.json()["status"] == "pending"
    wrong = _post(client, "/status", {"id_number": body["id_number"], "phone": "13800000000"})
    assert wrong.status_code == 404


def test_staff_list_is_scoped_and_masks_nothing_it_does_not_show(client, tree, users):
    build_application(org=tree.a1, name="甲镇申请人")
    build_application(org=tree.b1, name="乙镇申请人")
    response = _get(client, "", users.township_staff, {"status": "pending"})
    assert response.status_code == 200
    names = [item["name"] for item in response.json()["items"]]
    assert names == ["甲镇申请人"]
    assert "id_number" not in response.json()["items"][0]


def test_staff_detail_masks_id_and_phone(client, tree, users):
    app = build_application(org=tree.a1, phone="13600001234")
    body = _get(client, f"/{app.pk}", users.township_staff).json()
    assert body["id_number"] == app.id_number[:4] + "*" * 10 + app.id_number[-4:]
    assert body["phone"] == "136****1234"


def test_approve_registers_the_member_and_a_second_approval_conflicts(client, tree, users):
    app = build_application(org=tree.a1)
    response = _post(client, f"/{app.pk}/approve", {}, users.township_staff)
    assert response.status_code == 200, response.content
    body = response.json()
    member = Member.objects.get(pk=body["member_id"])
    assert member.card_number == body["card_number"] and member.org == tree.a1
    assert body["application"]["status"] == "approved"
    again = _post(client, f"/{app.pk}/approve", {}, users.township_staff)
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    assert Member.objects.count() == 1


def test_reject_needs_a_reason_and_out_of_scope_is_404(client, tree, users):
    app = build_application(org=tree.a1)
    blank = _post(client, f"/{app.pk}/reject", {"reason": " "}, users.township_staff)
    assert blank.status_code == 422 and blank.json()["fields"] == {"reason": ["请填写未通过原因。"]}
    other = build_application(org=tree.b1)
    assert (
        _post(client, f"/{other.pk}/reject", {"reason": "x"}, users.township_staff).status_code
        == 404
    )
    done = _post(client, f"/{app.pk}/reject", {"reason": "材料不全"}, users.township_staff)
    assert done.status_code == 200 and done.json()["reject_reason"] == "材料不全"
    other.refresh_from_db()
    assert other.status == JoinStatus.PENDING

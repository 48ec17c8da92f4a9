"""API for the audit log: scoped, filtered, paged newest first."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.accounts.services import token_create
from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.audit.services import audit_record
from gonghui.testing.fixtures import make_user


def iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


@pytest.fixture
def get(client):
    tokens = {}  # one token per user: creating one is itself an audit event

    def _get(user, params=None):
        if user.pk not in tokens:
            tokens[user.pk] = token_create(user=user)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}
        return client.get("/api/v1/audit-events", params or {}, **auth)

    return _get


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def leader_a(tree):
    """A read-only leader at township A: may read A's audit log, nothing else."""
    return make_user("leader_a", "leader", tree.a)


def test_an_event_in_full(get, tree, users):
    # given
    event = audit_record(
        action=AuditAction.EXPORTED,
        user=users.township_staff,
        org=tree.a1,
        obj=tree.a1,
        detail={"rows": 12},
        ip="10.1.2.3",
    )
    # when
    response = get(users.county_admin, {"action": "exported"})
    # then
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": event.pk,
                "at": iso(event.at),
                "user_id": users.township_staff.pk,
                "username": "township_staff",
                "org": {"id": tree.a1.pk, "name": "甲镇一村工会"},
                "action": "exported",
                "action_display": "导出",
                "object_type": "orgs.Org",
                "object_id": str(tree.a1.pk),
                "object_repr": "甲镇一村工会",
                "result": "success",
                "result_display": "成功",
                "ip": "10.1.2.3",
                "detail": {"rows": 12},
            }
        ],
        "next_cursor": None,
    }


def test_a_township_auditor_sees_only_their_subtree(get, tree, users, leader_a):
    # given events across the tree, and one with no org at all
    audit_record(action=AuditAction.LOGIN_FAILED, username="ghost", result=AuditResult.FAILURE)
    subtree = {tree.a.pk, tree.a1.pk, tree.ae.pk}
    # when
    response = get(leader_a, {"limit": 200})
    # then
    assert response.status_code == 200
    expected = list(
        AuditEvent.objects.filter(org_id__in=subtree).order_by("-id").values_list("id", flat=True)
    )
    assert _ids(response) == expected
    assert {item["org"]["id"] for item in response.json()["items"]} == subtree
    outside = AuditEvent.objects.exclude(org_id__in=subtree).values_list("id", flat=True)
    assert outside.count() > 0
    assert not set(outside) & set(_ids(response))


def test_the_county_auditor_also_sees_events_without_an_org(get, users):
    # given
    event = audit_record(
        action=AuditAction.LOGIN_FAILED, username="ghost", result=AuditResult.FAILURE
    )
    # when
    response = get(users.county_admin, {"username": "ghost"})
    # then
    assert _ids(response) == [event.pk]
    assert response.json()["items"][0]["org"] is None


def test_filters_and_pages_newest_first(get, tree, users):
    # given
    denied = audit_record(
        action=AuditAction.ROLE_GRANT_DENIED,
        user=users.township_staff,
        org=tree.a,
        result=AuditResult.DENIED,
    )
    county = users.county_admin
    get(county)  # its token exists before the counting starts
    today = timezone.localdate()
    # then
    assert _ids(get(county, {"result": "denied"})) == [denied.pk]
    assert _ids(get(county, {"action": "role_grant_denied"})) == [denied.pk]
    assert _ids(get(county, {"username": "township", "action": "role_grant_denied"})) == [denied.pk]
    assert _ids(get(county, {"date_from": today.isoformat(), "result": "denied"})) == [denied.pk]
    assert _ids(get(county, {"date_to": (today - timedelta(days=1)).isoformat()})) == []
    everything = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True))
    first = get(county, {"limit": 3})
    assert _ids(first) == everything[:3]
    rest = get(county, {"limit": 3, "cursor": first.json()["next_cursor"]})
    assert _ids(rest) == everything[3:6]


def test_bad_filters_answer_validation_errors_in_chinese(get, users):
    # when
    response = get(users.county_admin, {"date_from": "2026-13-01", "result": "maybe"})
    # then
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "请检查填写的内容。",
        "fields": {
            "result": ["取值无效，可选值：success、failure、denied。"],
            "date_from": ["日期格式不正确，应为 YYYY-MM-DD。"],
        },
    }


def test_users_without_the_audit_module_get_permission_denied(get, users):
    # when
    response = get(users.township_staff)
    # then
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "code": "permission_denied",
        "message": "您没有使用该功能的权限。",
        "fields": {},
    }

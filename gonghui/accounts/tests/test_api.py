"""API for users, role assignments and the current user."""

import json

import pytest
from django.utils import timezone

from gonghui.accounts.models import Role, RoleAssignment, User
from gonghui.accounts.services import role_grant, token_create
from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.testing.fixtures import make_user

NOT_FOUND = {"code": "not_found", "message": "记录不存在或您无权访问。", "fields": {}}
NEW_PASSWORD = "Qx7#Gonghui-Lake"


class Api:
    """Calls /api/v1 as one user, with a bearer token."""

    def __init__(self, client, user):
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self.auth)

    def post(self, path, body):
        return self.client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self.auth
        )

    def delete(self, path):
        return self.client.delete(f"/api/v1{path}", **self.auth)


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


def iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def role_json(assignment) -> dict:
    return {
        "id": assignment.pk,
        "role": {"code": assignment.role.code, "name": assignment.role.name},
        "org": {"id": assignment.org_id, "name": assignment.org.name},
        "granted_at": iso(assignment.granted_at),
    }


def user_json(user, roles, **overrides) -> dict:
    user.refresh_from_db()
    data = {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "org": {"id": user.org_id, "name": user.org.name},
        "phone": "",
        "email": "",
        "is_active": True,
        "last_login": None,
        "date_joined": iso(user.date_joined),
        "roles": [role_json(a) for a in roles],
    }
    data.update(overrides)
    return data


def _assignments(user):
    return list(RoleAssignment.objects.filter(user=user).order_by("pk"))


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def b_staff(tree):
    return make_user("b_staff", "township_staff", tree.b)


# --- reads ------------------------------------------------------------------------------


def test_user_list_of_a_township_user_shows_only_their_subtree(api, users, b_staff):
    # when
    response = api(users.township_staff).get("/users")
    # then
    assert response.status_code == 200
    assert _ids(response) == [
        users.township_staff.pk,
        users.grassroots_staff.pk,
        users.social_worker.pk,
    ]
    assert response.json()["items"][1] == user_json(
        users.grassroots_staff, _assignments(users.grassroots_staff)
    )
    assert response.json()["next_cursor"] is None


def test_user_list_filters_and_pages(api, users):
    # given
    county = api(users.county_admin)
    User.objects.filter(pk=users.leader.pk).update(is_active=False)
    # then
    assert _ids(county.get("/users", {"q": "grassroots"})) == [users.grassroots_staff.pk]
    assert _ids(county.get("/users", {"role": "social_worker"})) == [users.social_worker.pk]
    assert _ids(county.get("/users", {"is_active": "false"})) == [users.leader.pk]
    first = county.get("/users", {"limit": 4})
    assert _ids(first) == [
        users.county_admin.pk,
        users.county_staff.pk,
        users.township_staff.pk,
        users.grassroots_staff.pk,
    ]
    rest = county.get("/users", {"limit": 4, "cursor": first.json()["next_cursor"]})
    assert _ids(rest) == [users.social_worker.pk, users.leader.pk]


def test_user_detail_masks_the_phone_and_shows_only_roles_in_scope(api, tree, users):
    # given the grassroots user also holds a role in township B
    User.objects.filter(pk=users.grassroots_staff.pk).update(
        phone="13712345678", email="gs@example.cn"
    )
    role_grant(
        actor=None,
        user=users.grassroots_staff,
        org=tree.b1,
        role=Role.objects.get(code="social_worker"),
    )
    own_role, b_role = _assignments(users.grassroots_staff)
    # when
    township = api(users.township_staff).get(f"/users/{users.grassroots_staff.pk}")
    county = api(users.county_admin).get(f"/users/{users.grassroots_staff.pk}")
    # then
    assert township.status_code == county.status_code == 200
    expected = dict(phone="137****5678", email="gs@example.cn")
    assert township.json() == user_json(users.grassroots_staff, [own_role], **expected)
    assert county.json() == user_json(users.grassroots_staff, [own_role, b_role], **expected)
    assert "13712345678" not in township.content.decode()


def test_user_detail_outside_scope_is_indistinguishable_from_missing(api, users, b_staff):
    # given
    township = api(users.township_staff)
    # when
    sibling = township.get(f"/users/{b_staff.pk}")
    parent = township.get(f"/users/{users.county_admin.pk}")
    missing = township.get("/users/987654")
    # then
    assert sibling.status_code == parent.status_code == missing.status_code == 404
    assert sibling.json() == parent.json() == missing.json() == NOT_FOUND


def test_users_without_the_accounts_module_get_permission_denied(api, users):
    # when
    response = api(users.social_worker).get("/users")
    # then
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "您没有使用该功能的权限。",
        "fields": {},
    }


def test_me_shows_the_user_their_roles_and_scope(api, tree, users):
    # given
    User.objects.filter(pk=users.township_staff.pk).update(phone="13600001111")
    # when
    response = api(users.township_staff).get("/me")
    # then
    assert response.status_code == 200
    body = response.json()
    admin_scope = {k: v for k, v in body.pop("scope").items() if k in {"orgs", "accounts", "audit"}}
    a = {"id": tree.a.pk, "name": "甲镇总工会"}
    assert admin_scope == {
        "orgs": {"view": [a], "edit": [a], "export": [a]},
        "accounts": {"view": [a], "edit": [a]},
    }
    assert body == {
        "id": users.township_staff.pk,
        "username": "township_staff",
        "full_name": "township_staff",
        "org": a,
        "phone": "136****1111",
        "email": "",
        "roles": [role_json(r) for r in _assignments(users.township_staff)],
    }


# --- user create ------------------------------------------------------------------------


def test_user_create(api, tree, users):
    # when
    response = api(users.township_staff).post(
        "/users",
        {
            "username": "a1_clerk",
            "password": NEW_PASSWORD,
            "full_name": "赵六",
            "org_id": tree.a1.pk,
            "phone": "137 1111 2222",
            "email": "clerk@example.cn",
        },
    )
    # then
    assert response.status_code == 201, response.content
    user = User.objects.get(username="a1_clerk")
    assert response.json() == user_json(
        user, [], full_name="赵六", phone="137****2222", email="clerk@example.cn"
    )
    assert user.phone == "13711112222"
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATED, object_id=str(user.pk))
    assert event.user == users.township_staff


def test_user_create_in_an_org_outside_scope_answers_404(api, tree, users):
    # given
    count = User.objects.count()
    # when
    response = api(users.township_staff).post(
        "/users", {"username": "b1_clerk", "password": NEW_PASSWORD, "org_id": tree.b1.pk}
    )
    # then
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert User.objects.count() == count


def test_user_create_rejects_bad_input_in_chinese(api, tree, users):
    # given
    township = api(users.township_staff)
    count = User.objects.count()
    # when
    shape = township.post(
        "/users",
        {
            "username": "有 空格",
            "password": NEW_PASSWORD,
            "org_id": tree.a1.pk,
            "phone": "12-ab",
            "email": "not-an-email",
        },
    )
    taken = township.post(
        "/users", {"username": "Township_Staff", "password": NEW_PASSWORD, "org_id": tree.a1.pk}
    )
    weak = township.post(
        "/users", {"username": "a1_clerk", "password": "1234567890", "org_id": tree.a1.pk}
    )
    # then
    assert shape.status_code == taken.status_code == weak.status_code == 422
    assert shape.json()["fields"] == {
        "username": ["用户名只能包含字母、数字和 @ . + - _ 字符。"],
        "phone": ["手机号格式不正确(7–12 位数字)。"],
        "email": ["邮箱格式不正确。"],
    }
    assert taken.json()["fields"] == {"username": ["该用户名已被使用。"]}
    assert weak.json()["code"] == "validation_error"
    assert weak.json()["message"] == "密码不符合要求。"
    assert list(weak.json()["fields"]) == ["password"]
    assert all("\u4e00" <= m[0] <= "\u9fff" for m in weak.json()["fields"]["password"])
    assert User.objects.count() == count


def test_user_create_by_a_view_only_role_is_refused(api, tree, users):
    # when the county staff (accounts: view only) tries
    response = api(users.county_staff).post(
        "/users", {"username": "x_clerk", "password": NEW_PASSWORD, "org_id": tree.a1.pk}
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not User.objects.filter(username="x_clerk").exists()


# --- role grants ------------------------------------------------------------------------


def test_role_grant(api, tree, users):
    # when
    response = api(users.township_staff).post(
        f"/users/{users.social_worker.pk}/roles", {"org_id": tree.a1.pk, "role": "grassroots_staff"}
    )
    # then
    assert response.status_code == 201, response.content
    assignment = RoleAssignment.objects.get(user=users.social_worker, org=tree.a1)
    assert response.json() == role_json(assignment)
    assert assignment.granted_by == users.township_staff
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.ROLE_GRANTED,
            user=users.township_staff,
            object_id=str(users.social_worker.pk),
        ).count()
        == 1
    )


@pytest.mark.parametrize("where", ["sibling", "parent", "missing"])
def test_role_grant_outside_scope_is_refused_alike_and_audited(api, tree, users, where):
    # given
    org_id = {"sibling": tree.b1.pk, "parent": tree.county.pk, "missing": 987654}[where]
    before = _assignments(users.social_worker)
    # when
    response = api(users.township_staff).post(
        f"/users/{users.social_worker.pk}/roles", {"org_id": org_id, "role": "grassroots_staff"}
    )
    # then
    assert response.status_code == 403
    assert response.json() == {
        "code": "grant_out_of_scope",
        "message": "只能在您管理范围内的组织授予角色。",
        "fields": {},
    }
    assert _assignments(users.social_worker) == before
    denied = AuditEvent.objects.filter(
        action=AuditAction.ROLE_GRANT_DENIED, result=AuditResult.DENIED
    )
    assert denied.count() == (0 if where == "missing" else 1)


def test_role_grant_stronger_than_ones_own_is_refused(api, tree, users):
    # given
    before = _assignments(users.social_worker)
    # when the township staff tries to hand out the county admin role inside their scope
    response = api(users.township_staff).post(
        f"/users/{users.social_worker.pk}/roles", {"org_id": tree.a1.pk, "role": "county_admin"}
    )
    # then
    assert response.status_code == 403
    assert response.json() == {
        "code": "grant_too_strong",
        "message": "不能授予比您自己权限更大的角色：县总工会管理员。",
        "fields": {},
    }
    assert _assignments(users.social_worker) == before


def test_role_grant_to_a_user_outside_scope_or_of_an_unknown_role(api, tree, users, b_staff):
    # given
    township = api(users.township_staff)
    # when
    outside = township.post(
        f"/users/{b_staff.pk}/roles", {"org_id": tree.a1.pk, "role": "social_worker"}
    )
    unknown = township.post(
        f"/users/{users.social_worker.pk}/roles", {"org_id": tree.a1.pk, "role": "chairman"}
    )
    # then
    assert outside.status_code == 404
    assert outside.json() == NOT_FOUND
    assert unknown.status_code == 422
    assert unknown.json()["fields"] == {"role": ["角色不存在。"]}
    assert [a.role.code for a in _assignments(b_staff)] == ["township_staff"]


def test_role_revoke(api, tree, users):
    # given
    assignment = RoleAssignment.objects.get(user=users.social_worker)
    # when
    response = api(users.township_staff).delete(
        f"/users/{users.social_worker.pk}/roles/{assignment.pk}"
    )
    # then
    assert response.status_code == 204
    assert response.content == b""
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKED).count() == 1


def test_role_revoke_outside_scope_or_of_another_user_answers_404(api, tree, users, b_staff):
    # given
    township = api(users.township_staff)
    b_assignment = RoleAssignment.objects.get(user=b_staff)
    sw_assignment = RoleAssignment.objects.get(user=users.social_worker)
    # when
    outside = township.delete(f"/users/{b_staff.pk}/roles/{b_assignment.pk}")
    mismatched = township.delete(f"/users/{users.grassroots_staff.pk}/roles/{sw_assignment.pk}")
    # then
    assert outside.status_code == mismatched.status_code == 404
    assert outside.json() == mismatched.json() == NOT_FOUND
    assert RoleAssignment.objects.filter(pk__in=[b_assignment.pk, sw_assignment.pk]).count() == 2

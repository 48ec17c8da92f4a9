"""Permission-matrix entries for user and role administration pages."""

from django.forms.models import model_to_dict

from gonghui.accounts.models import ApiToken, Role, RoleAssignment, User
from gonghui.accounts.services import role_grant, token_create, user_create
from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.testing.fixtures import TEST_PASSWORD


def _user(org, username):
    return user_create(
        actor=None, username=username, password=TEST_PASSWORD, org=org, full_name=username
    )


def _users(tree, actor):
    return Targets(
        own=_user(tree.a1, "own_a1_user"),
        sibling=_user(tree.b1, "sibling_b1_user"),
        parent=_user(tree.county, "parent_county_user"),
    )


def _orgs(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _assignments(tree, actor):
    role = Role.objects.get(code="grassroots_staff")
    users = _users(tree, actor)
    return Targets(
        own=role_grant(actor=None, user=users.own, org=tree.a1, role=role),
        sibling=role_grant(actor=None, user=users.sibling, org=tree.b1, role=role),
        parent=role_grant(actor=None, user=users.parent, org=tree.county, role=role),
    )


def _tokens(tree, actor):
    users = _users(tree, actor)

    def token(user):
        return ApiToken.objects.get(key_hash=ApiToken.hash_key(token_create(user=user)))

    return Targets(own=token(users.own), sibling=token(users.sibling), parent=token(users.parent))


def _user_state(user):
    fresh = User.objects.filter(pk=user.pk).first()
    return model_to_dict(fresh, exclude=["last_login"]) if fresh else None


def _grant_data(user):
    return {"org": user.org_id, "role": Role.objects.get(code="grassroots_staff").pk}


ENDPOINTS = [
    Endpoint(
        "users.list",
        "GET",
        "accounts",
        "view",
        lambda t: "/accounts/users/",
        _users,
        marker=lambda u: u.username,
        scoped=False,
    ),
    Endpoint(
        "users.create_form",
        "GET",
        "accounts",
        "edit",
        lambda t: "/accounts/users/new/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "users.create",
        "POST",
        "accounts",
        "edit",
        lambda t: "/accounts/users/new/",
        _orgs,
        data=lambda org: {
            "username": "matrix_new",
            "full_name": "矩阵新用户",
            "org": org.pk,
            "password1": "Matrix#Pass2026",
            "password2": "Matrix#Pass2026",
        },
        snapshot=lambda org: User.objects.filter(username="matrix_new").count(),
        success=(302,),
    ),
    Endpoint(
        "users.detail", "GET", "accounts", "view", lambda u: f"/accounts/users/{u.pk}/", _users
    ),
    Endpoint(
        "users.edit_form",
        "GET",
        "accounts",
        "edit",
        lambda u: f"/accounts/users/{u.pk}/edit/",
        _users,
    ),
    Endpoint(
        "users.edit",
        "POST",
        "accounts",
        "edit",
        lambda u: f"/accounts/users/{u.pk}/edit/",
        _users,
        data=lambda u: {"full_name": "改后的名字", "phone": "", "email": "", "is_active": "on"},
        snapshot=_user_state,
        success=(302,),
    ),
    Endpoint(
        "users.role_grant",
        "POST",
        "accounts",
        "edit",
        lambda u: f"/accounts/users/{u.pk}/roles/",
        _users,
        data=_grant_data,
        snapshot=lambda u: RoleAssignment.objects.filter(user=u).count(),
        success=(302,),
    ),
    Endpoint(
        "users.token_revoke",
        "POST",
        "accounts",
        "edit",
        lambda t: f"/accounts/users/{t.user_id}/tokens/{t.pk}/revoke/",
        _tokens,
        snapshot=lambda t: ApiToken.objects.get(pk=t.pk).revoked_at,
        success=(302,),
    ),
    Endpoint(
        "users.role_revoke",
        "POST",
        "accounts",
        "edit",
        lambda a: f"/accounts/users/{a.user_id}/roles/{a.pk}/revoke/",
        _assignments,
        snapshot=lambda a: RoleAssignment.objects.filter(pk=a.pk).exists(),
        success=(302,),
    ),
]


ENDPOINTS += [
    Endpoint(
        "api.users.list",
        "GET",
        "accounts",
        "view",
        lambda t: "/api/v1/users?limit=200",
        _users,
        api=True,
        marker=lambda u: u.username,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.users.detail",
        "GET",
        "accounts",
        "view",
        lambda u: f"/api/v1/users/{u.pk}",
        _users,
        api=True,
    ),
    Endpoint(
        "api.users.create",
        "POST",
        "accounts",
        "edit",
        lambda t: "/api/v1/users",
        _orgs,
        api=True,
        data=lambda org: {
            "username": "api_matrix_new",
            "password": "Matrix#Pass2026",
            "org_id": org.pk,
            "full_name": "接口新用户",
        },
        snapshot=lambda org: User.objects.filter(username="api_matrix_new").count(),
        success=(201,),
    ),
    Endpoint(
        "api.users.role_grant",
        "POST",
        "accounts",
        "edit",
        lambda u: f"/api/v1/users/{u.pk}/roles",
        _users,
        api=True,
        data=lambda u: {"org_id": u.org_id, "role": "grassroots_staff"},
        snapshot=lambda u: RoleAssignment.objects.filter(user=u).count(),
        success=(201,),
    ),
    Endpoint(
        "api.users.role_revoke",
        "DELETE",
        "accounts",
        "edit",
        lambda a: f"/api/v1/users/{a.user_id}/roles/{a.pk}",
        _assignments,
        api=True,
        snapshot=lambda a: RoleAssignment.objects.filter(pk=a.pk).exists(),
        success=(204,),
    ),
]

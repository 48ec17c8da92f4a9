"""Roles × (own subtree, sibling, parent) × every registered URL and API endpoint."""

import json

import pytest

from gonghui.accounts.models import Role
from gonghui.core.testing.matrix import ROLES, collect_endpoints
from gonghui.testing.fixtures import make_user

ENDPOINTS = collect_endpoints()

# Over 10,000 cases: run once, on PostgreSQL (the production database), to keep the suite in its
# time budget. Scope and grants are applied by the same ORM queries on every database; what is
# database-specific (locks, constraints) has its own tests on both.
pytestmark = pytest.mark.postgresql_only

# The built-in grants the matrix relies on, stated independently of accounts/roles.py.
_ALL = {"view", "edit", "approve", "export", "view_sensitive"}
# Business modules (members, ...) share one profile per role.
_BUSINESS = {
    "county_admin": _ALL,
    "county_staff": {"view", "edit", "approve", "export", "view_sensitive"},
    "township_staff": {"view", "edit", "approve", "export"},
    "grassroots_staff": {"view", "edit", "export"},
    "social_worker": {"view", "edit"},
    "leader": {"view", "export"},
}
BUSINESS_MODULES = (
    "members",
    "sites",
    "assistance",
    "forum",
    "rights",
    "outreach",
    "plans",
    "staffing",
    "workforce",
)
EXPECTED_GRANTS = {
    "county_admin": {"orgs": _ALL, "accounts": _ALL, "audit": _ALL},
    "county_staff": {"orgs": {"view", "edit", "export", "view_sensitive"}, "accounts": {"view"}},
    "township_staff": {"orgs": {"view", "edit", "export"}, "accounts": {"view", "edit"}},
    "grassroots_staff": {"orgs": {"view"}},
    "social_worker": {"orgs": {"view"}},
    "leader": {"orgs": {"view", "export"}, "audit": {"view"}},
}
for _role, _grants in EXPECTED_GRANTS.items():
    _grants.update({module: _BUSINESS[_role] for module in BUSINESS_MODULES})
# A grassroots union reviews its own join applications and incoming transfers.
EXPECTED_GRANTS["grassroots_staff"]["members"] = {"view", "edit", "approve", "export"}
# Outreach: township staff and social workers call registered workers (phones), social
# workers export their call lists.
EXPECTED_GRANTS["township_staff"]["outreach"] = {
    "view",
    "edit",
    "approve",
    "export",
    "view_sensitive",
}
EXPECTED_GRANTS["social_worker"]["outreach"] = {"view", "edit", "export", "view_sensitive"}
# Social workers' records, pay and appraisals are for the township and county offices: a
# social worker sees only their own (staffing/me/), a grassroots union none.
EXPECTED_GRANTS["social_worker"]["staffing"] = set()
EXPECTED_GRANTS["grassroots_staff"]["staffing"] = set()


@pytest.mark.django_db
def test_builtin_role_grants_match_the_documented_table():
    for code, modules in EXPECTED_GRANTS.items():
        permissions = Role.objects.get(code=code).permissions
        for module in ("orgs", "accounts", "audit", *BUSINESS_MODULES):
            assert set(permissions.get(module, [])) == modules.get(module, set()), (code, module)


def _request(client, endpoint, url, data, token=None):
    method = endpoint.method.lower()
    kwargs = {}
    if token:
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if endpoint.api:
        if endpoint.extra.get("multipart"):
            return client.post(url, data=data or {}, **kwargs)
        if method in {"get", "delete"}:
            return getattr(client, method)(url, **kwargs)
        return getattr(client, method)(
            url, data=json.dumps(data or {}), content_type="application/json", **kwargs
        )
    if method == "get":
        return client.get(url, **kwargs)
    return client.post(url, data=data or {}, **kwargs)


# One case per endpoint and role: the targets are built once and the relations are called in
# turn, the denied ones first so that an allowed write cannot change what they see.
CASES = [
    pytest.param(endpoint, role, id=f"{endpoint.name}-{role}")
    for endpoint in ENDPOINTS
    for role in (*ROLES, "anonymous")
]
_ORDER = ("sibling", "parent", "own")


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_permission_matrix(client, tree, endpoint, role):
    # Given a user holding `role` at township A (or nobody) and targets in every relation to A
    actor = None if role == "anonymous" else make_user(f"m_{role}", role, tree.a)
    targets = endpoint.setup(tree, actor)
    token = None
    if actor is not None:
        if endpoint.api:
            from gonghui.accounts.services import token_create

            token = token_create(user=actor, name="matrix")
        else:
            client.force_login(actor)
    relations = _ORDER if endpoint.scoped else ("own",)
    for relation in relations:
        _check_relation(client, endpoint, role, actor, targets, relation, token)


def _check_relation(client, endpoint, role, actor, targets, relation, token):
    target = targets.for_relation(relation)
    url = endpoint.url(target)
    data = endpoint.data(target) if endpoint.data else None
    before = endpoint.snapshot(target) if endpoint.snapshot else None

    # When the endpoint is called on the target in this relation
    response = _request(client, endpoint, url, data, token)

    # Then the outcome follows the grant and the relation
    where = (relation, response.status_code)
    if actor is None:
        if endpoint.api:
            assert response.status_code == 401, (where, response.content[:300])
        else:
            assert response.status_code == 302, where
            assert response["Location"].startswith("/accounts/login/"), where
        allowed = False
    else:
        # Pages serving several modules (the import list) open for a grant in any of them.
        modules = endpoint.extra.get("any_module", (endpoint.module,))
        granted = any(endpoint.action in EXPECTED_GRANTS[role].get(m, set()) for m in modules)
        allowed = granted and (relation == "own" or not endpoint.scoped)
        if allowed:
            assert response.status_code in endpoint.success, (where, response.content[:500])
            if endpoint.marker is not None:
                extract = endpoint.extra.get("extract")
                body = extract(response) if extract else response.content.decode()
                assert endpoint.marker(targets.own) in body, where
                assert endpoint.marker(targets.sibling) not in body, where
                assert endpoint.marker(targets.parent) not in body, where
        else:
            # The API tells a missing module grant (403) from a record out of scope (404);
            # pages answer 404 for both.
            expected = 403 if endpoint.api and not granted else 404
            assert response.status_code == expected, (where, response.content[:300])
    if not allowed and endpoint.snapshot is not None:
        assert endpoint.snapshot(target) == before, where

"""Data scope (DESIGN §2): per module and action, the union of the granting subtrees."""

import pytest
from django.http import Http404

from gonghui.accounts.models import Role, RoleCode
from gonghui.accounts.services import role_grant, user_create
from gonghui.core.errors import NotFound
from gonghui.core.modules import Action
from gonghui.core.scope import (
    can,
    clear_scope_cache,
    get_in_scope_or_404,
    org_in_scope,
    scope_paths,
    scope_queryset,
)
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.selectors import enterprise_list, org_list
from gonghui.orgs.services import org_deactivate, org_update
from gonghui.testing.fixtures import TEST_PASSWORD


def _user_with(tree, username, *grants):
    user = user_create(actor=None, username=username, password=TEST_PASSWORD, org=grants[0][1])
    for role_code, org in grants:
        role_grant(actor=None, user=user, org=org, role=Role.objects.get(code=role_code))
    return user


def test_scope_is_the_union_of_subtrees_that_grant_the_action(tree):
    # given: township staff at A (orgs view+edit) and grassroots staff at B1 (orgs view only)
    user = _user_with(
        tree, "two_hats", (RoleCode.TOWNSHIP_STAFF, tree.a), (RoleCode.GRASSROOTS_STAFF, tree.b1)
    )
    # when / then
    assert scope_paths(user, "orgs", Action.VIEW) == sorted([tree.a.path, tree.b1.path])
    assert scope_paths(user, "orgs", Action.EDIT) == [tree.a.path]
    assert scope_paths(user, "accounts", Action.EDIT) == [tree.a.path]
    assert scope_paths(user, "audit", Action.VIEW) == []


def test_scope_is_per_module_never_the_broadest_role(tree):
    # given: leader at the county (read-only) and township staff at A (edits at A)
    user = _user_with(
        tree, "leader_and_staff", (RoleCode.LEADER, tree.county), (RoleCode.TOWNSHIP_STAFF, tree.a)
    )
    # then: viewing spans the county, editing stays at A, audit comes only from the leader role
    assert scope_paths(user, "orgs", Action.VIEW) == [tree.county.path]
    assert scope_paths(user, "orgs", Action.EDIT) == [tree.a.path]
    assert scope_paths(user, "audit", Action.VIEW) == [tree.county.path]
    assert scope_paths(user, "accounts", Action.EDIT) == [tree.a.path]


def test_nested_grants_collapse_to_the_outermost_subtree(tree):
    user = _user_with(
        tree, "nested", (RoleCode.TOWNSHIP_STAFF, tree.a1), (RoleCode.TOWNSHIP_STAFF, tree.a)
    )
    assert scope_paths(user, "orgs", Action.EDIT) == [tree.a.path]


def test_role_at_a_deactivated_org_gives_no_scope(tree):
    # given
    user = _user_with(tree, "at_a1", (RoleCode.GRASSROOTS_STAFF, tree.a1))
    assert scope_paths(user, "orgs", Action.VIEW) == [tree.a1.path]
    # when
    org_deactivate(actor=None, org=tree.a1, reason="村改居合并")
    clear_scope_cache(user)
    # then
    assert scope_paths(user, "orgs", Action.VIEW) == []
    assert can(user, "orgs", Action.VIEW) is False


def test_inactive_or_anonymous_users_have_no_scope(users):
    from django.contrib.auth.models import AnonymousUser

    users.county_admin.is_active = False
    assert scope_paths(users.county_admin, "orgs", Action.VIEW) == []
    assert scope_paths(AnonymousUser(), "orgs", Action.VIEW) == []
    assert scope_paths(None, "orgs", Action.VIEW) == []


def test_township_user_sees_own_subtree_not_the_sibling_township(tree, users):
    # given
    township = users.township_staff
    # when
    names = list(org_list(township).values_list("name", flat=True))
    # then
    assert names == [tree.a.name, tree.a1.name, tree.ae.name]
    assert org_in_scope(township, "orgs", Action.VIEW, tree.a1) is True
    assert org_in_scope(township, "orgs", Action.VIEW, tree.b) is False
    assert org_in_scope(township, "orgs", Action.VIEW, tree.county) is False
    with pytest.raises(Http404):
        get_in_scope_or_404(Org.objects.all(), township, "orgs", Action.VIEW, pk=tree.b1.pk)


def test_org_owned_records_are_scoped_through_their_org(tree, users, enterprise_factory):
    # given
    in_a1 = enterprise_factory(org=tree.a1)
    in_a = enterprise_factory(org=tree.a)
    in_b = enterprise_factory(org=tree.b)
    # when
    township_sees = set(enterprise_list(users.township_staff))
    county_sees = set(enterprise_list(users.county_staff))
    grassroots_sees = set(
        scope_queryset(Enterprise.objects.all(), users.grassroots_staff, "orgs", Action.VIEW)
    )
    # then
    assert township_sees == {in_a1, in_a}
    assert county_sees == {in_a1, in_a, in_b}
    assert grassroots_sees == {in_a1}
    with pytest.raises(Http404):
        get_in_scope_or_404(
            Enterprise.objects.all(), users.township_staff, "orgs", Action.VIEW, pk=in_b.pk
        )


def test_user_without_any_role_sees_nothing(tree):
    user = user_create(actor=None, username="no_role", password=TEST_PASSWORD, org=tree.a)
    assert list(org_list(user)) == []
    assert can(user, "orgs", Action.VIEW) is False


def test_leader_is_read_only(tree, users):
    # given
    leader = users.leader
    # then
    assert can(leader, "orgs", Action.VIEW) is True
    assert can(leader, "orgs", Action.EXPORT) is True
    assert can(leader, "orgs", Action.EDIT) is False
    assert can(leader, "accounts", Action.EDIT) is False
    assert can(leader, "orgs", Action.VIEW_SENSITIVE) is False
    # when: an edit is attempted anyway
    with pytest.raises(NotFound):
        org_update(actor=leader, org=tree.a, name="改名")
    # then: nothing changed
    tree.a.refresh_from_db()
    assert tree.a.name == "甲镇总工会"
    assert tree.a.version == 1


def test_role_assignments_are_read_once_per_user_object(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given: a user with two roles (the user object lives for one request)
    user = _user_with(
        tree, "many_scopes", (RoleCode.TOWNSHIP_STAFF, tree.a), (RoleCode.LEADER, tree.county)
    )
    clear_scope_cache(user)
    # when: a page asks for many (module, action) scopes
    with CaptureQueriesContext(connection) as ctx:
        for module in ("orgs", "members", "sites", "assistance", "accounts", "audit"):
            for action in (Action.VIEW, Action.EDIT, Action.APPROVE, Action.EXPORT):
                scope_paths(user, module, action)
    # then: the assignments were read with one query, and the scopes are still per grant
    assert len(ctx.captured_queries) == 1
    assert scope_paths(user, "orgs", Action.EDIT) == [tree.a.path]
    assert scope_paths(user, "audit", Action.VIEW) == [tree.county.path]

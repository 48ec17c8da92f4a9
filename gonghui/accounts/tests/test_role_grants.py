"""Role grants: only inside one's own scope and no stronger than one's own (DESIGN §2)."""

import pytest

from gonghui.accounts.models import Role, RoleAssignment, RoleCode
from gonghui.accounts.services import role_grant, role_revoke, user_create
from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import scope_paths
from gonghui.orgs.services import org_deactivate
from gonghui.testing.fixtures import TEST_PASSWORD


def _role(code):
    return Role.objects.get(code=code)


def _assignments():
    return list(
        RoleAssignment.objects.order_by("pk").values_list("pk", "user_id", "org_id", "role__code")
    )


def _new_user(username, org):
    return user_create(actor=None, username=username, password=TEST_PASSWORD, org=org)


def test_township_staff_grants_grassroots_staff_inside_own_subtree(tree, users):
    # given
    worker = _new_user("a1_clerk", tree.a1)
    # when
    assignment = role_grant(
        actor=users.township_staff, user=worker, org=tree.a1, role=_role(RoleCode.GRASSROOTS_STAFF)
    )
    # then
    assert (assignment.user, assignment.org, assignment.role.code, assignment.granted_by) == (
        worker,
        tree.a1,
        RoleCode.GRASSROOTS_STAFF,
        users.township_staff,
    )
    assert scope_paths(worker, "orgs", Action.VIEW) == [tree.a1.path]
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED, object_id=str(worker.pk))
    assert (event.user, event.org, event.result) == (
        users.township_staff,
        tree.a1,
        AuditResult.SUCCESS,
    )
    assert event.detail == {
        "role": RoleCode.GRASSROOTS_STAFF,
        "role_name": "基层工会工作人员",
        "org": tree.a1.name,
    }


def test_granting_the_same_role_twice_creates_one_assignment(tree, users):
    worker = _new_user("a1_clerk", tree.a1)
    first = role_grant(
        actor=users.township_staff, user=worker, org=tree.a1, role=_role(RoleCode.GRASSROOTS_STAFF)
    )
    again = role_grant(
        actor=users.township_staff, user=worker, org=tree.a1, role=_role(RoleCode.GRASSROOTS_STAFF)
    )
    assert again.pk == first.pk
    assert (
        AuditEvent.objects.filter(action=AuditAction.ROLE_GRANTED, object_id=str(worker.pk)).count()
        == 1
    )


@pytest.mark.parametrize(("user_at", "grant_at"), [("b1", "b1"), ("b1", "a1"), ("a1", "b")])
def test_grant_outside_scope_is_denied_audited_and_changes_nothing(tree, users, user_at, grant_at):
    # given: the target user or the org (or both) lie in the sibling township B
    target = _new_user("somebody", getattr(tree, user_at))
    org = getattr(tree, grant_at)
    before = _assignments()
    # when
    with pytest.raises(PermissionDenied) as excinfo:
        role_grant(
            actor=users.township_staff, user=target, org=org, role=_role(RoleCode.GRASSROOTS_STAFF)
        )
    # then
    assert excinfo.value.code == "grant_out_of_scope"
    assert excinfo.value.message == "只能在您管理范围内的组织授予角色。"
    assert _assignments() == before
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANT_DENIED)
    assert (event.user, event.org, event.object_id, event.result) == (
        users.township_staff,
        org,
        str(target.pk),
        AuditResult.DENIED,
    )
    assert event.detail == {"role": RoleCode.GRASSROOTS_STAFF, "reason": "out_of_scope"}
    assert not AuditEvent.objects.filter(
        action=AuditAction.ROLE_GRANTED, object_id=str(target.pk)
    ).exists()


@pytest.mark.parametrize("role_code", [RoleCode.COUNTY_STAFF, RoleCode.COUNTY_ADMIN])
def test_grant_of_a_stronger_role_is_denied_audited_and_changes_nothing(tree, users, role_code):
    # given: county roles carry actions township staff do not hold (approve, view sensitive, audit)
    target = _new_user("ambitious", tree.a1)
    before = _assignments()
    # when
    with pytest.raises(PermissionDenied) as excinfo:
        role_grant(actor=users.township_staff, user=target, org=tree.a1, role=_role(role_code))
    # then
    assert excinfo.value.code == "grant_too_strong"
    assert excinfo.value.message == f"不能授予比您自己权限更大的角色：{RoleCode(role_code).label}。"
    assert _assignments() == before
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANT_DENIED)
    assert event.detail == {"role": role_code, "reason": "stronger"}


def test_township_staff_may_grant_their_own_role_below_them(tree, users):
    target = _new_user("deputy", tree.a1)
    role_grant(
        actor=users.township_staff, user=target, org=tree.a1, role=_role(RoleCode.TOWNSHIP_STAFF)
    )
    assert scope_paths(target, "accounts", Action.EDIT) == [tree.a1.path]


def test_read_only_roles_cannot_grant_anything(tree, users):
    target = _new_user("someone", tree.a1)
    before = _assignments()
    for actor in (users.leader, users.grassroots_staff, users.county_staff):
        with pytest.raises(PermissionDenied):
            role_grant(actor=actor, user=target, org=tree.a1, role=_role(RoleCode.SOCIAL_WORKER))
    assert _assignments() == before
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT_DENIED).count() == 3


def test_county_admin_grants_anywhere_in_the_county(tree, users):
    target = _new_user("b_staff", tree.b)
    role_grant(
        actor=users.county_admin, user=target, org=tree.b, role=_role(RoleCode.TOWNSHIP_STAFF)
    )
    assert scope_paths(target, "orgs", Action.EDIT) == [tree.b.path]


def test_grant_at_a_deactivated_org_is_refused(tree, users):
    target = _new_user("late", tree.ae)
    org = org_deactivate(actor=None, org=tree.ae, reason="企业关停")
    before = _assignments()
    with pytest.raises(ValidationFailed) as excinfo:
        role_grant(
            actor=users.county_admin, user=target, org=org, role=_role(RoleCode.GRASSROOTS_STAFF)
        )
    assert excinfo.value.fields == {"org": ["该组织已撤销。"]}
    assert _assignments() == before


def test_revoke_removes_scope_and_is_audited(tree, users):
    worker = _new_user("a1_clerk", tree.a1)
    assignment = role_grant(
        actor=users.township_staff, user=worker, org=tree.a1, role=_role(RoleCode.GRASSROOTS_STAFF)
    )
    assert scope_paths(worker, "orgs", Action.VIEW) == [tree.a1.path]
    role_revoke(actor=users.township_staff, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert scope_paths(worker, "orgs", Action.VIEW) == []
    assert (
        AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKED, object_id=str(worker.pk)).count()
        == 1
    )


def test_revoke_outside_scope_answers_not_found(tree, users):
    target = _new_user("b_worker", tree.b1)
    assignment = role_grant(
        actor=None, user=target, org=tree.b1, role=_role(RoleCode.GRASSROOTS_STAFF)
    )
    before = _assignments()
    with pytest.raises(NotFound):
        role_revoke(actor=users.township_staff, assignment=assignment)
    assert _assignments() == before


def test_admin_cannot_revoke_own_user_management_role(users):
    assignment = RoleAssignment.objects.get(user=users.county_admin)
    with pytest.raises(ValidationFailed):
        role_revoke(actor=users.county_admin, assignment=assignment)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()

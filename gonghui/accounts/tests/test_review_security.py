"""Review regressions: stronger users and roles, the lockout race, masked phones in forms."""

from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse

from gonghui.accounts.models import Role, RoleAssignment, RoleCode, User
from gonghui.accounts.services import (
    LoginResult,
    login_check,
    role_grant,
    role_revoke,
    user_create,
    user_update,
)
from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.core.errors import PermissionDenied
from gonghui.testing.fixtures import TEST_PASSWORD


def _county_admin_living_in_a(tree):
    """A county admin whose home org lies in township A (the township staff's subtree)."""
    user = user_create(actor=None, username="boss_in_a", password=TEST_PASSWORD, org=tree.a)
    role_grant(
        actor=None, user=user, org=tree.county, role=Role.objects.get(code=RoleCode.COUNTY_ADMIN)
    )
    return user


def test_township_staff_cannot_deactivate_a_user_holding_county_roles(tree, users):
    # given
    boss = _county_admin_living_in_a(tree)
    # when / then
    with pytest.raises(PermissionDenied):
        user_update(
            actor=users.township_staff,
            user=boss,
            full_name="x",
            phone="",
            email="",
            is_active=False,
        )
    boss.refresh_from_db()
    assert (boss.is_active, boss.full_name) == (True, "")
    # and the attempt is on record
    event = AuditEvent.objects.get(action=AuditAction.USER_UPDATE_DENIED)
    assert (event.user_id, event.object_id, event.result) == (
        users.township_staff.pk,
        str(boss.pk),
        AuditResult.DENIED,
    )
    assert event.detail == {"reason": "stronger", "is_active": False}
    assert not AuditEvent.objects.filter(action=AuditAction.USER_UPDATED).exists()


def test_township_staff_cannot_deactivate_a_stronger_user_through_the_page(tree, users, login):
    boss = _county_admin_living_in_a(tree)
    client = login(users.township_staff)
    client.post(
        reverse("accounts:user_edit", args=[boss.pk]),
        {"full_name": "x", "phone": "", "email": "", "is_active": ""},
    )
    boss.refresh_from_db()
    assert boss.is_active is True


def test_township_staff_still_edits_a_plain_user_of_their_subtree(tree, users):
    clerk = user_create(actor=None, username="clerk", password=TEST_PASSWORD, org=tree.a1)
    user_update(
        actor=users.township_staff,
        user=clerk,
        full_name="办事员",
        phone="",
        email="",
        is_active=False,
    )
    clerk.refresh_from_db()
    assert (clerk.full_name, clerk.is_active) == ("办事员", False)


def test_township_staff_cannot_revoke_a_stronger_role_at_an_org_in_their_scope(tree, users):
    # given: a county admin granted the county-admin role at township A itself
    clerk = user_create(actor=None, username="clerk", password=TEST_PASSWORD, org=tree.a)
    assignment = role_grant(
        actor=users.county_admin,
        user=clerk,
        org=tree.a,
        role=Role.objects.get(code=RoleCode.COUNTY_ADMIN),
    )
    # when / then
    with pytest.raises(PermissionDenied):
        role_revoke(actor=users.township_staff, assignment=assignment)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    # and the attempt is on record
    event = AuditEvent.objects.get(action=AuditAction.ROLE_REVOKE_DENIED)
    assert (event.user_id, event.object_id, event.result) == (
        users.township_staff.pk,
        str(clerk.pk),
        AuditResult.DENIED,
    )
    assert event.detail == {"role": RoleCode.COUNTY_ADMIN, "reason": "stronger"}
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKED).exists()


def test_attempts_in_flight_count_before_the_password_is_checked(users):
    # given: LOGIN_MAX_FAILURES guesses are already being checked concurrently
    user = users.township_staff
    User.objects.filter(pk=user.pk).update(failed_login_count=settings.LOGIN_MAX_FAILURES)
    # when: one more arrives, even with the right password
    with mock.patch("gonghui.accounts.services.authenticate") as authenticate:
        result, _ = login_check(username=user.username, password=TEST_PASSWORD)
    # then: refused without checking the password at all
    assert result == LoginResult.LOCKED
    authenticate.assert_not_called()


def test_concurrent_failures_lock_after_exactly_the_allowance(users):
    user = users.township_staff
    results = [
        login_check(username=user.username, password="wrong-password")[0]
        for _ in range(settings.LOGIN_MAX_FAILURES)
    ]
    assert results == [LoginResult.INVALID] * (settings.LOGIN_MAX_FAILURES - 1) + [
        LoginResult.LOCKED
    ]
    assert login_check(username=user.username, password=TEST_PASSWORD)[0] == LoginResult.LOCKED


def test_user_edit_form_shows_the_phone_masked_and_keeps_it_when_posted_back(tree, users, login):
    clerk = user_create(
        actor=None, username="clerk", password=TEST_PASSWORD, org=tree.a1, phone="13812345678"
    )
    client = login(users.township_staff)
    url = reverse("accounts:user_edit", args=[clerk.pk])
    page = client.get(url).content.decode()
    assert "13812345678" not in page
    assert "138****5678" in page
    client.post(
        url, {"full_name": "办事员", "phone": "138****5678", "email": "", "is_active": "on"}
    )
    clerk.refresh_from_db()
    assert (clerk.full_name, clerk.phone) == ("办事员", "13812345678")

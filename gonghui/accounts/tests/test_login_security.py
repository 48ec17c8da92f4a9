"""Login security: lockout after 5 failures for 15 minutes, password policy (issue 2)."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from gonghui.accounts.models import User
from gonghui.accounts.services import LoginResult, login_check, user_create, user_password_set
from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.core.errors import ValidationFailed
from gonghui.testing.fixtures import TEST_PASSWORD

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now():
    """Stop the clock at NOW (django.utils.timezone.now, which the login service reads)."""
    with mock.patch("django.utils.timezone.now", return_value=NOW) as now:
        yield now


def _events(user):
    return list(
        AuditEvent.objects.filter(
            object_id=str(user.pk), action__in=[AuditAction.LOGIN_FAILED, AuditAction.LOCKOUT]
        )
        .order_by("id")
        .values_list("action", "result", "detail")
    )


def test_right_password_logs_in_and_resets_the_failure_count(users):
    # given
    user = users.township_staff
    login_check(username="township_staff", password="wrong-password")
    # when
    result, logged_in = login_check(username="TOWNSHIP_STAFF", password=TEST_PASSWORD)
    # then
    assert (result, logged_in) == (LoginResult.OK, user)
    user.refresh_from_db()
    assert (user.failed_login_count, user.locked_until) == (0, None)


def test_four_failures_do_not_lock(users, frozen_now):
    # when
    results = [login_check(username="township_staff", password="wrong")[0] for _ in range(4)]
    # then
    assert results == [LoginResult.INVALID] * 4
    user = User.objects.get(pk=users.township_staff.pk)
    assert (user.failed_login_count, user.locked_until) == (4, None)


def test_fifth_failure_locks_for_fifteen_minutes_and_is_audited(users, frozen_now):
    # given
    user = users.township_staff
    for _ in range(4):
        login_check(username="township_staff", password="wrong")
    # when
    result, _ = login_check(username="township_staff", password="wrong")
    # then
    assert result == LoginResult.LOCKED
    user.refresh_from_db()
    assert user.locked_until == NOW + timedelta(minutes=15)
    assert user.failed_login_count == 0
    assert _events(user) == [
        *[
            (
                AuditAction.LOGIN_FAILED,
                AuditResult.FAILURE,
                {"reason": "bad_password", "failures": n},
            )
            for n in range(1, 6)
        ],
        (AuditAction.LOCKOUT, AuditResult.DENIED, {"minutes": 15}),
    ]


def test_locked_account_refuses_the_right_password(users, frozen_now):
    # given
    user = users.township_staff
    User.objects.filter(pk=user.pk).update(locked_until=NOW + timedelta(minutes=14))
    events_before = len(_events(user))
    # when
    result, _ = login_check(username="township_staff", password=TEST_PASSWORD)
    # then
    assert result == LoginResult.LOCKED
    assert _events(user)[events_before:] == [
        (AuditAction.LOGIN_FAILED, AuditResult.DENIED, {"reason": "locked"})
    ]
    user.refresh_from_db()
    assert user.locked_until == NOW + timedelta(minutes=14)
    assert user.last_login is None


def test_lock_expires_after_fifteen_minutes(users, frozen_now):
    # given: locked a quarter of an hour ago
    user = users.township_staff
    User.objects.filter(pk=user.pk).update(locked_until=NOW - timedelta(seconds=1))
    # when
    result, logged_in = login_check(username="township_staff", password=TEST_PASSWORD)
    # then
    assert (result, logged_in) == (LoginResult.OK, user)
    user.refresh_from_db()
    assert user.locked_until is None


def test_unknown_username_is_audited_without_a_user(db):
    # when
    result, user = login_check(username="nobody", password="whatever-password")
    # then
    assert (result, user) == (LoginResult.INVALID, None)
    event = AuditEvent.objects.get()
    assert (event.action, event.result, event.username, event.user, event.detail) == (
        AuditAction.LOGIN_FAILED,
        AuditResult.FAILURE,
        "nobody",
        None,
        {"reason": "unknown_user"},
    )


def test_inactive_user_is_refused_even_with_the_right_password(users):
    User.objects.filter(pk=users.leader.pk).update(is_active=False)
    result, _ = login_check(username="leader", password=TEST_PASSWORD)
    assert result == LoginResult.INACTIVE
    assert _events(users.leader) == [
        (AuditAction.LOGIN_FAILED, AuditResult.FAILURE, {"reason": "inactive"})
    ]


@pytest.mark.parametrize(
    ("username", "password", "messages"),
    [
        ("zhangsan", "Ab1!short", ["密码太短，至少需要 10 个字符。"]),
        ("zhangsan", "qwertyuiop", ["这个密码太常见了。"]),
        ("zhangsan", "password123", ["这个密码太常见了。"]),
        ("zhang.san.2026", "Zhang.San.2026", ["密码不能与用户名相同。"]),
        ("zhangsan", "1234567890123", ["这个密码太常见了。", "密码只包含数字。"]),
    ],
)
def test_weak_passwords_are_refused_in_chinese_and_no_user_is_created(
    tree, username, password, messages
):
    # when
    with pytest.raises(ValidationFailed) as excinfo:
        user_create(actor=None, username=username, password=password, org=tree.a)
    # then
    assert excinfo.value.fields == {"password": messages}
    assert not User.objects.filter(username=username).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.USER_CREATED).exists()


def test_password_change_follows_the_same_policy(users):
    user = users.township_staff
    old_hash = user.password
    with pytest.raises(ValidationFailed) as excinfo:
        user_password_set(actor=user, user=user, password="township_staff")
    assert excinfo.value.fields == {"password": ["密码不能与用户名相同。"]}
    user.refresh_from_db()
    assert user.password == old_hash


def test_a_strong_password_is_accepted_and_stored_hashed(tree):
    user = user_create(actor=None, username="lisi", password="青禾-Union#2026", org=tree.a)
    assert user.check_password("青禾-Union#2026")
    assert "青禾-Union#2026" not in user.password


def test_failures_older_than_the_lock_window_are_forgiven(users):
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.accounts.models import User
    from gonghui.accounts.services import LoginResult, login_check

    # Given four failures long ago
    for _ in range(4):
        login_check(username="county_admin", password="wrong-password-x")
    User.objects.filter(username="county_admin").update(
        last_failed_login_at=timezone.now() - timedelta(days=30)
    )
    # When one more failure happens today, the account is not locked
    result, _ = login_check(username="county_admin", password="wrong-password-x")
    assert result == LoginResult.INVALID
    assert User.objects.get(username="county_admin").failed_login_count == 1

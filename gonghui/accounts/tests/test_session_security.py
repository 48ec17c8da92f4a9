"""Login page, session key rotation, idle timeout and the TOTP second factor, through HTTP."""

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.testing.fixtures import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password=TEST_PASSWORD, next_url=""):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "next": next_url}
    )


def _current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_login_rotates_session_key_and_is_audited(client, users):
    # Given an anonymous session with a key
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    # When the user logs in
    response = _login(client, "county_admin")
    # Then they land on the home page with a new session key, and the login is audited
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.session_key != before
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).get()
    assert event.username == "county_admin"
    assert event.ip == "127.0.0.1"


def test_wrong_password_shows_chinese_error_and_audits(client, users):
    response = _login(client, "county_admin", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="county_admin").count()
        == 1
    )


def test_fifth_failure_locks_and_page_says_so(client, users):
    for _ in range(4):
        _login(client, "township_staff", "wrong-password-1")
    response = _login(client, "township_staff", "wrong-password-1")
    assert "账号已锁定" in response.content.decode()
    # The right password is refused while locked
    response = _login(client, "township_staff")
    assert response.status_code == 200
    assert "账号已锁定" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action=AuditAction.LOCKOUT, username="township_staff").count()
        == 1
    )


def test_next_parameter_is_followed_only_for_local_urls(client, users):
    assert _login(client, "county_admin", next_url="/orgs/")["Location"] == "/orgs/"
    client.logout()
    assert _login(client, "county_admin", next_url="https://evil.example/")["Location"] == "/"


def test_idle_session_expires_after_30_minutes(client, users, settings):
    # Given a logged-in user whose last activity was 31 minutes ago
    _login(client, "county_admin")
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    # When they open a page
    response = client.get("/orgs/")
    # Then they are sent to the login page with a Chinese notice, and the expiry is audited
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟未操作" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.SESSION_EXPIRED, username="county_admin"
    ).exists()
    assert client.get("/orgs/").status_code == 302


def test_active_session_within_30_minutes_stays(client, users):
    _login(client, "county_admin")
    session = client.session
    session["last_seen"] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/orgs/").status_code == 200


def _session_writes(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    ]


def test_idle_timestamp_is_written_at_most_once_a_minute(client, users):
    # Given a user whose activity was recorded 20 seconds ago (their first page recorded
    # what the session keeps for a minute)
    _login(client, "county_admin")
    client.get("/")
    session = client.session
    recorded = int(time.time()) - 20
    session["last_seen"] = recorded
    session.save()
    # When they open pages within the minute, the session row is not written
    assert _session_writes(client, "/orgs/") == []
    assert _session_writes(client, "/orgs/list/") == []
    assert client.session["last_seen"] == recorded
    # Once the recorded time is a minute old, the next request records it again
    session = client.session
    session["last_seen"] = int(time.time()) - 61
    session.save()
    assert len(_session_writes(client, "/orgs/")) == 1
    assert client.session["last_seen"] >= int(time.time()) - 5


def test_logout_is_post_only_and_audited(client, users):
    _login(client, "county_admin")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert (
        AuditEvent.objects.filter(action=AuditAction.LOGOUT, username="county_admin").count() == 1
    )
    assert client.get("/").status_code == 302


def test_totp_setup_then_login_requires_second_factor(client, users):
    admin = users.county_admin
    _login(client, "county_admin")
    # Given the admin starts TOTP setup and confirms it with a current code
    client.post("/accounts/profile/", {"action": "otp_start"})
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    page = client.get("/accounts/profile/").content.decode()
    assert "<svg" in page  # the QR code is rendered inline, no external service
    wrong = client.post("/accounts/profile/", {"action": "otp_confirm", "otp-token": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp throttles after a failure; a real user waits
    response = client.post(
        "/accounts/profile/", {"action": "otp_confirm", "otp-token": _current_token(device)}
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=AuditAction.OTP_ENABLED).count() == 1
    client.post("/accounts/logout/")

    # When the admin logs in again with the password only
    response = _login(client, "county_admin")
    # Then every page sends them to the second step until a valid code is given
    assert response["Location"].startswith("/accounts/otp/verify/")
    assert client.get("/orgs/")["Location"].startswith("/accounts/otp/verify/")
    bad = client.post("/accounts/otp/verify/", {"token": "123456"})
    assert "验证码不正确" in bad.content.decode()
    device.refresh_from_db()
    device.last_t = -1  # allow reuse of the current step within the test
    device.save()
    device.throttle_reset()
    good = client.post("/accounts/otp/verify/", {"token": _current_token(device), "next": "/orgs/"})
    assert good.status_code == 302
    assert good["Location"] == "/orgs/"
    assert client.get("/orgs/").status_code == 200


def test_password_change_reports_every_error_in_one_round(client, users):
    """A wrong current password, a too-short new one and a mismatched confirmation: all
    three on the first submit (issue 14 #3)."""
    _login(client, "county_admin")
    page = client.post(
        "/accounts/profile/",
        {
            "action": "password",
            "pw-old_password": "not-my-password",
            "pw-new_password1": "short1",
            "pw-new_password2": "short2",
        },
    ).content.decode()
    assert "当前密码不正确。" in page
    assert "至少" in page or "太短" in page
    assert "两次输入的密码不一致。" in page
    users.county_admin.refresh_from_db()
    assert users.county_admin.check_password(TEST_PASSWORD)


def test_password_change_enforces_policy(client, users):
    _login(client, "county_admin")
    short = client.post(
        "/accounts/profile/",
        {
            "action": "password",
            "pw-old_password": TEST_PASSWORD,
            "pw-new_password1": "short1",
            "pw-new_password2": "short1",
        },
    )
    assert "至少" in short.content.decode() or "太短" in short.content.decode()
    same = client.post(
        "/accounts/profile/",
        {
            "action": "password",
            "pw-old_password": TEST_PASSWORD,
            "pw-new_password1": "county_admin",
            "pw-new_password2": "county_admin",
        },
    )
    assert "不能与用户名相同" in same.content.decode()
    ok = client.post(
        "/accounts/profile/",
        {
            "action": "password",
            "pw-old_password": TEST_PASSWORD,
            "pw-new_password1": "Brand#New2026pw",
            "pw-new_password2": "Brand#New2026pw",
        },
    )
    assert ok.status_code == 302
    users.county_admin.refresh_from_db()
    assert users.county_admin.check_password("Brand#New2026pw")
    # The session survives the password change
    assert client.get("/").status_code == 200


def test_second_factor_enabled_elsewhere_is_required_here_within_a_minute(client, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Given a session of a user without a second factor
    _login(client, "county_admin")
    assert client.get("/").status_code == 200
    # (pages within the minute do not ask the database again)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/orgs/").status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_totp_totpdevice" in q["sql"]]
    # When the user confirms an authenticator in another session
    TOTPDevice.objects.create(user=users.county_admin, name="手机", confirmed=True)
    session = client.session
    session["otp_none_seen"] -= 61
    session.save()
    # Then this session must pass the second step before going on
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/verify/")

"""API authentication: bearer tokens and the login session (with CSRF and the second factor)."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import ApiToken
from gonghui.accounts.services import token_create
from gonghui.orgs.models import Org

NOT_AUTHENTICATED = {
    "code": "not_authenticated",
    "message": "请先登录，或在 Authorization 头中提供有效的 API 令牌(Bearer)。",
    "fields": {},
}
CSRF = "A" * 32  # a valid CSRF secret, sent as cookie and header alike


def _bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_valid_token_authenticates_and_records_its_use(client, users):
    # given
    secret = token_create(user=users.township_staff, name="脚本")
    # when
    response = client.get("/api/v1/me", **_bearer(secret))
    # then
    assert response.status_code == 200
    assert response.json()["username"] == "township_staff"
    assert response["Cache-Control"] == "private, no-store"
    token = ApiToken.objects.get(user=users.township_staff)
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer gh_not-a-real-token",
        "Bearer ",
        "bearer gh_not-a-real-token",
    ],
)
def test_a_bad_token_answers_401_in_the_error_shape(client, users, header):
    # when
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    # then
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_answers_401(client, users):
    # given
    secret = token_create(user=users.township_staff)
    ApiToken.objects.filter(user=users.township_staff).update(revoked_at=timezone.now())
    # when
    response = client.get("/api/v1/orgs", **_bearer(secret))
    # then
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_the_token_of_a_deactivated_user_answers_401(client, users):
    # given
    secret = token_create(user=users.township_staff)
    users.township_staff.is_active = False
    users.township_staff.save()
    # when
    response = client.get("/api/v1/me", **_bearer(secret))
    # then
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_a_bad_token_is_refused_even_with_a_valid_session(client, users):
    # given a logged-in browser session
    client.force_login(users.county_admin)
    # when the request also carries a bad bearer token
    response = client.get("/api/v1/me", **_bearer("gh_wrong"))
    # then the token decides: 401, no fallback to the session
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_no_credentials_answers_401(client, tree):
    # when
    response = client.get("/api/v1/orgs")
    # then
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_the_login_session_authenticates(login, users):
    # given
    client = login(users.township_staff)
    # when
    response = client.get("/api/v1/me")
    # then
    assert response.status_code == 200
    assert response.json()["username"] == "township_staff"


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


def test_a_session_write_without_the_csrf_token_is_refused_and_changes_nothing(tree, users):
    # given
    client = _csrf_client(users.township_staff)
    count = Org.objects.count()
    body = {"parent_id": tree.a.pk, "name": "甲镇二村工会", "type": "community", "level": 6}
    # when
    response = client.post("/api/v1/orgs", json.dumps(body), content_type="application/json")
    # then
    assert response.status_code == 403
    assert response.json() == {
        "code": "csrf_failed",
        "message": "CSRF 校验失败，请刷新页面后重试。",
        "fields": {},
    }
    assert Org.objects.count() == count


def test_a_session_write_with_the_csrf_token_succeeds(tree, users):
    # given
    client = _csrf_client(users.township_staff)
    body = {"parent_id": tree.a.pk, "name": "甲镇二村工会", "type": "community", "level": 6}
    # when
    response = client.post(
        "/api/v1/orgs", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=CSRF
    )
    # then
    assert response.status_code == 201, response.content
    assert Org.objects.filter(parent=tree.a, name="甲镇二村工会").exists()


def test_a_session_read_needs_no_csrf_token(users):
    # given
    client = _csrf_client(users.township_staff)
    # when
    response = client.get("/api/v1/me")
    # then
    assert response.status_code == 200


def test_an_anonymous_write_answers_401_not_a_csrf_error(tree):
    # given
    client = Client(enforce_csrf_checks=True)
    # when
    response = client.post("/api/v1/orgs", "{}", content_type="application/json")
    # then
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_a_session_still_owing_its_second_factor_is_not_authenticated(login, users):
    # given an admin with a confirmed TOTP device, logged in with the password only
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=users.county_admin, name="手机", confirmed=True)
    client = login(users.county_admin)
    # when
    response = client.get("/api/v1/me")
    # then
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED

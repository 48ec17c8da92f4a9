"""API tokens: expiry, listing and revocation (CLI, 账号安全, the user administration page)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import ApiToken, Role, RoleCode
from gonghui.accounts.services import role_grant, token_create, token_revoke, user_create
from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.core.errors import PermissionDenied, ValidationFailed
from gonghui.testing.fixtures import TEST_PASSWORD


def _me(client, secret):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")


def _token(secret) -> ApiToken:
    return ApiToken.objects.get(key_hash=ApiToken.hash_key(secret))


def test_a_token_expires_after_the_configured_default(users, settings):
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()
    token = _token(token_create(user=users.leader, name="大屏"))
    assert before + datetime.timedelta(days=30) <= token.expires_at
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=30)
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATED)
    assert event.detail["expires_at"] == f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"


def test_a_token_lifetime_is_chosen_at_creation_within_the_maximum(users, settings):
    settings.API_TOKEN_MAX_DAYS = 365
    token = _token(token_create(user=users.leader, days=7))
    assert token.expires_at - token.created_at == pytest.approx(
        datetime.timedelta(days=7), abs=datetime.timedelta(seconds=5)
    )
    for days in (0, 366):
        with pytest.raises(ValidationFailed, match="令牌有效期应为 1 至 365 天。"):
            token_create(user=users.leader, days=days)
    assert ApiToken.objects.count() == 1


def test_an_expired_token_is_refused_by_the_api(users, client):
    # given a token that worked
    secret = token_create(user=users.leader)
    assert _me(client, secret).status_code == 200
    # when it passes its expiry
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    # then
    assert _me(client, secret).status_code == 401


def test_revoking_takes_effect_at_once_and_is_audited(users, client):
    secret = token_create(user=users.leader, name="大屏")
    assert _me(client, secret).status_code == 200
    # when
    token_revoke(actor=users.leader, token=_token(secret))
    # then
    assert _me(client, secret).status_code == 401
    token = _token(secret)
    assert token.revoked_at is not None and token.revoked_by == users.leader
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert (event.user_id, event.object_id, event.detail) == (
        users.leader.pk,
        str(users.leader.pk),
        {"name": "大屏", "prefix": secret[:10]},
    )
    # and revoking again changes nothing
    token_revoke(actor=users.leader, token=token)
    assert _token(secret).revoked_at == token.revoked_at
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 1


# --- CLI ------------------------------------------------------------------------------------


def _call(*args) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_create_takes_days_and_list_shows_tokens_without_their_secrets(users):
    secret = _call("create", "leader", "--name", "大屏", "--days", "10").strip()
    other = _call("create", "county_admin").strip()
    token_revoke(actor=None, token=_token(other))
    listing = _call("list")
    assert secret not in listing and other not in listing
    assert _token(secret).key_hash not in listing
    lines = listing.splitlines()
    assert lines[0].split() == [
        "编号",
        "用户",
        "名称",
        "前缀",
        "创建时间",
        "有效期至",
        "最近使用",
        "状态",
    ]
    by_user = {line.split()[1]: line for line in lines[1:]}
    assert by_user["leader"].split()[2:4] == ["大屏", secret[:10] + "…"]
    assert by_user["leader"].endswith("有效")
    assert by_user["county_admin"].endswith("已撤销")
    assert _call("list", "leader", "--active").count("\n") == 2
    assert _call("list", "county_admin", "--active") == "没有令牌。\n"


@pytest.mark.parametrize("by", ["id", "prefix", "secret"])
def test_cli_revoke_by_id_prefix_or_the_secret_itself(users, client, by):
    secret = _call("create", "leader").strip()
    token = _token(secret)
    name = {"id": str(token.pk), "prefix": secret[:10], "secret": secret}[by]
    # when
    output = _call("revoke", name)
    # then
    assert output == f"已撤销令牌 {secret[:10]}…(用户 leader)，立即生效。\n"
    assert _me(client, secret).status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert (event.user_id, event.detail["by"]) == (None, "命令行")


def test_cli_revoke_explains_what_it_cannot_find(users):
    with pytest.raises(CommandError, match="没有找到令牌：gh_nothing"):
        _call("revoke", "gh_nothing")
    with pytest.raises(CommandError, match="至少 6 个字符"):
        _call("revoke", "gh_")
    with pytest.raises(CommandError, match="令牌有效期应为 1 至 365 天。"):
        _call("create", "leader", "--days", "1000")


# --- pages ----------------------------------------------------------------------------------


def test_the_profile_lists_ones_tokens_and_never_their_secrets(users, login):
    secret = token_create(user=users.leader, name="大屏")
    token_create(user=users.county_admin, name="别人的")
    page = login(users.leader).get(reverse("accounts:profile")).content.decode()
    assert "大屏" in page and secret[:10] + "…" in page
    assert secret not in page and _token(secret).key_hash not in page
    assert "别人的" not in page
    assert reverse("accounts:profile_token_revoke", args=[_token(secret).pk]) in page


def test_the_profile_revokes_ones_own_token(users, login, client):
    secret = token_create(user=users.leader)
    response = login(users.leader).post(
        reverse("accounts:profile_token_revoke", args=[_token(secret).pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile") + "#tokens"
    assert _token(secret).revoked_by == users.leader
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "已撤销令牌" in page and "已撤销" in page


@pytest.mark.parametrize("role", ["county_admin", "leader", "grassroots_staff"])
def test_the_profile_cannot_revoke_someone_elses_token(users, login, role):
    secret = token_create(user=users.township_staff)
    response = login(getattr(users, role)).post(
        reverse("accounts:profile_token_revoke", args=[_token(secret).pk])
    )
    assert response.status_code == 404
    assert _token(secret).revoked_at is None


def test_an_administrator_sees_and_revokes_a_users_tokens(tree, users, login, client):
    clerk = user_create(actor=None, username="clerk", password=TEST_PASSWORD, org=tree.a1)
    secret = token_create(user=clerk, name="对接系统")
    admin = login(users.township_staff)
    page = admin.get(reverse("accounts:user_detail", args=[clerk.pk])).content.decode()
    assert "对接系统" in page and secret not in page
    url = reverse("accounts:token_revoke", args=[clerk.pk, _token(secret).pk])
    assert url in page
    # when
    response = admin.post(url)
    # then
    assert response["Location"] == reverse("accounts:user_detail", args=[clerk.pk]) + "#tokens"
    assert _token(secret).revoked_by == users.township_staff
    assert _me(client, secret).status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert (event.user_id, event.object_id) == (users.township_staff.pk, str(clerk.pk))


def test_an_administrator_cannot_revoke_the_token_of_a_stronger_user(tree, users, login):
    # given a county admin whose home org lies in township A
    boss = user_create(actor=None, username="boss_in_a", password=TEST_PASSWORD, org=tree.a)
    role_grant(
        actor=None, user=boss, org=tree.county, role=Role.objects.get(code=RoleCode.COUNTY_ADMIN)
    )
    secret = token_create(user=boss)
    # when / then
    with pytest.raises(PermissionDenied, match="请由上级管理员撤销其令牌"):
        token_revoke(actor=users.township_staff, token=_token(secret))
    login(users.township_staff).post(
        reverse("accounts:token_revoke", args=[boss.pk, _token(secret).pk])
    )
    assert _token(secret).revoked_at is None
    events = AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE_DENIED)
    assert [(e.user_id, e.result, e.detail) for e in events] == [
        (users.township_staff.pk, AuditResult.DENIED, {"prefix": secret[:10], "reason": "stronger"})
    ] * 2


def test_an_administrator_page_only_revokes_the_users_own_token(tree, users, login):
    clerk = user_create(actor=None, username="clerk", password=TEST_PASSWORD, org=tree.a1)
    other = token_create(user=users.grassroots_staff)
    response = login(users.township_staff).post(
        reverse("accounts:token_revoke", args=[clerk.pk, _token(other).pk])
    )
    assert response.status_code == 404
    assert _token(other).revoked_at is None

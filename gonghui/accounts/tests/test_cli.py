"""CLI: `gonghui createuser ... --password-stdin` and `gonghui token create USERNAME`."""

import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from gonghui.accounts.models import ApiToken, RoleAssignment, RoleCode, User
from gonghui.accounts.services import token_authenticate
from gonghui.audit.models import AuditAction, AuditEvent

STRONG = "青禾-Union#2026"


def _createuser(*args, stdin: str) -> str:
    out = io.StringIO()
    with mock.patch("sys.stdin", io.StringIO(stdin)):
        call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_createuser_reads_the_password_from_stdin_and_grants_the_role(tree):
    # when
    output = _createuser(
        "--username",
        "zhou",
        "--org",
        "999",
        "--role",
        "county_admin",
        "--full-name",
        "周县管",
        "--password-stdin",
        stdin=f"{STRONG}\n",
    )
    # then
    user = User.objects.get(username="zhou")
    assert (user.full_name, user.org) == ("周县管", tree.county)
    assert user.check_password(STRONG)
    assert list(RoleAssignment.objects.filter(user=user).values_list("org_id", "role__code")) == [
        (tree.county.pk, RoleCode.COUNTY_ADMIN)
    ]
    assert output == "已创建用户 zhou：县总工会管理员 @ 测试县总工会\n"
    assert (
        AuditEvent.objects.filter(action=AuditAction.USER_CREATED, object_id=str(user.pk)).count()
        == 1
    )


def test_createuser_refuses_a_weak_password_and_creates_nothing(tree):
    with pytest.raises(CommandError) as excinfo:
        _createuser(
            "--username",
            "zhou",
            "--org",
            "999",
            "--role",
            "county_admin",
            "--password-stdin",
            stdin="zhou\n",
        )
    assert (
        str(excinfo.value)
        == "密码不符合要求。 密码太短，至少需要 10 个字符。; 密码不能与用户名相同。"
    )
    assert not User.objects.filter(username="zhou").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nope", "--role", "county_admin"], "组织编码不存在：nope"),
        (["--org", "999", "--role", "king"], "角色不存在：king(可用："),
    ],
)
def test_createuser_explains_unknown_org_or_role(tree, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        _createuser("--username", "zhou", *args, "--password-stdin", stdin=f"{STRONG}\n")
    assert not User.objects.filter(username="zhou").exists()


@pytest.mark.parametrize("role", ["县总工会管理员", " 县总工会管理员 ", "county_admin"])
def test_createuser_takes_the_role_by_its_chinese_name_or_its_code(tree, role):
    # when
    output = _createuser(
        "--username", "zhou", "--org", "999", "--role", role, "--password-stdin", stdin=STRONG
    )
    # then
    user = User.objects.get(username="zhou")
    assert list(RoleAssignment.objects.filter(user=user).values_list("role__code", flat=True)) == [
        RoleCode.COUNTY_ADMIN
    ]
    assert output == "已创建用户 zhou：县总工会管理员 @ 测试县总工会\n"


def test_createuser_lists_codes_and_names_for_an_unknown_role(tree):
    with pytest.raises(CommandError) as excinfo:
        _createuser(
            "--username", "zhou", "--org", "999", "--role", "县长", "--password-stdin", stdin=STRONG
        )
    assert (
        "角色不存在：县长(可用：county_admin(县总工会管理员)，county_staff(县总工会工作人员)"
        in str(excinfo.value)
    )
    assert not User.objects.filter(username="zhou").exists()


def test_createuser_insists_on_stdin_for_the_password(tree):
    with pytest.raises(CommandError, match="--password-stdin"):
        _createuser("--username", "zhou", "--org", "999", "--role", "county_admin", stdin="")
    assert not User.objects.filter(username="zhou").exists()


def test_token_create_prints_a_token_that_authenticates(users):
    # when
    out = io.StringIO()
    call_command("token", "create", "county_admin", stdout=out)
    secret = out.getvalue().strip()
    # then
    assert secret.startswith("gh_")
    assert token_authenticate(secret) == users.county_admin
    assert token_authenticate(secret + "x") is None
    token = ApiToken.objects.get(user=users.county_admin)
    assert (token.name, token.prefix, token.key_hash) == (
        "cli",
        secret[:10],
        ApiToken.hash_key(secret),
    )
    assert secret not in token.key_hash
    assert token.last_used_at is not None
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATED)
    assert (event.detail["name"], event.detail["prefix"]) == ("cli", secret[:10])


def test_token_of_a_deactivated_user_no_longer_authenticates(users):
    out = io.StringIO()
    call_command("token", "create", "leader", "--name", "大屏", stdout=out)
    User.objects.filter(pk=users.leader.pk).update(is_active=False)
    assert token_authenticate(out.getvalue().strip()) is None


def test_token_create_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError, match="用户不存在或已停用：ghost"):
        call_command("token", "create", "ghost", stdout=io.StringIO())
    assert ApiToken.objects.count() == 0

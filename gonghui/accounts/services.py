"""Writes for users, role assignments, login security and API tokens."""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gonghui.accounts.models import ApiToken, Role, RoleAssignment, User
from gonghui.audit.services import AuditAction, AuditResult, audit_record
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import clear_scope_cache, org_in_scope, scope_paths

_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,150}$")
_MOBILE_RE = re.compile(r"^1\d{10}$")


class LoginResult:
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    INACTIVE = "inactive"


def login_check(*, username: str, password: str, request=None) -> tuple[str, User | None]:
    """Check credentials with lockout: 5 failures lock the account for 15 minutes.

    Returns (result, user). Every outcome is audited. A locked account is refused
    even with the right password, so guessing cannot continue during the lock.
    Each attempt on an active account is counted *before* the password is checked,
    so a burst of concurrent guesses gets no more than LOGIN_MAX_FAILURES tries.
    """
    username = (username or "").strip()
    user = User.objects.filter(username__iexact=username).first()
    now = timezone.now()
    if user is not None and user.locked_until and user.locked_until > now:
        return _login_locked_refuse(user=user, username=username), user
    attempt = 0
    window = timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    if user is not None and user.last_failed_login_at and now - user.last_failed_login_at > window:
        # Failures older than the lock window are forgiven: 4 typos last month + 1 today ≠ lock.
        User.objects.filter(pk=user.pk, last_failed_login_at__lt=now - window).update(
            failed_login_count=0
        )
    if user is not None and user.is_active:
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        attempt = User.objects.values_list("failed_login_count", flat=True).get(pk=user.pk)
        if attempt > settings.LOGIN_MAX_FAILURES:
            # Earlier attempts still in flight already use up the allowance.
            return _login_locked_refuse(user=user, username=username), user
    authenticated = authenticate(
        request, username=user.username if user else username, password=password
    )
    if authenticated is not None:
        User.objects.filter(pk=authenticated.pk).update(failed_login_count=0, locked_until=None)
        authenticated.failed_login_count = 0
        authenticated.locked_until = None
        return LoginResult.OK, authenticated
    if user is None:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            username=username,
            result=AuditResult.FAILURE,
            detail={"reason": "unknown_user"},
        )
        return LoginResult.INVALID, None
    if not user.is_active:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            username=username,
            org=user.org,
            obj=user,
            result=AuditResult.FAILURE,
            detail={"reason": "inactive"},
        )
        return LoginResult.INACTIVE, user
    return _login_failure_record(user=user, now=now, attempt=attempt), user


def _login_locked_refuse(*, user: User, username: str) -> str:
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        username=username,
        org=user.org,
        obj=user,
        result=AuditResult.DENIED,
        detail={"reason": "locked"},
    )
    return LoginResult.LOCKED


@transaction.atomic
def _login_failure_record(*, user: User, now, attempt: int) -> str:
    """The attempt (already counted) failed: audit it and lock on the last allowed one."""
    User.objects.filter(pk=user.pk).update(last_failed_login_at=now)
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        username=user.username,
        org=user.org,
        obj=user,
        result=AuditResult.FAILURE,
        detail={"reason": "bad_password", "failures": attempt},
    )
    if attempt >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        user.failed_login_count = 0
        User.objects.filter(pk=user.pk).update(locked_until=user.locked_until, failed_login_count=0)
        audit_record(
            action=AuditAction.LOCKOUT,
            username=user.username,
            org=user.org,
            obj=user,
            result=AuditResult.DENIED,
            detail={"minutes": settings.LOGIN_LOCK_MINUTES},
        )
        return LoginResult.LOCKED
    user.failed_login_count = attempt
    return LoginResult.INVALID


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("密码不符合要求。", fields={"password": list(exc.messages)}) from exc


def _user_errors(*, username, password, full_name="", phone="", email="") -> dict[str, list[str]]:
    """Every field message of a new user (the password checked with the rest)."""
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    fields: dict[str, list[str]] = {}
    if not username:
        fields["username"] = ["请填写用户名。"]
    elif not _USERNAME_RE.match(username):
        fields["username"] = ["用户名只能包含字母、数字和 _ . @ -，最长 150 个字符。"]
    elif User.objects.filter(username__iexact=username).exists():
        fields["username"] = ["该用户名已被使用。"]
    if len(full_name) > 50:
        fields["full_name"] = ["姓名最长 50 个字符。"]
    if phone and not _MOBILE_RE.match(phone):
        fields["phone"] = ["请输入 11 位手机号。"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fields["email"] = ["请输入有效的电子邮箱地址。"]
    try:
        _password_check(
            password or "",
            User(username=username, full_name=full_name, phone=phone or "", email=email or ""),
        )
    except ValidationFailed as exc:
        fields.update(exc.fields)
    return fields


def user_validate(*, actor, **values) -> None:
    """The field checks of user_create, without writing (for a form whose own fields
    failed): raises ValidationFailed with every field's message."""
    fields = _user_errors(
        username=values.get("username"),
        password=values.get("password"),
        full_name=values.get("full_name"),
        phone=values.get("phone"),
        email=values.get("email"),
    )
    if fields:
        raise _user_invalid(fields)


def _user_invalid(fields: dict[str, list[str]]) -> ValidationFailed:
    only_password = set(fields) == {"password"}
    return ValidationFailed(
        "密码不符合要求。" if only_password else "请检查填写的内容。", fields=fields
    )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    org,
    phone: str = "",
    email: str = "",
) -> User:
    """Create a user belonging to `org`. actor=None is the CLI (trusted operator)."""
    username = username.strip()
    if actor is not None and not org_in_scope(actor, "accounts", Action.EDIT, org):
        raise NotFound()
    fields = _user_errors(
        username=username, password=password, full_name=full_name, phone=phone, email=email
    )
    if fields:
        raise _user_invalid(fields)
    user = User(username=username, full_name=full_name.strip(), org=org, phone=phone, email=email)
    user.set_password(password)
    user.save()
    audit_record(action=AuditAction.USER_CREATED, user=actor, org=org, obj=user)
    return user


def _refused(
    action: AuditAction, *, actor: User, org, target: User, message: str, code: str, detail: dict
) -> PermissionDenied:
    """Audit a refused user-management action and return the error to raise. Called before
    any transaction opens, so the record is not rolled back with the refusal."""
    audit_record(
        action=action, user=actor, org=org, obj=target, result=AuditResult.DENIED, detail=detail
    )
    return PermissionDenied(message, code=code)


def user_update(
    *, actor: User, user: User, full_name: str, phone: str, email: str, is_active: bool
) -> User:
    """Edit a user of the actor's scope who holds no role beyond the actor's power. The
    checks run before the transaction opens, so the audit event of a denied edit stays."""
    if not org_in_scope(actor, "accounts", Action.EDIT, user.org):
        raise NotFound()
    if user.pk != actor.pk and not _user_within_actor_power(actor, user):
        raise _refused(
            AuditAction.USER_UPDATE_DENIED,
            actor=actor,
            org=user.org,
            target=user,
            message="该用户拥有超出您管理范围或权限的角色，请由上级管理员修改。",
            code="user_too_strong",
            detail={"reason": "stronger", "is_active": is_active},
        )
    return _user_save(
        actor=actor, user=user, full_name=full_name, phone=phone, email=email, is_active=is_active
    )


@transaction.atomic
def _user_save(
    *, actor: User, user: User, full_name: str, phone: str, email: str, is_active: bool
) -> User:
    if phone and not _MOBILE_RE.match(phone):
        raise ValidationFailed("请检查填写的内容。", fields={"phone": ["请输入 11 位手机号。"]})
    if user.pk == actor.pk and not is_active:
        raise ValidationFailed(
            "不能停用自己的账号。", fields={"is_active": ["不能停用自己的账号。"]}
        )
    changed = {
        name: True
        for name, value in {"full_name": full_name, "email": email, "is_active": is_active}.items()
        if getattr(user, name) != value
    }
    if user.phone != phone:
        changed["phone"] = True
    user.full_name, user.phone, user.email, user.is_active = full_name, phone, email, is_active
    user.save()
    audit_record(
        action=AuditAction.USER_UPDATED,
        user=actor,
        org=user.org,
        obj=user,
        detail={"changed": sorted(changed)},
    )
    return user


@transaction.atomic
def user_password_validate(*, user: User, password: str) -> None:
    """The password rules user_password_set applies, without writing (a form checks the new
    password with its other fields, so one submit shows every problem)."""
    _password_check(password or "", user)


def user_password_set(*, actor: User | None, user: User, password: str) -> None:
    if (
        actor is not None
        and actor.pk != user.pk
        and not org_in_scope(actor, "accounts", Action.EDIT, user.org)
    ):
        raise NotFound()
    _password_check(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(action=AuditAction.PASSWORD_CHANGED, user=actor, org=user.org, obj=user)


def _grant_within_actor_power(actor: User, role: Role, org) -> bool:
    """Every (module, action) the role grants, the actor must hold at a scope covering org."""
    return all(
        any(org.path.startswith(p) for p in scope_paths(actor, module, action))
        for module, action in role.grant_pairs()
    )


def _user_within_actor_power(actor: User, user: User) -> bool:
    """Every role the user holds lies in the actor's accounts scope and is no stronger there.

    Otherwise a township admin could deactivate (or otherwise take over) an account whose
    org happens to lie in their subtree but that holds county-wide roles.
    """
    return all(
        org_in_scope(actor, "accounts", Action.EDIT, assignment.org)
        and _grant_within_actor_power(actor, assignment.role, assignment.org)
        for assignment in RoleAssignment.objects.filter(user=user).select_related("org", "role")
    )


def role_grant(*, actor: User | None, user: User, org, role: Role) -> RoleAssignment:
    """Assign role at org. Only inside the actor's accounts scope and no stronger than theirs.

    The checks run before the transaction opens, so the audit event of a denied grant
    is not rolled back with it.
    """
    if actor is not None:
        if not org_in_scope(actor, "accounts", Action.EDIT, org) or not org_in_scope(
            actor, "accounts", Action.EDIT, user.org
        ):
            raise _refused(
                AuditAction.ROLE_GRANT_DENIED,
                actor=actor,
                org=org,
                target=user,
                message="只能在您管理范围内的组织授予角色。",
                code="grant_out_of_scope",
                detail={"role": role.code, "reason": "out_of_scope"},
            )
        if not _grant_within_actor_power(actor, role, org):
            raise _refused(
                AuditAction.ROLE_GRANT_DENIED,
                actor=actor,
                org=org,
                target=user,
                message=f"不能授予比您自己权限更大的角色：{role.name}。",
                code="grant_too_strong",
                detail={"role": role.code, "reason": "stronger"},
            )
    return _role_assign(actor=actor, user=user, org=org, role=role)


@transaction.atomic
def _role_assign(*, actor: User | None, user: User, org, role: Role) -> RoleAssignment:
    if not org.is_active:
        raise ValidationFailed(
            "该组织已撤销，不能在此授予角色。", fields={"org": ["该组织已撤销。"]}
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, org=org, role=role, defaults={"granted_by": actor}
    )
    if created:
        clear_scope_cache(user)
        audit_record(
            action=AuditAction.ROLE_GRANTED,
            user=actor,
            org=org,
            obj=user,
            detail={"role": role.code, "role_name": role.name, "org": org.name},
        )
    return assignment


def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    """Revoke a role of the actor's scope and power; checked before the transaction opens,
    as role_grant, so the audit event of a denied revoke stays."""
    if not org_in_scope(actor, "accounts", Action.EDIT, assignment.org):
        raise NotFound()
    if assignment.user_id == actor.pk and assignment.role.grants("accounts", Action.EDIT):
        raise ValidationFailed("不能撤销自己的用户管理角色，请由上级管理员操作。")
    if not _grant_within_actor_power(actor, assignment.role, assignment.org):
        raise _refused(
            AuditAction.ROLE_REVOKE_DENIED,
            actor=actor,
            org=assignment.org,
            target=assignment.user,
            message=f"不能撤销比您自己权限更大的角色：{assignment.role.name}。",
            code="revoke_too_strong",
            detail={"role": assignment.role.code, "reason": "stronger"},
        )
    _role_unassign(actor=actor, assignment=assignment)


@transaction.atomic
def _role_unassign(*, actor: User, assignment: RoleAssignment) -> None:
    detail = {
        "role": assignment.role.code,
        "role_name": assignment.role.name,
        "org": assignment.org.name,
    }
    user, org = assignment.user, assignment.org
    assignment.delete()
    clear_scope_cache(user)
    audit_record(action=AuditAction.ROLE_REVOKED, user=actor, org=org, obj=user, detail=detail)


def _token_days(days: int | None) -> int:
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationFailed(
            f"令牌有效期应为 1 至 {settings.API_TOKEN_MAX_DAYS} 天。",
            fields={"days": [f"请填写 1 至 {settings.API_TOKEN_MAX_DAYS} 之间的天数。"]},
        )
    return days


@transaction.atomic
def token_create(*, user: User, name: str = "", days: int | None = None) -> str:
    """Create an API token valid for `days` (default settings.API_TOKEN_DAYS) and return the
    secret once; only its hash is stored."""
    days = _token_days(days)
    secret = "gh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:10],
        key_hash=ApiToken.hash_key(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        action=AuditAction.TOKEN_CREATED,
        user=user,
        org=user.org,
        obj=user,
        detail={
            "name": name,
            "prefix": secret[:10],
            "expires_at": f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}",
        },
    )
    return secret


def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token now: its own user, an administrator of the user's org who holds no less
    power than the user (as for editing the user), or the CLI (actor=None). Checked before the
    transaction, so the audit event of a refusal stays. Revoking a revoked token changes nothing."""
    owner = token.user
    if actor is not None and actor.pk != owner.pk:
        if not org_in_scope(actor, "accounts", Action.EDIT, owner.org):
            raise NotFound()
        if not _user_within_actor_power(actor, owner):
            raise _refused(
                AuditAction.TOKEN_REVOKE_DENIED,
                actor=actor,
                org=owner.org,
                target=owner,
                message="该用户拥有超出您管理范围或权限的角色，请由上级管理员撤销其令牌。",
                code="user_too_strong",
                detail={"prefix": token.prefix, "reason": "stronger"},
            )
    return _token_revoke(actor=actor, token=token)


@transaction.atomic
def _token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    token = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("user__org")
        .get(pk=token.pk)
    )
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    detail = {"name": token.name, "prefix": token.prefix}
    if actor is None:
        detail["by"] = "命令行"
    audit_record(
        action=AuditAction.TOKEN_REVOKED,
        user=actor,
        org=token.user.org,
        obj=token.user,
        detail=detail,
    )
    return token


def token_authenticate(secret: str) -> User | None:
    """The live token's user: not revoked, not expired, user active. Checked on every request,
    so a revocation takes effect at once."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

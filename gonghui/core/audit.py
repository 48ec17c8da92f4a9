"""The audit interface of the core (DESIGN §3): the action and result codes of audit events,
and `audit_record`, through which core code (exports, imports, backups, data-key rotation)
appends one. The audit app owns the events: it installs its writer at start-up
(`audit.apps.AuditConfig.ready` → `audit_writer_set`), so core never imports it."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    LOCKOUT = "lockout", "账号锁定"
    SESSION_EXPIRED = "session_expired", "会话超时"
    OTP_ENABLED = "otp_enabled", "启用双因素认证"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    USER_CREATED = "user_created", "创建用户"
    USER_UPDATED = "user_updated", "修改用户"
    USER_UPDATE_DENIED = "user_update_denied", "越权修改用户被拒绝"
    ROLE_GRANTED = "role_granted", "授予角色"
    ROLE_REVOKED = "role_revoked", "撤销角色"
    ROLE_GRANT_DENIED = "role_grant_denied", "越权授权被拒绝"
    ROLE_REVOKE_DENIED = "role_revoke_denied", "越权撤销角色被拒绝"
    TOKEN_CREATED = "token_created", "创建 API 令牌"
    TOKEN_REVOKED = "token_revoked", "撤销 API 令牌"
    TOKEN_REVOKE_DENIED = "token_revoke_denied", "越权撤销 API 令牌被拒绝"
    BACKUP_CREATED = "backup_created", "备份数据"
    BACKUP_RESTORED = "backup_restored", "从备份恢复"
    DATA_KEY_ROTATION = "data_key_rotation", "轮换数据密钥"
    CREATED = "created", "新增"
    UPDATED = "updated", "修改"
    MOVED = "moved", "移动"
    DEACTIVATED = "deactivated", "撤销/停用"
    DELETED = "deleted", "删除"
    UNMASKED = "unmasked", "查看敏感信息"
    IMPORTED = "imported", "导入"
    IMPORT_REJECTED = "import_rejected", "导入被拒绝"
    EXPORTED = "exported", "导出"
    APPROVED = "approved", "审批"


class AuditResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


_writer: Callable[..., Any] | None = None


def audit_writer_set(writer: Callable[..., Any]) -> None:
    """Install the function that appends an audit event (the audit app's `audit_record`)."""
    global _writer
    _writer = writer


def audit_record(
    *,
    action: str,
    user=None,
    org=None,
    obj=None,
    result: str = AuditResult.SUCCESS,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    username: str = "",
):
    """Append one audit event through the installed writer (see the audit app's
    `audit_record` for the fields)."""
    if _writer is None:
        raise ImproperlyConfigured("No audit writer installed: gonghui.audit must be installed.")
    return _writer(
        action=action,
        user=user,
        org=org,
        obj=obj,
        result=result,
        detail=detail,
        ip=ip,
        username=username,
    )

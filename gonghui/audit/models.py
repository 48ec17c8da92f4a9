"""Append-only audit events (DESIGN §3). The app never updates or deletes them."""

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


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="组织",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField("操作", max_length=30, choices=AuditAction.choices)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField(
        "结果", max_length=10, choices=AuditResult.choices, default=AuditResult.SUCCESS
    )
    ip = models.GenericIPAddressField("来源 IP", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org", "at"], name="audit_org_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计事件只能追加，不能删除")

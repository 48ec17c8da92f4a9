"""Append-only audit events (DESIGN §3). The app never updates or deletes them."""

from django.db import models

from gonghui.core.audit import AuditAction, AuditResult

__all__ = ["AuditAction", "AuditEvent", "AuditResult"]


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

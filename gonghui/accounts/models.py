"""Users, roles and role assignments (user x org x role), API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from gonghui.core.fields import EncryptedTextField


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = EncryptedTextField("手机号", blank=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True, editable=False)
    last_failed_login_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleCode(models.TextChoices):
    COUNTY_ADMIN = "county_admin", "县总工会管理员"
    COUNTY_STAFF = "county_staff", "县总工会工作人员"
    TOWNSHIP_STAFF = "township_staff", "乡镇(街道)工会工作人员"
    GRASSROOTS_STAFF = "grassroots_staff", "基层工会工作人员"
    SOCIAL_WORKER = "social_worker", "社会化工会工作者"
    LEADER = "leader", "领导(只读)"


class Role(models.Model):
    """A named bundle of per-module actions: {"orgs": ["view", "edit"], ...}."""

    code = models.CharField("角色编码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=50, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    permissions = models.JSONField("权限", default=dict)
    is_builtin = models.BooleanField("内置", default=False)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def grants(self, module: str, action: str) -> bool:
        return action in self.permissions.get(module, ())

    def grant_pairs(self) -> set[tuple[str, str]]:
        return {(m, a) for m, actions in self.permissions.items() for a in actions}


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignments"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织", on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.ForeignKey(Role, verbose_name="角色", on_delete=models.PROTECT)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org}: {self.role}"


class TokenStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已撤销"


class ApiToken(models.Model):
    """Bearer token for the API. Only a SHA-256 of the secret is stored; the secret is shown
    once, at creation. Refused once revoked or past `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    def status(self, now) -> str:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        return TokenStatus.ACTIVE if self.expires_at > now else TokenStatus.EXPIRED

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

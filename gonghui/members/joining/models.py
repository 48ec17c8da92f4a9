"""Online joining (网上入会, DESIGN §4 "Members and online joining"): the worker's application,
reviewed by the employer's union or the township/street union holding the pool."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.core.fields import EncryptedTextField, KeyedHashField
from gonghui.members.registry.models import EmploymentForm, Gender, Member
from gonghui.orgs.models import OrgOwned

__all__ = ["JoinPath", "JoinStatus", "JoinApplication"]


class JoinPath(models.TextChoices):
    EMPLOYER_UNION = "employer_union", "单位已建会：由单位工会审核"
    HOLDING_POOL = "holding_pool", "单位未建会或无固定单位：由乡镇(街道)工会审核"


class JoinStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


class JoinApplication(OrgOwned):
    """A worker's online application. `org` is the reviewing union (employer's union or the
    township/street union holding the pool); scope and the review queue follow it."""

    path = models.CharField("入会途径", max_length=16, choices=JoinPath.choices)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number = EncryptedTextField("身份证号")
    id_number_hash = KeyedHashField(source="id_number", byte_order=False)
    phone = EncryptedTextField("手机号")
    phone_hash = KeyedHashField(source="phone", byte_order=False)
    employment_form = models.CharField("就业形态", max_length=20, choices=EmploymentForm.choices)
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    employer_name = models.CharField("工作单位(自填)", max_length=150, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING
    )
    reject_reason = models.CharField("未通过原因", max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    submitted_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "网上入会申请"
        verbose_name_plural = "网上入会申请"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="joinapp_anchor_id"),
            models.Index(fields=["org", "status", "id"], name="joinapp_org_status"),
            models.Index(fields=["id_number_hash", "status"], name="joinapp_id_hash"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(status="pending"),
                name="joinapp_one_pending_per_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} 入会申请"

"""Membership transfers (会籍转移, DESIGN §4 "Members and online joining"): a member moves
between unions; the receiving union approves, both sides see it, history is kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.members.registry.models import Member
from gonghui.orgs.models import OrgOwned

__all__ = ["TransferStatus", "TransferSide", "MembershipTransfer"]


class TransferStatus(models.TextChoices):
    PENDING = "pending", "待接收方审批"
    APPROVED = "approved", "已转入"
    REJECTED = "rejected", "已拒绝"
    CANCELLED = "cancelled", "已撤销"


class TransferSide(models.TextChoices):
    FROM = "from", "转出方"
    TO = "to", "转入方"


class MembershipTransfer(OrgOwned):
    """Moving a member between unions. `org` is the receiving union (it approves);
    `from_org` is the sending one. Both sides see the transfer in their scope."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey(
        "orgs.Org", verbose_name="转出组织", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    reason = models.CharField("转移原因", max_length=200)
    requested_side = models.CharField(
        "发起方", max_length=4, choices=TransferSide.choices, default=TransferSide.FROM
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    reject_reason = models.CharField("拒绝原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "会籍转移"
        verbose_name_plural = "会籍转移"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="transfer_anchor_id"),
            models.Index(fields=["from_org", "status"], name="transfer_from_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.from_org} → {self.org}"

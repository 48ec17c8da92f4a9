"""Bargaining offers (要约) with their legal 20-day reply clock, talks, outcomes, and the
offer seasons (春季 / 冬春季要约行动) with their target lists."""

from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned

__all__ = [
    "BargainingOffer",
    "BargainingTalk",
    "OfferDirection",
    "OfferOutcome",
    "OfferReply",
    "OfferSeason",
    "SeasonKind",
    "SeasonStatus",
    "SeasonTarget",
    "TargetReason",
]

REPLY_DAYS = 20  # 集体合同规定 Art. 32: the other side answers in writing within 20 days


class OfferDirection(models.TextChoices):
    SENT = "sent", "工会方发出"
    RECEIVED = "received", "企业方发出"


class OfferReply(models.TextChoices):
    ACCEPTED = "accepted", "同意协商"
    REFUSED = "refused", "拒绝协商"


class OfferOutcome(models.TextChoices):
    OPEN = "open", "进行中"
    SIGNED = "signed", "已签订合同"
    REFUSED = "refused", "协商未果"
    ESCALATED = "escalated", "提请协调处理"


class SeasonKind(models.TextChoices):
    SPRING = "spring", "春季要约行动"
    WINTER_SPRING = "winter_spring", "冬春季要约行动"


class SeasonStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class TargetReason(models.TextChoices):
    NO_CONTRACT = "no_contract", "无生效集体合同"
    EXPIRING = "expiring", "合同在行动期内到期"


class OfferSeason(OrgOwned):
    """A county's offer season; `org` is the county (or township) that opened it."""

    name = models.CharField("行动名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=SeasonKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    status = models.CharField(
        "状态", max_length=8, choices=SeasonStatus.choices, default=SeasonStatus.OPEN
    )
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "要约行动"
        verbose_name_plural = "要约行动"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="season_anchor_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="season_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BargainingOffer(OrgOwned):
    """`org`: the union side's org (the employer's union, or the township that bargains for
    employers without one)."""

    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    season = models.ForeignKey(
        OfferSeason,
        verbose_name="要约行动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    direction = models.CharField(
        "要约方", max_length=10, choices=OfferDirection.choices, default=OfferDirection.SENT
    )
    subject = models.CharField("协商事项", max_length=200)
    content = models.TextField("要约书内容", blank=True)
    sent_on = models.DateField("要约日期")
    reply_due = models.DateField("答复期限")
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply = models.CharField("答复", max_length=10, choices=OfferReply.choices, blank=True)
    reply_note = models.CharField("答复内容", max_length=500, blank=True)
    outcome = models.CharField(
        "结果", max_length=10, choices=OfferOutcome.choices, default=OfferOutcome.OPEN
    )
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    outcome_note = models.CharField("结果说明", max_length=300, blank=True)
    contract = models.ForeignKey(
        "rights.CollectiveContract",
        verbose_name="签订的合同",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "协商要约"
        verbose_name_plural = "协商要约"
        ordering = ["-sent_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="offer_anchor_id"),
            models.Index(fields=["org", "id"], name="offer_org_id"),
            models.Index(fields=["enterprise", "sent_on"], name="offer_enterprise"),
            models.Index(fields=["season", "enterprise"], name="offer_season_enterprise"),
            models.Index(
                fields=["reply_due"],
                condition=Q(replied_on__isnull=True, outcome="open"),
                name="offer_awaiting_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}({self.sent_on:%Y-%m-%d})"

    def reply_overdue_on(self, day) -> bool:
        return (
            self.replied_on is None and self.outcome == OfferOutcome.OPEN and self.reply_due < day
        )


class BargainingTalk(models.Model):
    """One round of talks (协商会议): representatives 3–10 per side, minutes."""

    offer = models.ForeignKey(BargainingOffer, on_delete=models.CASCADE, related_name="talks")
    round = models.PositiveSmallIntegerField("轮次")
    held_on = models.DateField("协商日期")
    union_reps = models.PositiveSmallIntegerField("职工方代表人数")
    employer_reps = models.PositiveSmallIntegerField("企业方代表人数")
    representatives = models.CharField("双方代表", max_length=500, blank=True)
    minutes = models.TextField("协商纪要")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "协商会议"
        verbose_name_plural = "协商会议"
        ordering = ["round"]
        constraints = [models.UniqueConstraint(fields=["offer", "round"], name="talk_round")]

    def __str__(self) -> str:
        return f"第 {self.round} 轮协商"


class SeasonTarget(OrgOwned):
    """An employer on a season's target list; `org` is the employer's covering union, so the
    township works its own part of the list. The offer sent to it is linked once sent."""

    season = models.ForeignKey(OfferSeason, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("列入原因", max_length=12, choices=TargetReason.choices)
    contract_end_on = models.DateField("现合同届满", null=True, blank=True)
    offer = models.ForeignKey(
        BargainingOffer,
        verbose_name="要约",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "要约对象"
        verbose_name_plural = "要约对象"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["season", "org_anchor"], name="target_season_anchor"),
            models.Index(fields=["org_anchor", "id"], name="target_anchor_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["season", "enterprise"], name="target_unique")
        ]

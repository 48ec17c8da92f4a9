"""The honours ledger: every honour a person, a team or an employer holds, each linked to
the record it came from (a contest award, a nomination, a 优秀班组 selection, a 五小 award)
or recorded from outside (an upper-level 劳模, 奖章, 工匠 title)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned
from gonghui.workforce.choices import ContestLevel

__all__ = ["Honour", "HonourKind"]


class HonourKind(models.TextChoices):
    TITLE = "title", "竞赛称号"
    GRADE = "grade", "技能等级晋升"
    PIONEER = "pioneer", "工人先锋号"
    MEDAL = "medal", "五一劳动奖章"
    MODEL_WORKER = "model_worker", "劳动模范(先进工作者)"
    CRAFTSMAN = "craftsman", "工匠"
    EXCELLENT_TEAM = "excellent_team", "优秀班组"
    INNOVATION = "innovation", "五小成果奖"
    OTHER = "other", "其他荣誉"


# Kinds staff may record by hand (honours conferred elsewhere); the others come from records.
RECORDED_KINDS = (
    HonourKind.MEDAL,
    HonourKind.MODEL_WORKER,
    HonourKind.CRAFTSMAN,
    HonourKind.PIONEER,
    HonourKind.TITLE,
    HonourKind.OTHER,
)


class Honour(OrgOwned):
    """One honour. `org`: the union of its holder (scope follows it). Exactly one source
    link is set unless the honour was recorded by hand (`recorded_by`)."""

    kind = models.CharField("类别", max_length=16, choices=HonourKind.choices)
    name = models.CharField("荣誉名称", max_length=200)
    level = models.CharField("级别", max_length=12, choices=ContestLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    awarded_on = models.DateField("授予日期")
    issuer = models.CharField("授予单位", max_length=150, blank=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="个人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "workforce.Team",
        verbose_name="班组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.ForeignKey(
        "workforce.Title",
        verbose_name="称号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trade = models.ForeignKey(
        "workforce.Trade",
        verbose_name="工种",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade_steps = models.PositiveSmallIntegerField("技能等级晋升(级)", default=0)
    # Source links (a ledger line links to its record).
    award = models.OneToOneField(
        "workforce.Award", null=True, blank=True, on_delete=models.CASCADE, related_name="honour"
    )
    nomination = models.OneToOneField(
        "workforce.Nomination",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honour",
    )
    excellent_team = models.OneToOneField(
        "workforce.ExcellentTeam",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honour",
    )
    innovation = models.OneToOneField(
        "workforce.SmallInnovation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honour",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    revoked = models.BooleanField("已撤销", default=False)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        ordering = ["-awarded_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="honour_anchor_id"),
            models.Index(fields=["org", "id"], name="honour_org_id"),
            models.Index(fields=["member", "awarded_on"], name="honour_member"),
            models.Index(fields=["team", "awarded_on"], name="honour_team"),
            models.Index(fields=["enterprise", "awarded_on"], name="honour_enterprise"),
            models.Index(fields=["title", "trade"], name="honour_title_trade"),
            models.Index(fields=["kind", "year"], name="honour_kind_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False)
                | Q(team__isnull=False)
                | Q(enterprise__isnull=False),
                name="honour_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def holder_name(self) -> str:
        if self.member_id:
            return self.member.name
        if self.team_id:
            return self.team.name
        return self.enterprise.name if self.enterprise_id else ""

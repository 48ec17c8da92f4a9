"""名师带徒: agreements between a master and an apprentice, checkpoints, the completion
appraisal (出师考评), the allowance by result and the master's reward when the apprentice
places in a contest or gains a grade within N years (once per apprentice)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned

__all__ = [
    "Ceremony",
    "Checkpoint",
    "MentorReward",
    "Mentorship",
    "MentorshipPolicy",
    "MentorshipStatus",
    "RewardTrigger",
]


class MentorshipPolicy(OrgOwned):
    """A county's allowance and reward rule (org: the county; one row per county).

    Allowance: `monthly_allowance` × the agreement's months × the share of the completion
    result. Reward: `reward_amount` to the master, once per apprentice, when the apprentice
    ranks within `placing_rank` in a published contest, or is awarded a grade promotion,
    within `reward_years` of signing.
    """

    monthly_allowance = models.DecimalField(
        "带徒津贴(元/月)", max_digits=8, decimal_places=2, default=Decimal("300")
    )
    excellent_share = models.PositiveSmallIntegerField("优秀发放比例(%)", default=100)
    pass_share = models.PositiveSmallIntegerField("合格发放比例(%)", default=50)
    fail_share = models.PositiveSmallIntegerField("不合格发放比例(%)", default=0)
    reward_years = models.PositiveSmallIntegerField("奖励期限(年)", default=3)
    reward_amount = models.DecimalField(
        "师傅奖励(元)", max_digits=10, decimal_places=2, default=Decimal("2000")
    )
    placing_rank = models.PositiveSmallIntegerField("竞赛名次不低于", default=3)

    class Meta:
        verbose_name = "带徒津贴与奖励规则"
        verbose_name_plural = "带徒津贴与奖励规则"
        constraints = [
            models.UniqueConstraint(fields=["org"], name="mentorshippolicy_one_per_county"),
            models.CheckConstraint(
                condition=Q(excellent_share__lte=100)
                & Q(pass_share__lte=100)
                & Q(fail_share__lte=100),
                name="mentorshippolicy_shares",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}"


class Ceremony(OrgOwned):
    """A 拜师仪式 and the pairs it formed (Mentorship.ceremony)."""

    name = models.CharField("仪式名称", max_length=150)
    held_on = models.DateField("举行日期")
    place = models.CharField("地点", max_length=150, blank=True)

    class Meta:
        verbose_name = "拜师仪式"
        verbose_name_plural = "拜师仪式"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", "带徒中"
    COMPLETED = "completed", "已出师考评"
    TERMINATED = "terminated", "已终止"


class Mentorship(OrgOwned):
    """One agreement (协议书). `org`: the union of the apprentice."""

    master = models.ForeignKey(
        "members.Member", verbose_name="师傅", on_delete=models.PROTECT, related_name="+"
    )
    apprentice = models.ForeignKey(
        "members.Member", verbose_name="徒弟", on_delete=models.PROTECT, related_name="+"
    )
    trade = models.ForeignKey(
        "workforce.Trade", verbose_name="工种", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The county whose allowance and reward rule applies (the county of `org`); set by the
    # services.
    county = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    ceremony = models.ForeignKey(
        Ceremony,
        verbose_name="拜师仪式",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairs",
    )
    signed_on = models.DateField("签订日期")
    starts_on = models.DateField("带徒开始")
    ends_on = models.DateField("带徒结束")
    goals = models.TextField("带徒目标")
    plan = models.TextField("培养计划", blank=True)
    # The last day a placing or a grade earns the master the reward (signed_on + N years
    # of the county's rule when signed: a later change of the rule does not move it).
    reward_until = models.DateField("奖励截止", editable=False)
    status = models.CharField(
        "状态", max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    result = models.CharField("出师考评", max_length=10, blank=True)
    appraised_on = models.DateField("考评日期", null=True, blank=True)
    appraisal_note = models.CharField("考评意见", max_length=300, blank=True)
    allowance_total = models.DecimalField(
        "带徒津贴(元)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    allowance_basis = models.CharField("津贴计算", max_length=200, blank=True)
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    terminate_reason = models.CharField("终止原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "名师带徒"
        verbose_name_plural = "名师带徒"
        ordering = ["-signed_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="mentorship_anchor_id"),
            models.Index(fields=["org", "id"], name="mentorship_org_id"),
            models.Index(fields=["apprentice", "status"], name="mentorship_apprentice"),
            models.Index(fields=["master"], name="mentorship_master"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(master=models.F("apprentice")), name="mentorship_not_self"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="mentorship_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.master_id}→{self.apprentice_id}"


class Checkpoint(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkpoints")
    title = models.CharField("考核节点", max_length=100)
    due_on = models.DateField("计划日期")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("情况", max_length=200, blank=True)

    class Meta:
        verbose_name = "带徒考核节点"
        verbose_name_plural = "带徒考核节点"
        ordering = ["mentorship_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class RewardTrigger(models.TextChoices):
    PLACING = "placing", "竞赛获得名次"
    GRADE = "grade", "技能等级晋升"


class MentorReward(models.Model):
    """The master's reward for an apprentice's first placing or grade within the window.
    Computed set-based with the ranks (competitions/ranking.py); one per apprentice."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="rewards")
    apprentice = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    entry = models.ForeignKey(
        "workforce.Entry", verbose_name="竞赛成绩", on_delete=models.CASCADE, related_name="+"
    )
    trigger = models.CharField("原因", max_length=8, choices=RewardTrigger.choices)
    amount = models.DecimalField("奖励(元)", max_digits=10, decimal_places=2)
    achieved_on = models.DateField("取得日期")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "师傅奖励"
        verbose_name_plural = "师傅奖励"
        ordering = ["-achieved_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["apprentice"], name="mentorreward_once_per_apprentice"),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship_id}: {self.amount}"

"""Competitions (劳动竞赛, 职业技能竞赛, 岗位练兵, 知识竞赛, 重点工程劳动竞赛): entrants, scores per
round, ranks, titles and grade promotions by configurable rules (DESIGN §4 "Workforce")."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonghui.orgs.models import OrgOwned
from gonghui.workforce.choices import Channel, ContestLevel

__all__ = [
    "Award",
    "AwardSource",
    "Competition",
    "CompetitionKind",
    "CompetitionStatus",
    "ContestClass",
    "Entry",
    "EntryStatus",
    "MissingRound",
    "ProjectDimension",
    "ProjectParticipant",
    "ProjectScore",
    "Quota",
    "RoundRule",
    "Score",
    "Title",
    "TitleRule",
    "Trade",
]


class CompetitionKind(models.TextChoices):
    LABOUR = "labour", "劳动竞赛"
    SKILLS = "skills", "职业技能竞赛"
    DRILL = "drill", "岗位练兵"
    KNOWLEDGE = "knowledge", "知识竞赛"
    PROJECT = "project", "重点工程劳动竞赛"


# Kinds whose entrants are people with scores and ranks (a project competition's
# participants are units with periodic scores).
PERSONAL_KINDS = (
    CompetitionKind.LABOUR,
    CompetitionKind.SKILLS,
    CompetitionKind.DRILL,
    CompetitionKind.KNOWLEDGE,
)


class ContestClass(models.TextChoices):
    """The class of a skills contest (一类/二类大赛 and their local equivalents)."""

    FIRST = "first", "一类竞赛"
    SECOND = "second", "二类竞赛"
    OTHER = "other", "其他"


class CompetitionStatus(models.TextChoices):
    PLAN = "plan", "计划"
    APPROVED = "approved", "已立项"
    RUNNING = "running", "进行中"
    SUMMARY = "summary", "成绩已公布"
    COMMENDED = "commended", "已表彰"
    CANCELLED = "cancelled", "已撤销"


# Results of these competitions count (honours, mentor rewards); a commended one is frozen.
PUBLISHED_STATUSES = (CompetitionStatus.SUMMARY, CompetitionStatus.COMMENDED)
# Held: under way or done (what the plans count).
HELD_STATUSES = (
    CompetitionStatus.RUNNING,
    CompetitionStatus.SUMMARY,
    CompetitionStatus.COMMENDED,
)


class RoundRule(models.TextChoices):
    SUM = "sum", "各轮成绩相加"
    LAST = "last", "以最后一轮(决赛)成绩排名"


class MissingRound(models.TextChoices):
    EXCLUDE = "exclude", "缺少任一轮成绩的不参与排名"
    ZERO = "zero", "缺少的轮次按 0 分计"


class Trade(models.Model):
    """A trade (工种) contests are held in; one list for the installation."""

    name = models.CharField("工种", max_length=50, unique=True)
    category = models.CharField("类别", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "工种"
        verbose_name_plural = "工种"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Title(models.Model):
    """A title a contest may confer (技术能手, 技术标兵, 岗位能手, 全国技术能手 …)."""

    name = models.CharField("称号", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "称号"
        verbose_name_plural = "称号"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class TitleRule(OrgOwned):
    """A county's rule: a contest of this level (and class, and kind) ranking an entrant
    within [rank_from, rank_to] confers `title` and/or `grade_steps` skill grades.

    `org` is the county federation whose contests the rule applies to. Blank class or kind
    means any. Set by the county's admins (data, never code).
    """

    level = models.CharField("竞赛级别", max_length=12, choices=ContestLevel.choices)
    contest_class = models.CharField(
        "竞赛类别", max_length=8, choices=ContestClass.choices, blank=True
    )
    kind = models.CharField("竞赛类型", max_length=12, choices=CompetitionKind.choices, blank=True)
    rank_from = models.PositiveSmallIntegerField("名次自", default=1)
    rank_to = models.PositiveSmallIntegerField("名次至")
    title = models.ForeignKey(
        Title,
        verbose_name="称号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade_steps = models.PositiveSmallIntegerField("技能等级晋升(级)", default=0)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "称号与晋级规则"
        verbose_name_plural = "称号与晋级规则"
        ordering = ["org_id", "level", "rank_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rank_from__gte=1) & Q(rank_to__gte=models.F("rank_from")),
                name="titlerule_rank_range",
            ),
            models.CheckConstraint(
                condition=Q(title__isnull=False) | Q(grade_steps__gt=0),
                name="titlerule_confers_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} 第 {self.rank_from}–{self.rank_to} 名"


class Competition(OrgOwned):
    """A competition. `org` is the organising union (for an upper-level contest: the union
    recording our workers' part in it; `organiser_name` names the real organiser)."""

    code = models.CharField("竞赛编号", max_length=20, unique=True, editable=False)
    name = models.CharField("竞赛名称", max_length=150)
    kind = models.CharField("竞赛类型", max_length=12, choices=CompetitionKind.choices)
    level = models.CharField("竞赛级别", max_length=12, choices=ContestLevel.choices)
    contest_class = models.CharField(
        "竞赛类别", max_length=8, choices=ContestClass.choices, default=ContestClass.OTHER
    )
    theme = models.CharField("主题", max_length=100, blank=True)
    organiser_name = models.CharField("主办单位", max_length=150, blank=True)
    # The county whose title rules apply (the county of `org`); set by the services.
    county = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    year = models.PositiveSmallIntegerField("年度", editable=False)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    registration_from = models.DateField("报名开始", null=True, blank=True)
    registration_until = models.DateField("报名截止", null=True, blank=True)
    portal_open = models.BooleanField("职工可在手机上报名", default=False)
    trades = models.ManyToManyField(Trade, verbose_name="工种", related_name="competitions")
    titles = models.ManyToManyField(
        Title, verbose_name="可授予的称号", blank=True, related_name="competitions"
    )
    theory_weight = models.PositiveSmallIntegerField("理论成绩权重(%)", default=100)
    practical_weight = models.PositiveSmallIntegerField("实操成绩权重(%)", default=0)
    rounds = models.PositiveSmallIntegerField("轮次", default=1)
    round_rule = models.CharField(
        "多轮成绩", max_length=8, choices=RoundRule.choices, default=RoundRule.SUM
    )
    missing_round = models.CharField(
        "缺赛处理", max_length=8, choices=MissingRound.choices, default=MissingRound.EXCLUDE
    )
    score_max = models.DecimalField(
        "单项满分", max_digits=6, decimal_places=2, default=Decimal("100")
    )
    description = models.TextField("竞赛方案摘要", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=CompetitionStatus.choices, default=CompetitionStatus.PLAN
    )
    approved_at = models.DateTimeField("立项时间", null=True, blank=True)
    published_at = models.DateTimeField("成绩公布时间", null=True, blank=True)
    commended_at = models.DateTimeField("表彰时间", null=True, blank=True)
    status_note = models.CharField("状态说明", max_length=200, blank=True)
    results_computed_at = models.DateTimeField("名次计算时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "竞赛"
        verbose_name_plural = "竞赛"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="competition_anchor_id"),
            models.Index(fields=["org", "id"], name="competition_org_id"),
            models.Index(fields=["status", "year"], name="competition_status_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(theory_weight__lte=100)
                & Q(practical_weight__lte=100)
                & Q(rounds__gte=1),
                name="competition_weights_rounds",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_personal(self) -> bool:
        return self.kind in PERSONAL_KINDS

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES

    @property
    def uses_practical(self) -> bool:
        return self.practical_weight > 0

    @property
    def uses_theory(self) -> bool:
        return self.theory_weight > 0

    def registration_open_on(self, day) -> bool:
        """Whether registration is open on `day` (status and window)."""
        if self.status not in (CompetitionStatus.APPROVED, CompetitionStatus.RUNNING):
            return False
        if self.registration_from is None or self.registration_until is None:
            return False
        return self.registration_from <= day <= self.registration_until


class Quota(models.Model):
    """The places a unit (an org and its subtree) may fill in a competition, in one trade
    or (trade empty) in all trades together. Entrants over it go on the waiting list."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="quotas")
    org = models.ForeignKey(
        "orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    trade = models.ForeignKey(
        Trade, verbose_name="工种", null=True, blank=True, on_delete=models.PROTECT
    )
    places = models.PositiveIntegerField("名额")

    class Meta:
        verbose_name = "报名名额"
        verbose_name_plural = "报名名额"
        ordering = ["competition_id", "org_id", "trade_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "org", "trade"], name="quota_unique_trade"
            ),
            models.UniqueConstraint(
                fields=["competition", "org"],
                condition=Q(trade__isnull=True),
                name="quota_unique_all_trades",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}: {self.places}"


class EntryStatus(models.TextChoices):
    REGISTERED = "registered", "已报名"
    WAITING = "waiting", "候补"
    WITHDRAWN = "withdrawn", "已退出"


class Entry(OrgOwned):
    """One member entered in one trade of a competition. `org` is the member's union (the
    unit whose quota the entry uses and whose staff see it).

    `total`, `rank` and `rounds_scored` are computed, set-based, by
    competitions/ranking.py; never written anywhere else.
    """

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="entries")
    trade = models.ForeignKey(Trade, verbose_name="工种", on_delete=models.PROTECT)
    member = models.ForeignKey(
        "members.Member", verbose_name="参赛人", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("报名方式", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "状态", max_length=12, choices=EntryStatus.choices, default=EntryStatus.REGISTERED
    )
    registered_at = models.DateTimeField("报名时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("退出时间", null=True, blank=True)
    withdraw_reason = models.CharField("退出原因", max_length=200, blank=True)
    total = models.DecimalField("总成绩", max_digits=9, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    rounds_scored = models.PositiveSmallIntegerField("有成绩的轮次", default=0)

    class Meta:
        verbose_name = "参赛报名"
        verbose_name_plural = "参赛报名"
        ordering = ["competition_id", "trade_id", "id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="wfentry_anchor_id"),
            models.Index(fields=["org", "id"], name="entry_org_id"),
            models.Index(fields=["competition", "trade", "status"], name="entry_comp_trade"),
            models.Index(fields=["member", "competition"], name="entry_member"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "trade", "member"],
                condition=~Q(status="withdrawn"),
                name="entry_one_per_trade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}/{self.trade_id}/{self.member_id}"


class Score(models.Model):
    """The scores of one entry in one round. A round without a row, or marked absent, is a
    missing round (see Competition.missing_round)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    round = models.PositiveSmallIntegerField("轮次")
    theory = models.DecimalField("理论成绩", max_digits=6, decimal_places=2, null=True, blank=True)
    practical = models.DecimalField(
        "实操成绩", max_digits=6, decimal_places=2, null=True, blank=True
    )
    absent = models.BooleanField("缺赛", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "成绩"
        verbose_name_plural = "成绩"
        ordering = ["entry_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "round"], name="score_one_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} #{self.round}"


class AwardSource(models.TextChoices):
    RULE = "rule", "按规则授予"
    MANUAL = "manual", "人工授予"


class Award(models.Model):
    """A title and/or grade promotion an entry earned. Rule awards are recomputed with the
    ranks (ranking.py) until the competition is commended; manual ones stay."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="awards")
    title = models.ForeignKey(
        Title,
        verbose_name="称号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade_steps = models.PositiveSmallIntegerField("技能等级晋升(级)", default=0)
    source = models.CharField("来源", max_length=8, choices=AwardSource.choices)
    rule = models.ForeignKey(
        TitleRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("授予时间", default=timezone.now)

    class Meta:
        verbose_name = "竞赛奖励"
        verbose_name_plural = "竞赛奖励"
        ordering = ["entry_id", "id"]
        indexes = [models.Index(fields=["entry", "source"], name="award_entry_source")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.title_id} +{self.grade_steps}"


# --- project competitions (重点工程劳动竞赛) ---------------------------------------------


class ProjectDimension(models.TextChoices):
    PROGRESS = "progress", "比进度"
    QUALITY = "quality", "比质量"
    SAFETY = "safety", "比安全"
    TECHNOLOGY = "technology", "比技术"
    BENEFIT = "benefit", "比效益"
    QUALITY_PROJECT = "quality_project", "创优质工程"
    SAFE_SITE = "safe_site", "创安全工地"
    CIVIL_SITE = "civil_site", "创文明工地"


class ProjectParticipant(OrgOwned):
    """A unit taking part in a project competition (org: the union covering the unit)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="participants"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="参赛单位", on_delete=models.PROTECT, related_name="+"
    )
    section = models.CharField("标段/项目部", max_length=100, blank=True)

    class Meta:
        verbose_name = "参赛单位"
        verbose_name_plural = "参赛单位"
        ordering = ["competition_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "enterprise", "section"], name="participant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}/{self.enterprise_id}"


class ProjectScore(models.Model):
    """A participant's score in one dimension for one period (the month it starts)."""

    participant = models.ForeignKey(
        ProjectParticipant, on_delete=models.CASCADE, related_name="scores"
    )
    period = models.DateField("考评期")
    dimension = models.CharField("考评项目", max_length=16, choices=ProjectDimension.choices)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "考评得分"
        verbose_name_plural = "考评得分"
        ordering = ["participant_id", "period", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "period", "dimension"], name="projectscore_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.period} {self.dimension}"

"""Teams, 工人先锋号 and other honours nominations (nomination → review → 公示 → approval →
摘牌), barred-year rules and the employer incidents they read, 优秀班组 and team trainings."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned
from gonghui.workforce.choices import ContestLevel

__all__ = [
    "BarRule",
    "EmployerIncident",
    "ExcellentTeam",
    "ExcellentTeamStatus",
    "IncidentKind",
    "Nomination",
    "NominationKind",
    "NominationObjection",
    "NominationStatus",
    "ObjectionOutcome",
    "Team",
    "TeamKind",
    "TeamTraining",
]


class TeamKind(models.TextChoices):
    CREW = "crew", "班组"
    OFFICE = "office", "科室"
    WINDOW = "window", "窗口"
    PROJECT = "project", "项目部"


class Team(OrgOwned):
    """A team of an employer (org: the union covering it)."""

    name = models.CharField("班组名称", max_length=100)
    kind = models.CharField("类型", max_length=8, choices=TeamKind.choices)
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    leader_name = models.CharField("负责人", max_length=50, blank=True)
    headcount = models.PositiveIntegerField("人数", default=0)
    is_active = models.BooleanField("存续", default=True)

    class Meta:
        verbose_name = "班组"
        verbose_name_plural = "班组"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="team_anchor_id"),
            models.Index(fields=["org", "id"], name="team_org_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class NominationKind(models.TextChoices):
    PIONEER = "pioneer", "工人先锋号"
    MEDAL = "medal", "五一劳动奖章"
    MODEL_WORKER = "model_worker", "劳动模范(先进工作者)"
    CRAFTSMAN = "craftsman", "工匠"


# Honours conferred on a team; the others on a person.
TEAM_KINDS = (NominationKind.PIONEER,)


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", "已推荐"
    REVIEWED = "reviewed", "已审核"
    NOTICE = "notice", "公示中"
    APPROVED = "approved", "已命名"
    REJECTED = "rejected", "未通过"
    REVOKED = "revoked", "已摘牌"


class Nomination(OrgOwned):
    """A nomination for an honour. `org` is the nominating (grassroots) union."""

    kind = models.CharField("荣誉", max_length=14, choices=NominationKind.choices)
    level = models.CharField("级别", max_length=12, choices=ContestLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    team = models.ForeignKey(
        Team, verbose_name="班组", null=True, blank=True, on_delete=models.PROTECT
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="个人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    deeds = models.TextField("主要事迹")
    workers_heard_on = models.DateField("听取职工意见日期")
    workers_heard_note = models.CharField("听取意见方式", max_length=200)
    nominated_on = models.DateField("推荐日期")
    status = models.CharField(
        "状态", max_length=10, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    notice_from = models.DateField("公示开始", null=True, blank=True)
    notice_until = models.DateField("公示截止", null=True, blank=True)
    approved_on = models.DateField("命名日期", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the pre-checks said when it was approved (a snapshot: the records change later).
    prechecks = models.JSONField("审批时核查结果", default=list, blank=True)
    rejected_reason = models.CharField("未通过原因", max_length=200, blank=True)
    revoked_on = models.DateField("摘牌日期", null=True, blank=True)
    revoke_reason = models.CharField("摘牌原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "荣誉推荐"
        verbose_name_plural = "荣誉推荐"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="nomination_anchor_id"),
            models.Index(fields=["org", "id"], name="nomination_org_id"),
            models.Index(fields=["status", "year"], name="nomination_status_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False, member__isnull=True)
                | Q(team__isnull=True, member__isnull=False),
                name="nomination_team_or_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def nominee_name(self) -> str:
        return self.team.name if self.team_id else self.member.name


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", "待核实"
    UPHELD = "upheld", "反映属实"
    DISMISSED = "dismissed", "反映不属实"


class NominationObjection(models.Model):
    """An objection received during the public notice, and what checking it found."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.TextField("反映内容")
    outcome = models.CharField(
        "核实结果",
        max_length=10,
        choices=ObjectionOutcome.choices,
        default=ObjectionOutcome.PENDING,
    )
    outcome_note = models.CharField("核实说明", max_length=300, blank=True)
    resolved_at = models.DateTimeField("核实时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["nomination_id", "id"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.get_outcome_display()}"


class IncidentKind(models.TextChoices):
    SAFETY_ACCIDENT = "safety_accident", "较大及以上生产安全事故"
    MASS_INCIDENT = "mass_incident", "群体性事件"
    SOCIAL_INSURANCE = "social_insurance", "欠缴社会保险费"
    NO_CONGRESS = "no_congress", "未召开职工代表大会"
    OTHER = "other", "其他严重违法违规"


class EmployerIncident(OrgOwned):
    """Something recorded against an employer that bars its teams and people for a while
    (BarRule). `org`: the union covering the employer."""

    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("事项", max_length=20, choices=IncidentKind.choices)
    occurred_on = models.DateField("发生日期")
    description = models.CharField("情况说明", max_length=300)

    class Meta:
        verbose_name = "用人单位不良记录"
        verbose_name_plural = "用人单位不良记录"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "kind"], name="incident_enterprise_kind")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.get_kind_display()}"


class BarRule(OrgOwned):
    """A county's barred-year rule: an incident of `kind` bars the employer's nominees for
    `years` years from the day it occurred. `org`: the county federation."""

    kind = models.CharField("事项", max_length=20, choices=IncidentKind.choices)
    years = models.PositiveSmallIntegerField("限制年限")
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "一票否决规则"
        verbose_name_plural = "一票否决规则"
        ordering = ["org_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["org", "kind"], name="barrule_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.years} 年"


class ExcellentTeamStatus(models.TextChoices):
    CANDIDATE = "candidate", "候选"
    SELECTED = "selected", "已评选"
    NOT_SELECTED = "not_selected", "未评上"


class ExcellentTeam(OrgOwned):
    """A team put forward in a year's 优秀班组 selection (org: the union putting it forward)."""

    team = models.ForeignKey(Team, verbose_name="班组", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField(
        "级别", max_length=12, choices=ContestLevel.choices, default=ContestLevel.COUNTY
    )
    reason = models.CharField("推荐理由", max_length=300, blank=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=ExcellentTeamStatus.choices,
        default=ExcellentTeamStatus.CANDIDATE,
    )
    selected_on = models.DateField("评选日期", null=True, blank=True)

    class Meta:
        verbose_name = "优秀班组"
        verbose_name_plural = "优秀班组"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="excellentteam_anchor_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "level"], name="excellentteam_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.year}"


class TeamTraining(OrgOwned):
    """A team-training session (班组培训). `org`: the union that ran or recorded it."""

    team = models.ForeignKey(
        Team, verbose_name="班组", null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField("培训日期")
    topic = models.CharField("培训主题", max_length=150)
    trainer = models.CharField("授课人", max_length=50)
    attendees = models.PositiveIntegerField("参训人数")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=2)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "班组培训"
        verbose_name_plural = "班组培训"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="teamtraining_anchor_id")]

    def __str__(self) -> str:
        return self.topic

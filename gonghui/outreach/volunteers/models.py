"""Volunteer teams (志愿服务队伍, 新时代文明实践站 projects): teams, their volunteers (members of the
union), projects, and service records with hours per volunteer (服务时长)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from gonghui.orgs.models import OrgOwned

__all__ = [
    "ServiceHours",
    "TeamKind",
    "TeamStatus",
    "Volunteer",
    "VolunteerProject",
    "VolunteerRole",
    "VolunteerTeam",
]


class TeamKind(models.TextChoices):
    TEAM = "team", "职工志愿服务队"
    PRACTICE_STATION = "practice_station", "新时代文明实践站"


class TeamStatus(models.TextChoices):
    ACTIVE = "active", "活跃"
    DISSOLVED = "dissolved", "已解散"


class VolunteerTeam(OrgOwned):
    name = models.CharField("队伍名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=TeamKind.choices)
    leader_name = models.CharField("负责人", max_length=50, blank=True)
    description = models.TextField("服务内容", blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=TeamStatus.choices, default=TeamStatus.ACTIVE
    )

    class Meta:
        verbose_name = "志愿服务队"
        verbose_name_plural = "志愿服务队"
        ordering = ["-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="vteam_anchor_id")]

    def __str__(self) -> str:
        return self.name


class VolunteerRole(models.TextChoices):
    LEADER = "leader", "队长"
    MEMBER = "member", "队员"


class Volunteer(OrgOwned):
    """A member in a team (`org` = the team's org)."""

    team = models.ForeignKey(VolunteerTeam, on_delete=models.PROTECT, related_name="volunteers")
    member = models.ForeignKey(
        "members.Member", verbose_name="会员", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        "角色", max_length=10, choices=VolunteerRole.choices, default=VolunteerRole.MEMBER
    )
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    hours_total = models.DecimalField(
        "累计服务时长(小时)", max_digits=8, decimal_places=1, default=Decimal(0), editable=False
    )

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["team", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "member"], name="volunteer_once_per_team"),
        ]

    def __str__(self) -> str:
        return str(self.member_id)


class VolunteerProject(OrgOwned):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField("项目名称", max_length=100)
    description = models.TextField("项目内容", blank=True)
    place = models.CharField("服务地点", max_length=150, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "志愿服务项目"
        verbose_name_plural = "志愿服务项目"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ServiceHours(OrgOwned):
    """One service record: a volunteer served `hours` on a day (for a project or not)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    project = models.ForeignKey(
        VolunteerProject,
        verbose_name="服务项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    served_on = models.DateField("服务日期")
    hours = models.DecimalField(
        "服务时长(小时)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    note = models.CharField("服务内容", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "服务时长记录"
        verbose_name_plural = "服务时长记录"
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "served_on"], name="hours_anchor_served"),
            models.Index(fields=["volunteer", "served_on"], name="hours_volunteer_served"),
        ]

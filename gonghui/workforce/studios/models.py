"""Innovation studios (劳模/工匠/职工创新工作室): lead, members, logged activity and outcomes,
the county's standards checklist and the yearly appraisal computed from what was logged."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned

__all__ = [
    "InnovationStudio",
    "OutcomeKind",
    "StandardBasis",
    "StandardItem",
    "StudioAppraisal",
    "StudioKind",
    "StudioLevel",
    "StudioMember",
    "StudioOutcome",
    "StudioReport",
    "StudioRole",
    "StudioStatus",
]


class StudioKind(models.TextChoices):
    MODEL_WORKER = "model_worker", "劳模创新工作室"
    CRAFTSMAN = "craftsman", "工匠创新工作室"
    STAFF = "staff", "职工创新工作室"


class StudioLevel(models.TextChoices):
    NONE = "none", "未命名"
    ENTERPRISE = "enterprise", "企业级"
    COUNTY = "county", "县级示范性"
    CITY = "city", "市级示范性"
    PROVINCE = "province", "省级示范性"
    NATIONAL = "national", "全国示范性"


class StudioStatus(models.TextChoices):
    APPLYING = "applying", "申报中"
    NAMED = "named", "已命名"
    REVOKED = "revoked", "已撤销"


class InnovationStudio(OrgOwned):
    """A studio (org: the union covering the host employer)."""

    name = models.CharField("工作室名称", max_length=150)
    kind = models.CharField("类型", max_length=14, choices=StudioKind.choices)
    lead = models.ForeignKey(
        "members.Member", verbose_name="领衔人", on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(
        "orgs.Enterprise", verbose_name="依托单位", on_delete=models.PROTECT, related_name="+"
    )
    site = models.CharField("场所", max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField("面积(平方米)", default=0)
    equipment = models.TextField("设备设施", blank=True)
    topics = models.TextField("攻关方向", blank=True)
    funds = models.DecimalField("年度经费(元)", max_digits=12, decimal_places=2, default=0)
    level = models.CharField(
        "命名级别", max_length=12, choices=StudioLevel.choices, default=StudioLevel.NONE
    )
    status = models.CharField(
        "状态", max_length=10, choices=StudioStatus.choices, default=StudioStatus.APPLYING
    )
    founded_on = models.DateField("成立日期")
    named_on = models.DateField("命名日期", null=True, blank=True)
    status_note = models.CharField("状态说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "创新工作室"
        verbose_name_plural = "创新工作室"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="studio_anchor_id"),
            models.Index(fields=["org", "id"], name="studio_org_id"),
            models.Index(fields=["lead"], name="studio_lead"),
        ]

    def __str__(self) -> str:
        return self.name


class StudioRole(models.TextChoices):
    LEAD = "lead", "领衔人"
    CORE = "core", "核心成员"
    MEMBER = "member", "成员"


class StudioMember(models.Model):
    studio = models.ForeignKey(InnovationStudio, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(
        "members.Member", verbose_name="成员", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=8, choices=StudioRole.choices)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "工作室成员"
        verbose_name_plural = "工作室成员"
        ordering = ["studio_id", "role", "id"]
        indexes = [models.Index(fields=["member"], name="studiomember_member")]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "member"],
                condition=Q(left_on__isnull=True),
                name="studiomember_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id}/{self.member_id}"


class StudioReport(models.Model):
    """A quarterly activity report (季度活动报告)."""

    studio = models.ForeignKey(InnovationStudio, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    activities = models.PositiveIntegerField("开展活动(次)")
    participants = models.PositiveIntegerField("参与(人次)", default=0)
    summary = models.TextField("活动情况")
    submitted_on = models.DateField("报送日期")

    class Meta:
        verbose_name = "季度活动报告"
        verbose_name_plural = "季度活动报告"
        ordering = ["studio_id", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "year", "quarter"], name="studioreport_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="studioreport_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.year}Q{self.quarter}"


class OutcomeKind(models.TextChoices):
    INNOVATION = "innovation", "技术革新成果"
    PATENT = "patent", "专利"
    STANDARD = "standard", "工法/标准"
    TRAINED = "trained", "培养技能人才"
    AWARD = "award", "获奖"


class StudioOutcome(models.Model):
    studio = models.ForeignKey(InnovationStudio, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField("类型", max_length=12, choices=OutcomeKind.choices)
    title = models.CharField("名称", max_length=200)
    achieved_on = models.DateField("取得日期")
    quantity = models.PositiveIntegerField("数量", default=1)
    benefit = models.DecimalField("效益(元)", max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = "工作室成果"
        verbose_name_plural = "工作室成果"
        ordering = ["studio_id", "-achieved_on", "-id"]

    def __str__(self) -> str:
        return self.title


class StandardBasis(models.TextChoices):
    """Where an item's score comes from: an appraiser's check or what the studio logged."""

    MANUAL = "manual", "评审打分"
    REPORTS = "reports", "按季度报告报送数"
    OUTCOMES = "outcomes", "按年度成果数"
    MEMBERS = "members", "按在册成员数"
    FUNDS = "funds", "按年度经费"
    SITE = "site", "按场所面积"


class StandardItem(OrgOwned):
    """One item of a county's studio standards (标志, 场所, 设施, 参与, 制度, 经费, 台帐, 成效).

    A logged-basis item scores `max_score` × min(1, logged ÷ target). `org`: the county.
    """

    code = models.CharField("编码", max_length=20)
    name = models.CharField("项目", max_length=30)
    requirement = models.CharField("标准要求", max_length=200, blank=True)
    max_score = models.PositiveSmallIntegerField("分值")
    basis = models.CharField(
        "评分依据", max_length=10, choices=StandardBasis.choices, default=StandardBasis.MANUAL
    )
    target = models.DecimalField("满分所需", max_digits=12, decimal_places=2, default=0)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "工作室标准项"
        verbose_name_plural = "工作室标准项"
        ordering = ["org_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "code"], name="standarditem_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class StudioAppraisal(models.Model):
    """A studio's appraisal for a year: the score of each standard item with its evidence
    (a snapshot: `items` = [{code, name, max, score, basis, evidence: [...]}])."""

    studio = models.ForeignKey(
        InnovationStudio, on_delete=models.CASCADE, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField("年度")
    items = models.JSONField("评分明细", default=list)
    total = models.DecimalField("得分", max_digits=6, decimal_places=2)
    max_total = models.DecimalField("满分", max_digits=6, decimal_places=2)
    result = models.CharField("结果", max_length=10)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appraised_at = models.DateTimeField("评定时间")

    class Meta:
        verbose_name = "工作室年度考评"
        verbose_name_plural = "工作室年度考评"
        ordering = ["studio_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "year"], name="studioappraisal_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id} {self.year}"

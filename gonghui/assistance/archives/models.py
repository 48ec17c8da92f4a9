"""The household hardship archive (困难职工档案) and what hangs off it (DESIGN §4).

One archive per household. The household is identified by the ID numbers of the people in
it: the worker's (`id_number_hash`, unique among every archive that is not rejected, backed
by a partial unique constraint) and those of the household members that were recorded
(`HouseholdMember.id_number_hash`, checked by the services: nobody may be the worker or a
recorded member of two live archives). "Live" means any status but rejected: an exited or
watched household that falls back into hardship is reopened (返困), never archived twice.

Personal data (ID numbers, phones, bank account, health and disability details) is encrypted;
the coarse health/disability/work status stays in clear choices because statistics and
monitoring filter on it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonghui.assistance.choices import (
    ApplicationSource,
    ArchiveStatus,
    AssessmentSource,
    AttachmentKind,
    DisabilityLevel,
    HardshipCategory,
    HardshipCause,
    HealthStatus,
    Housing,
    Relation,
    ReviewKind,
    ReviewOutcome,
    SchoolStage,
    StepAction,
    WorkStatus,
)
from gonghui.core.fields import EncryptedTextField, KeyedHashField
from gonghui.members.models import Gender, HukouType
from gonghui.orgs.models import OrgOwned

__all__ = [
    "ArchiveAssessment",
    "ArchiveAttachment",
    "ArchiveReview",
    "ArchiveStep",
    "HardshipArchive",
    "HouseholdMember",
    "SpotCheckDraw",
]

MONEY = {"max_digits": 12, "decimal_places": 2}


class HardshipArchive(OrgOwned):
    """A household's archive. `org` is the union responsible for the household.

    `category`, `category_explanation` and `category_assessed_on` mirror the latest
    ArchiveAssessment (the full calculation history lives there).
    """

    archive_number = models.CharField("档案编号", max_length=24, blank=True, editable=False)
    source = models.CharField(
        "申请方式", max_length=8, choices=ApplicationSource.choices, default=ApplicationSource.UNION
    )
    # --- the worker ---------------------------------------------------------------------
    name = models.CharField("职工姓名", max_length=50)
    id_number = EncryptedTextField("身份证号")
    id_number_hash = KeyedHashField(source="id_number", byte_order=False)
    id_last4 = models.CharField(max_length=4, editable=False)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = EncryptedTextField("手机号码", blank=True)
    phone_hash = KeyedHashField(source="phone", byte_order=False, blank=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="会员档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hardship_archives",
    )
    employer_name = models.CharField("工作单位", max_length=150, blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    health_status = models.CharField(
        "健康状况", max_length=10, choices=HealthStatus.choices, default=HealthStatus.HEALTHY
    )
    health_detail = EncryptedTextField("健康状况说明", blank=True)
    disability_level = models.CharField(
        "残疾情况", max_length=8, choices=DisabilityLevel.choices, default=DisabilityLevel.NONE
    )
    disability_detail = EncryptedTextField("残疾情况说明", blank=True)
    work_status = models.CharField(
        "就业状况", max_length=12, choices=WorkStatus.choices, default=WorkStatus.EMPLOYED
    )
    housing = models.CharField(
        "住房情况", max_length=10, choices=Housing.choices, default=Housing.OWNED
    )
    hukou_type = models.CharField("户籍类型", max_length=8, choices=HukouType.choices)
    is_migrant_worker = models.BooleanField("农民工", default=False)
    is_single_parent = models.BooleanField("单亲家庭", default=False)
    is_zero_employment = models.BooleanField("零就业家庭", default=False)
    # --- household economy (yuan per year) -----------------------------------------------
    household_size = models.PositiveSmallIntegerField("家庭人口")
    annual_income = models.DecimalField("家庭年可支配收入(元)", **MONEY)
    medical_expense = models.DecimalField("年医疗刚性支出(元)", default=0, **MONEY)
    schooling_expense = models.DecimalField("年教育刚性支出(元)", default=0, **MONEY)
    disability_expense = models.DecimalField("年残疾康复刚性支出(元)", default=0, **MONEY)
    main_cause = models.CharField("主要致困原因", max_length=24, choices=HardshipCause.choices)
    secondary_cause_1 = models.CharField(
        "次要致困原因一", max_length=24, choices=HardshipCause.choices, blank=True
    )
    secondary_cause_2 = models.CharField(
        "次要致困原因二", max_length=24, choices=HardshipCause.choices, blank=True
    )
    secondary_cause_3 = models.CharField(
        "次要致困原因三", max_length=24, choices=HardshipCause.choices, blank=True
    )
    # --- bank account for aid -----------------------------------------------------------
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = EncryptedTextField("银行账号", blank=True)
    bank_account_last4 = models.CharField(max_length=4, blank=True, editable=False)
    # --- computed category (latest assessment) ------------------------------------------
    category = models.CharField(
        "困难类别", max_length=10, choices=HardshipCategory.choices, editable=False
    )
    category_explanation = models.TextField("类别测算说明", editable=False)
    category_assessed_on = models.DateField("类别测算日期", editable=False)
    # --- lifecycle ----------------------------------------------------------------------
    status = models.CharField(
        "状态", max_length=20, choices=ArchiveStatus.choices, default=ArchiveStatus.APPLIED
    )
    applied_on = models.DateField("申请日期")
    approved_on = models.DateField("审批日期", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    archived_on = models.DateField("建档日期", null=True, blank=True)
    last_review_on = models.DateField("最近复核日期", null=True, blank=True)
    next_review_due = models.DateField("下次复核截止", null=True, blank=True)
    exited_on = models.DateField("脱困日期", null=True, blank=True)
    exit_reason = models.CharField("脱困说明", max_length=200, blank=True)
    watch_until = models.DateField("监测截止", null=True, blank=True)
    rejected_reason = models.CharField("未予建档原因", max_length=200, blank=True)
    relapse_count = models.PositiveSmallIntegerField("返困次数", default=0, editable=False)
    last_relapse_on = models.DateField("最近返困日期", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "困难职工档案"
        verbose_name_plural = "困难职工档案"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="archive_anchor_id"),
            models.Index(fields=["org", "id"], name="archive_org_id"),
            models.Index(fields=["id_number_hash"], name="archive_id_hash"),
            models.Index(fields=["id_last4"], name="archive_id_last4"),
            models.Index(fields=["status", "next_review_due"], name="archive_status_review"),
            models.Index(fields=["category", "status"], name="archive_category_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(status=ArchiveStatus.REJECTED),
                name="archive_one_per_worker",
            ),
            models.UniqueConstraint(
                fields=["archive_number"],
                condition=~Q(archive_number=""),
                name="archive_number_unique",
            ),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="archive_size_min"),
            models.CheckConstraint(
                condition=Q(annual_income__gte=0)
                & Q(medical_expense__gte=0)
                & Q(schooling_expense__gte=0)
                & Q(disability_expense__gte=0),
                name="archive_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}家庭困难档案"

    @property
    def secondary_causes(self) -> list[str]:
        return [
            c for c in (self.secondary_cause_1, self.secondary_cause_2, self.secondary_cause_3) if c
        ]

    @property
    def secondary_cause_labels(self) -> list[str]:
        return [HardshipCause(c).label for c in self.secondary_causes]

    @property
    def causes(self) -> list[str]:
        return [self.main_cause, *self.secondary_causes]

    @property
    def essential_expenditure(self):
        """刚性支出: medical + schooling + disability costs in a year."""
        return self.medical_expense + self.schooling_expense + self.disability_expense

    @property
    def is_urban_worker(self) -> bool:
        """The 城镇职工 side of the 城镇/农民工 split (migrant workers are the other)."""
        return not self.is_migrant_worker


class HouseholdMember(models.Model):
    """A person in the worker's household other than the worker."""

    archive = models.ForeignKey(
        HardshipArchive, on_delete=models.CASCADE, related_name="household_members"
    )
    relation = models.CharField("与职工关系", max_length=16, choices=Relation.choices)
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("身份证号", blank=True)
    id_number_hash = KeyedHashField(source="id_number", byte_order=False, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    health_status = models.CharField(
        "健康状况", max_length=10, choices=HealthStatus.choices, default=HealthStatus.HEALTHY
    )
    monthly_income = models.DecimalField("月收入(元)", default=0, **MONEY)
    school_stage = models.CharField(
        "就学阶段", max_length=16, choices=SchoolStage.choices, default=SchoolStage.NONE
    )
    school_or_employer = models.CharField("就读学校或工作单位", max_length=150, blank=True)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["archive", "id"]
        indexes = [
            models.Index(fields=["id_number_hash"], name="household_member_id_hash"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0), name="household_member_income_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.get_relation_display()})"


def attachment_path(instance: "ArchiveAttachment", filename: str) -> str:
    # The stored name never carries the uploaded name (personal data, path tricks).
    return f"assistance/{instance.archive_id}/{instance.stored_name}"


class ArchiveAttachment(models.Model):
    """Evidence, photos and the signed authorisation. Files are served only through a
    scoped view, never from MEDIA_URL."""

    archive = models.ForeignKey(
        HardshipArchive, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("类型", max_length=16, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField(max_length=64, editable=False)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "档案附件"
        verbose_name_plural = "档案附件"
        ordering = ["archive", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


class ArchiveStep(models.Model):
    """The archive's append-only trail: every transition and every edit that matters.

    `on` is the business date of the step (an approval dated as decided); `at` is when it
    was recorded. Services only ever create rows here.
    """

    archive = models.ForeignKey(HardshipArchive, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("事项", max_length=12, choices=StepAction.choices)
    from_status = models.CharField(
        "原状态", max_length=20, choices=ArchiveStatus.choices, blank=True
    )
    to_status = models.CharField("新状态", max_length=20, choices=ArchiveStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="经办时所属组织", on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", default=timezone.now)
    note = models.CharField("说明", max_length=300, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "档案流转记录"
        verbose_name_plural = "档案流转记录"
        ordering = ["archive", "at", "id"]
        indexes = [models.Index(fields=["archive", "at"], name="archive_step_archive_at")]

    def __str__(self) -> str:
        return f"{self.archive_id} {self.get_action_display()}"


class ArchiveAssessment(models.Model):
    """One category calculation with the figures used and the figures in force then.

    This is the household's income history: the exit rule (lifecycle.exit_check) reads it,
    and `category.category_compute` re-run on a row's figures with its standard and
    thresholds reproduces `explanation` exactly.
    """

    archive = models.ForeignKey(
        HardshipArchive, on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField("测算日期")
    source = models.CharField("测算事由", max_length=10, choices=AssessmentSource.choices)
    household_size = models.PositiveSmallIntegerField("家庭人口")
    annual_income = models.DecimalField("家庭年可支配收入(元)", **MONEY)
    medical_expense = models.DecimalField("年医疗刚性支出(元)", **MONEY)
    schooling_expense = models.DecimalField("年教育刚性支出(元)", **MONEY)
    disability_expense = models.DecimalField("年残疾康复刚性支出(元)", **MONEY)
    causes = models.JSONField("致困原因", default=list)
    standard = models.ForeignKey(
        "assistance.LivingAllowanceStandard",
        verbose_name="所用低保标准",
        on_delete=models.PROTECT,
        related_name="+",
    )
    thresholds = models.ForeignKey(
        "assistance.AssistanceThresholds",
        verbose_name="所用标准参数",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空表示当时本县未设置，采用默认参数。",
    )
    per_capita_monthly_net = models.DecimalField("人均月净收入(元)", **MONEY)
    category = models.CharField("困难类别", max_length=10, choices=HardshipCategory.choices)
    meets_entry_test = models.BooleanField("符合建档条件")
    explanation = models.TextField("测算说明")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "困难类别测算"
        verbose_name_plural = "困难类别测算"
        ordering = ["archive", "assessed_on", "id"]
        indexes = [
            models.Index(fields=["archive", "assessed_on"], name="assessment_archive_on"),
        ]

    def __str__(self) -> str:
        return f"{self.archive_id} {self.assessed_on} {self.get_category_display()}"


class SpotCheckDraw(OrgOwned):
    """A recorded random draw of archives for the year's spot checks. `org` is the county.

    Reproducible: shuffling `population` (sorted archive ids) with random.Random(seed) and
    taking the first `len(drawn)` gives `drawn` again (lifecycle.spot_check_sample).
    """

    year = models.PositiveSmallIntegerField("年度")
    share = models.DecimalField("抽查比例", max_digits=4, decimal_places=2)
    seed = models.CharField("随机种子", max_length=64)
    population = models.JSONField("抽样范围(档案编号)", default=list)
    drawn = models.JSONField("抽中档案", default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "抽查抽取记录"
        verbose_name_plural = "抽查抽取记录"
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="spot_draw_one_per_county_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年抽查({len(self.drawn)}/{len(self.population)})"


class ArchiveReview(models.Model):
    """A yearly re-check or a spot check, with the assessment it produced."""

    archive = models.ForeignKey(HardshipArchive, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField("复核类型", max_length=8, choices=ReviewKind.choices)
    reviewed_on = models.DateField("复核日期")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField("复核结论", max_length=16, choices=ReviewOutcome.choices)
    findings = models.TextField("复核情况", blank=True)
    assessment = models.ForeignKey(
        ArchiveAssessment, on_delete=models.PROTECT, related_name="+", verbose_name="测算"
    )
    draw = models.ForeignKey(
        SpotCheckDraw,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name="抽查批次",
    )

    class Meta:
        verbose_name = "档案复核"
        verbose_name_plural = "档案复核"
        ordering = ["archive", "-reviewed_on", "-id"]
        indexes = [models.Index(fields=["archive", "reviewed_on"], name="review_archive_on")]

    def __str__(self) -> str:
        return f"{self.archive_id} {self.get_kind_display()} {self.reviewed_on}"

"""Wage-payment checks (工资支付专项检查): campaigns, a configurable checklist, the employers and
sites checked, findings with amounts owed and photos, and the 一函两书 escalation ladder
(`WageNotice`: 提示函 → 意见书 → 建议书), with each county's settings and letterhead."""

from django.db import models
from django.db.models import Q

from gonghui.orgs.models import OrgOwned
from gonghui.rights.attachments import StoredFile

__all__ = [
    "CheckFocus",
    "CheckItem",
    "CheckItemScope",
    "CheckRecord",
    "FindingPhoto",
    "FindingStatus",
    "NoticeSettings",
    "NoticeStatus",
    "NoticeStep",
    "WageCheck",
    "WageCheckStatus",
    "WageFinding",
    "WageNotice",
]


class CheckFocus(models.TextChoices):
    COURIER = "courier", "快递员"
    RIDE_HAILING = "ride_hailing", "网约车司机"
    DELIVERY = "delivery", "网约送餐员"
    TRUCK = "truck", "货车司机"
    CONSTRUCTION = "construction", "建设工程项目"
    GENERAL = "general", "各类用人单位"


class WageCheckStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class CheckItemScope(models.TextChoices):
    ALL = "all", "所有单位"
    CONSTRUCTION = "construction", "建设工程项目"


class CheckItem(OrgOwned):
    """One line of a county's checklist (*configurable*; `org` is the county)."""

    code = models.CharField("编码", max_length=32)
    name = models.CharField("检查事项", max_length=100)
    scope = models.CharField(
        "适用", max_length=12, choices=CheckItemScope.choices, default=CheckItemScope.ALL
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "检查事项"
        verbose_name_plural = "检查事项"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="check_item_code")]

    def __str__(self) -> str:
        return self.name


class WageCheck(OrgOwned):
    """A campaign (often joint with the human-resources bureau)."""

    name = models.CharField("检查名称", max_length=150)
    year = models.PositiveSmallIntegerField("年度")
    joint_with = models.CharField("联合部门", max_length=100, blank=True)
    focus = models.JSONField("重点对象", default=list, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    status = models.CharField(
        "状态", max_length=8, choices=WageCheckStatus.choices, default=WageCheckStatus.OPEN
    )
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "工资支付检查"
        verbose_name_plural = "工资支付检查"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="wagecheck_anchor_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="wagecheck_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CheckRecord(OrgOwned):
    """An employer or a construction site checked in a campaign: each checklist item's
    answer (`results`: {item code: "ok" | "fail" | "na"})."""

    campaign = models.ForeignKey(
        WageCheck, verbose_name="检查", on_delete=models.CASCADE, related_name="records"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    site_name = models.CharField("工地/项目名称", max_length=150, blank=True)
    checked_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    results = models.JSONField("检查结果", default=dict)
    note = models.CharField("备注", max_length=500, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"
        ordering = ["-checked_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="checkrecord_anchor_id"),
            models.Index(fields=["campaign", "id"], name="checkrecord_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.site_name or '单位检查'} {self.checked_on:%Y-%m-%d}"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RESOLVED = "resolved", "已整改"


class WageFinding(OrgOwned):
    """A problem found at an employer, by a wage check or a labour-law inspection; the
    一函两书 ladder runs from here."""

    record = models.ForeignKey(
        CheckRecord,
        verbose_name="检查记录",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    inspection = models.ForeignKey(
        "rights.Inspection",
        verbose_name="监督检查",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="用人单位", on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField("问题类别", max_length=32, blank=True)
    description = models.TextField("问题描述")
    amount_owed = models.DecimalField("拖欠金额(元)", max_digits=12, decimal_places=2, default=0)
    workers_affected = models.PositiveIntegerField("涉及人数", default=0)
    found_on = models.DateField("发现日期")
    status = models.CharField(
        "状态", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    resolved_on = models.DateField("整改日期", null=True, blank=True)
    amount_recovered = models.DecimalField(
        "追回金额(元)", max_digits=12, decimal_places=2, default=0
    )
    resolution_note = models.CharField("整改情况", max_length=500, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "检查发现的问题"
        verbose_name_plural = "检查发现的问题"
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="finding_anchor_id"),
            models.Index(fields=["org", "id"], name="finding_org_id"),
            models.Index(fields=["enterprise", "status"], name="finding_enterprise"),
            models.Index(fields=["found_on"], name="finding_found_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_owed__gte=0) & Q(amount_recovered__gte=0),
                name="finding_amounts",
            )
        ]

    def __str__(self) -> str:
        return self.description[:40]


class FindingPhoto(StoredFile):
    finding = models.ForeignKey(WageFinding, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = "问题照片"
        ordering = ["id"]


class NoticeStep(models.TextChoices):
    PROMPT = "prompt", "提示函"
    OPINION = "opinion", "意见书"
    RECOMMENDATION = "recommendation", "建议书"


STEP_ORDER = {NoticeStep.PROMPT: 1, NoticeStep.OPINION: 2, NoticeStep.RECOMMENDATION: 3}


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已送达"
    REPLIED = "replied", "已回复"
    ESCALATED = "escalated", "已升级"
    RESOLVED = "resolved", "已整改"


class WageNotice(OrgOwned):
    """One step of 一函两书 for a finding (one notice per step). The prompt letter and the
    opinion set a deadline (a legal period from the day of issue); the next step may be
    issued only after it has passed with the finding unresolved."""

    finding = models.ForeignKey(WageFinding, on_delete=models.CASCADE, related_name="notices")
    step = models.CharField("文书", max_length=16, choices=NoticeStep.choices)
    status = models.CharField(
        "状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    number = models.CharField("文号", max_length=50, blank=True)
    recipient = models.CharField("主送", max_length=150)
    copy_to = models.CharField("抄送", max_length=200, blank=True)
    body = models.TextField("正文")
    days = models.PositiveSmallIntegerField("整改期限(天)", default=15)
    issued_on = models.DateField("送达日期", null=True, blank=True)
    deadline = models.DateField("整改期限届满", null=True, blank=True)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    reply_text = models.CharField("回复内容", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at_date = models.DateField("起草日期", auto_now_add=True)

    class Meta:
        verbose_name = "一函两书"
        verbose_name_plural = "一函两书"
        ordering = ["finding", "id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="notice_anchor_id"),
            models.Index(fields=["status", "deadline"], name="notice_status_deadline"),
            models.Index(fields=["issued_on"], name="notice_issued_on"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["finding", "step"], name="notice_one_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}{f' {self.number}' if self.number else ''}"


class NoticeSettings(OrgOwned):
    """A county's 一函两书 settings (*configurable*) and letterhead fields; `org` is the county.
    A county without a row uses the defaults."""

    prompt_days = models.PositiveSmallIntegerField("提示函整改期限(天)", default=15)
    opinion_days = models.PositiveSmallIntegerField("意见书自行整改期限(天)", default=15)
    labour_bureau = models.CharField(
        "劳动保障部门", max_length=100, default="县人力资源和社会保障局"
    )
    copy_procuratorate = models.BooleanField("建议书抄送检察院", default=False)
    procuratorate = models.CharField("检察院", max_length=100, blank=True)
    letterhead = models.CharField("文书抬头", max_length=100)
    number_prefix = models.CharField("文号前缀", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    contact = models.CharField("联系人", max_length=30, blank=True)

    class Meta:
        verbose_name = "一函两书设置"
        verbose_name_plural = "一函两书设置"
        constraints = [models.UniqueConstraint(fields=["org"], name="notice_settings_org")]

"""Legal aid (工会法律援助): applications from the portal or by staff, acceptance or refusal,
assignment to a lawyer or a staff member, progress notes, outcome and the applicant's
feedback. ID number and phone, and the sensitive details (health, minors), are encrypted at
rest (gonghui.core.fields) and masked on screen."""

from django.db import models

from gonghui.core.fields import ByteOrderCharField, EncryptedTextField
from gonghui.orgs.models import OrgOwned
from gonghui.rights.attachments import StoredFile

__all__ = [
    "AidKind",
    "AidLawyer",
    "AidOutcome",
    "AidSource",
    "AidStatus",
    "CaseAttachment",
    "CaseNote",
    "LegalAidCase",
    "LegalAidSettings",
]


class AidKind(models.TextChoices):
    CONSULTATION = "consultation", "法律咨询"
    DOCUMENT = "document", "代写法律文书"
    CONTRACT_REVIEW = "contract_review", "合同审查"
    MEDIATION = "mediation", "调解"
    ARBITRATION = "arbitration", "劳动仲裁代理"
    LITIGATION = "litigation", "诉讼代理"


class AidSource(models.TextChoices):
    PORTAL = "portal", "职工网上申请"
    STAFF = "staff", "窗口登记"


class AidStatus(models.TextChoices):
    APPLIED = "applied", "待受理"
    ACCEPTED = "accepted", "已受理待指派"
    REFUSED = "refused", "不予受理"
    ASSIGNED = "assigned", "承办中"
    CLOSED = "closed", "已结案"


OPEN_STATUSES = (AidStatus.APPLIED, AidStatus.ACCEPTED, AidStatus.ASSIGNED)
ACTIVE_STATUSES = (AidStatus.ACCEPTED, AidStatus.ASSIGNED)


class AidOutcome(models.TextChoices):
    ADVISED = "advised", "已解答/已代书"
    MEDIATED = "mediated", "调解成功"
    SETTLED = "settled", "和解"
    AWARDED = "awarded", "裁决/判决支持"
    PARTLY = "partly", "部分支持"
    LOST = "lost", "未获支持"
    WITHDRAWN = "withdrawn", "申请人撤回"


class AidLawyer(OrgOwned):
    """A lawyer of the union's legal-aid roster; serves the cases of `org`'s subtree."""

    name = models.CharField("姓名", max_length=50)
    firm = models.CharField("律师事务所", max_length=100)
    licence_no = models.CharField("执业证号", max_length=30, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    is_active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "援助律师"
        verbose_name_plural = "援助律师"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="lawyer_anchor_id")]

    def __str__(self) -> str:
        return f"{self.name}({self.firm})"


class LegalAidCase(OrgOwned):
    """`org`: the union that accepted (or will decide on) the application."""

    number = models.CharField("案件编号", max_length=20, unique=True)
    source = models.CharField("来源", max_length=8, choices=AidSource.choices)
    applied_on = models.DateField("申请日期")
    applicant_name = models.CharField("申请人", max_length=50)
    applicant_id_number = EncryptedTextField("身份证号")
    applicant_id_hash = ByteOrderCharField(max_length=64, db_index=True, editable=False)
    applicant_id_last4 = ByteOrderCharField("身份证后四位", max_length=4, editable=False)
    applicant_phone = EncryptedTextField("手机号码")
    applicant_phone_hash = ByteOrderCharField(max_length=64, editable=False)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="被申请单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField("用人单位名称", max_length=150)
    kind = models.CharField("援助类型", max_length=16, choices=AidKind.choices)
    facts = models.TextField("事实与请求")
    amount_claimed = models.DecimalField(
        "涉及金额(元)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    has_income_proof = models.BooleanField("已提交经济困难证明", default=False)
    # Sensitive details: encrypted, masked; the flags let lists show them without decrypting.
    health_details = EncryptedTextField("健康状况(工伤、职业病等)", blank=True)
    minor_details = EncryptedTextField("涉及未成年人情况", blank=True)
    has_health_details = models.BooleanField("涉及健康信息", default=False, editable=False)
    involves_minor = models.BooleanField("涉及未成年人", default=False, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=AidStatus.choices, default=AidStatus.APPLIED
    )
    decided_on = models.DateField("受理决定日期", null=True, blank=True)
    refusal_reason = models.CharField("不予受理理由", max_length=300, blank=True)
    assigned_user = models.ForeignKey(
        "accounts.User",
        verbose_name="承办人(工作人员)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_lawyer = models.ForeignKey(
        AidLawyer,
        verbose_name="承办律师",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    assigned_on = models.DateField("指派日期", null=True, blank=True)
    deadline = models.DateField("办结期限", null=True, blank=True)
    handled_elsewhere = models.CharField(
        "异地承办", max_length=100, blank=True, help_text="本县受理、在外县(市)承办时填写承办地工会"
    )
    outcome = models.CharField("结案结果", max_length=10, choices=AidOutcome.choices, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    amount_recovered = models.DecimalField(
        "挽回金额(元)", max_digits=12, decimal_places=2, default=0
    )
    judgement = models.CharField("裁判/调解文书", max_length=300, blank=True)
    feedback_score = models.PositiveSmallIntegerField("满意度", null=True, blank=True)
    feedback_text = models.CharField("申请人评价", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "法律援助案件"
        verbose_name_plural = "法律援助案件"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="aidcase_anchor_id"),
            models.Index(fields=["org", "id"], name="aidcase_org_id"),
            models.Index(fields=["enterprise", "status"], name="aidcase_enterprise"),
            models.Index(fields=["status", "deadline"], name="aidcase_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseNote(models.Model):
    case = models.ForeignKey(LegalAidCase, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField("日期")
    text = models.TextField("办理进展")
    author = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "办理进展"
        verbose_name_plural = "办理进展"
        ordering = ["-noted_on", "-id"]

    def __str__(self) -> str:
        return self.text[:30]


class CaseAttachment(StoredFile):
    case = models.ForeignKey(LegalAidCase, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        verbose_name = "案件材料"
        verbose_name_plural = "案件材料"
        ordering = ["id"]


class LegalAidSettings(OrgOwned):
    """A county's legal-aid settings (*configurable*); `org` is the county."""

    income_proof_required = models.BooleanField("须提交经济困难证明", default=False)
    deadline_working_days = models.PositiveSmallIntegerField("办结期限(工作日)", default=30)

    class Meta:
        verbose_name = "法律援助设置"
        verbose_name_plural = "法律援助设置"
        constraints = [models.UniqueConstraint(fields=["org"], name="legalaid_settings_org")]

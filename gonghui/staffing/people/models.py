"""People of the staffing module: the posts for social workers at township / street / park
unions and the county union, the worker record (社会化工会工作者: account, education,
certificates, agency, contract, funding split, grade and band) and training attended."""

from django.conf import settings
from django.db import models

from gonghui.core.fields import EncryptedTextField
from gonghui.orgs.models import OrgOwned

__all__ = [
    "Certificate",
    "Education",
    "FundingSource",
    "Post",
    "SocialWorker",
    "Training",
    "WorkerStatus",
]


class Post(OrgOwned):
    """A post for a social worker at a township / street / park union (org = where it sits)."""

    name = models.CharField("岗位名称", max_length=60)
    note = models.CharField("说明", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "社工岗位"
        ordering = ["org__path", "name"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="staffing_post_anchor")]

    def __str__(self) -> str:
        return self.name


class Education(models.TextChoices):
    HIGH_SCHOOL = "high_school", "高中(中专)"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生及以上"


class Certificate(models.TextChoices):
    ASSISTANT = "assistant", "助理社会工作师"
    SOCIAL_WORKER = "social_worker", "社会工作师"
    SENIOR = "senior", "高级社会工作师"


class FundingSource(models.TextChoices):
    SHARED = "shared", "县乡共担"
    COUNTY = "county", "县总工会经费"
    TOWNSHIP = "township", "乡镇(街道)财政"


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    LEFT = "left", "已离职"


class SocialWorker(OrgOwned):
    """A union social worker (社会化工会工作者); org = the union they serve."""

    name = models.CharField("姓名", max_length=40)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_worker",
    )
    phone = EncryptedTextField("手机号", blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices)
    certificates = models.JSONField("职业资格证书", default=list, blank=True)
    agency = models.CharField("用人(派遣)单位", max_length=100)
    post = models.OneToOneField(
        Post,
        verbose_name="岗位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holder",
    )
    hired_on = models.DateField("入职日期")
    contract_start = models.DateField("合同开始日期")
    contract_end = models.DateField("合同到期日期")
    funding_source = models.CharField(
        "经费来源", max_length=20, choices=FundingSource.choices, default=FundingSource.SHARED
    )
    county_share = models.PositiveSmallIntegerField("县级承担比例(%)", default=50)
    grade = models.PositiveSmallIntegerField("岗级", default=1)
    band = models.PositiveSmallIntegerField("档次", default=1)
    band_since = models.DateField("现档次起始日期")
    status = models.CharField(
        "状态", max_length=10, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE
    )
    contract_review = models.BooleanField("合同待复核", default=False)
    contract_review_reason = models.CharField("复核原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "社会化工会工作者"
        ordering = ["org__path", "name", "id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="staffing_worker_anchor"),
            models.Index(fields=["contract_end"], name="staffing_worker_contract_end"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def township_share(self) -> int:
        return 100 - self.county_share

    def certificate_labels(self) -> list[str]:
        labels = dict(Certificate.choices)
        return [labels.get(c, c) for c in self.certificates]


class Training(OrgOwned):
    worker = models.ForeignKey(
        SocialWorker, verbose_name="社工", on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.CharField("培训课程", max_length=100)
    day = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = "培训记录"
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="staffing_training_anchor")]

    def __str__(self) -> str:
        return self.course

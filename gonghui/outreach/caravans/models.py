"""Service caravans (大篷车, DESIGN §4 "Outreach"): caravans, their route of stops (服务站次),
the counted places each stop offers (quotas), and the workers registered at a stop (现场登记 or
网上预约), confirmed or on the waiting list.

Places and the waiting list: every registrable offer (`StopOffer` with a quota) keeps its own
counters (`confirmed`, `waiting`, `arrivals`), changed only while its row is locked
(`select_for_update` in the services). A registration takes the next arrival number of its
offer under that lock and is confirmed while `confirmed < quota`, else waitlisted; a cancelled
place moves the earliest waiting arrival up. So the quota is never exceeded, whatever the
number of concurrent registrations, and the waiting list is first come, first served.

Coordinates of a stop are GCJ-02, stored like service sites (gonghui.sites): floats rounded to
6 decimals, converted from WGS-84/BD-09 on input by gonghui.core.geo.

Personal data: a registration stores the ID number and phone (encrypted, with their keyed
hashes for de-duplication) only when the worker's consent is recorded (`consent`,
`consent_at`, `consent_version`); without it none of the four columns holds anything.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from gonghui.core.fields import ByteOrderCharField, EncryptedTextField
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.orgs.models import OrgOwned

__all__ = [
    "CONSENT_TEXT",
    "CONSENT_VERSION",
    "Caravan",
    "CaravanKind",
    "CaravanStatus",
    "CaravanStop",
    "HostKind",
    "OnSiteRegistration",
    "Outcome",
    "RegistrationChannel",
    "RegistrationStatus",
    "ServiceKind",
    "StopOffer",
    "StopPhoto",
    "StopStatus",
    "Trade",
]


class CaravanKind(models.TextChoices):
    SKILLS = "skills", "技能提升"
    SERVICE = "service", "服务保障"
    CULTURE = "culture", "宣传文化"
    CUSTOM = "custom", "其他(自定)"


class CaravanStatus(models.TextChoices):
    ACTIVE = "active", "运行中"
    RETIRED = "retired", "已停用"


class Trade(models.TextChoices):
    """Trades (工种) a caravan can train and a stop offers free-training places in."""

    ELECTRICIAN = "electrician", "电工"
    WELDER = "welder", "焊工"
    COMPUTER = "computer", "计算机操作员"
    COOK = "cook", "中式烹调师"
    SEWING = "sewing", "缝纫工"
    DOMESTIC = "domestic", "家政服务员"
    ELDERLY_CARE = "elderly_care", "养老护理员"
    ECOMMERCE = "ecommerce", "电子商务师"
    FORKLIFT = "forklift", "叉车司机"
    HAIRDRESSER = "hairdresser", "美发师"


class ServiceKind(models.TextChoices):
    """What a caravan carries and a stop offers. Job aid and training always take places
    (a quota); the others take places when the stop gives them a quota (a health check for
    30), or are only counted afterwards (people served)."""

    JOB_AID = "job_aid", "就业援助(求职登记)"
    TRAINING = "training", "免费技能培训"
    LEGAL_AID = "legal_aid", "法律咨询"
    LEGAL_PACK = "legal_pack", "法律援助包"
    HEALTH = "health", "义诊体检"
    POLICY = "policy", "政策宣讲"
    HARDSHIP = "hardship", "困难帮扶受理"
    JOINING = "joining", "入会登记"
    SHOW = "show", "文艺演出"
    FILM = "film", "电影放映"
    OTHER = "other", "其他服务"


# Services whose offer must carry a quota (places that registrations take).
QUOTA_REQUIRED = (ServiceKind.JOB_AID, ServiceKind.TRAINING)


class Caravan(OrgOwned):
    """A caravan run by `org` (usually the county federation): its kind, vehicle, equipment,
    the trades it can train and the services it carries (codes of Trade / ServiceKind)."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=CaravanKind.choices)
    kind_label = models.CharField("自定类型", max_length=30, blank=True)
    vehicle = models.CharField("车辆", max_length=100, blank=True)
    equipment = models.TextField("随车设备", blank=True)
    trades = models.JSONField("可培训工种", default=list, blank=True)
    services = models.JSONField("服务项目", default=list, blank=True)
    description = models.TextField("简介", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=CaravanStatus.choices, default=CaravanStatus.ACTIVE
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "大篷车"
        verbose_name_plural = "大篷车"
        ordering = ["-id"]
        indexes = [models.Index(fields=["org_anchor", "id"], name="caravan_anchor_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_text(self) -> str:
        if self.kind == CaravanKind.CUSTOM and self.kind_label:
            return self.kind_label
        return self.get_kind_display()

    @property
    def trade_labels(self) -> list[str]:
        return [Trade(code).label for code in self.trades if code in Trade.values]

    @property
    def service_labels(self) -> list[str]:
        return [ServiceKind(code).label for code in self.services if code in ServiceKind.values]


class StopStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


class HostKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    SITE = "site", "服务阵地"
    COMMUNITY = "community", "村(社区)"
    OTHER = "other", "其他场所"


class CaravanStop(OrgOwned):
    """One stop of a caravan's route (服务站次): when and where, the host (an employer, a
    service site, a community or another place), the union responsible (`org`: its staff
    register workers there and follow them up), the staff on duty, the places offered
    (StopOffer) and, once held, the summary (people served per service, photos)."""

    caravan = models.ForeignKey(
        Caravan, verbose_name="大篷车", on_delete=models.PROTECT, related_name="stops"
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    lng = models.FloatField("经度(GCJ-02)")
    lat = models.FloatField("纬度(GCJ-02)")
    township = models.ForeignKey(
        "orgs.Org",
        verbose_name="所在乡镇(街道)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    host_kind = models.CharField("承办场所类型", max_length=12, choices=HostKind.choices)
    host_enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="承办企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    host_site = models.ForeignKey(
        "sites.ServiceSite",
        verbose_name="承办阵地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    host_name = models.CharField("承办单位", max_length=150, blank=True)
    duty_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="值班人员", blank=True, related_name="+"
    )
    duty_note = models.CharField("其他值班人员", max_length=200, blank=True)
    portal_open = models.BooleanField("接受网上预约", default=True)
    status = models.CharField(
        "状态", max_length=10, choices=StopStatus.choices, default=StopStatus.PLANNED
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    summary = models.TextField("服务小结", blank=True)
    summarised_at = models.DateTimeField("小结时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "服务站次"
        verbose_name_plural = "服务站次"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "starts_at"], name="stop_anchor_starts"),
            models.Index(fields=["caravan", "starts_at"], name="stop_caravan_starts"),
            models.Index(fields=["status", "starts_at"], name="stop_status_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="stop_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="stop_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caravan.name} · {self.place}"

    @property
    def host_text(self) -> str:
        if self.host_enterprise_id:
            return self.host_enterprise.name
        if self.host_site_id:
            return self.host_site.name
        return self.host_name


class StopOffer(models.Model):
    """A service offered at a stop. With a quota it takes registrations: `confirmed` +
    `waiting` count the live registrations by status and `arrivals` the arrival numbers
    handed out, all three changed only under this row's lock (see the module docstring).
    `served` is the number of people served, recorded in the stop's summary."""

    stop = models.ForeignKey(CaravanStop, on_delete=models.CASCADE, related_name="offers")
    service = models.CharField("服务项目", max_length=12, choices=ServiceKind.choices)
    trade = models.CharField("培训工种", max_length=16, choices=Trade.choices, blank=True)
    label = models.CharField("名称", max_length=30, blank=True)
    quota = models.PositiveIntegerField("名额", null=True, blank=True)
    confirmed = models.PositiveIntegerField("已确认", default=0, editable=False)
    waiting = models.PositiveIntegerField("候补", default=0, editable=False)
    arrivals = models.PositiveIntegerField(default=0, editable=False)
    served = models.PositiveIntegerField("服务人数", null=True, blank=True)

    class Meta:
        verbose_name = "站次服务名额"
        verbose_name_plural = "站次服务名额"
        ordering = ["stop", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stop", "service", "trade", "label"], name="offer_unique_in_stop"
            ),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(confirmed__lte=models.F("quota")),
                name="offer_never_over_quota",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.service == ServiceKind.TRAINING and self.trade:
            return f"免费培训：{Trade(self.trade).label}"
        if self.label:
            return self.label
        return ServiceKind(self.service).label

    @property
    def registrable(self) -> bool:
        return self.quota is not None

    @property
    def places_left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.confirmed, 0)


class StopPhoto(models.Model):
    stop = models.ForeignKey(CaravanStop, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to="outreach/stops/%Y/%m/")
    caption = models.CharField("说明", max_length=100, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "站次照片"
        verbose_name_plural = "站次照片"
        ordering = ["stop", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class RegistrationChannel(models.TextChoices):
    ON_SITE = "on_site", "现场登记"
    PORTAL = "portal", "网上预约"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已确认"
    WAITLISTED = "waitlisted", "候补"
    CANCELLED = "cancelled", "已取消"


class Outcome(models.TextChoices):
    """The final outcome of a registration's follow-ups (blank while they go on)."""

    TRAINED = "trained", "已参加培训"
    EMPLOYED = "employed", "已就业"
    STILL_LOOKING = "still_looking", "仍在求职"
    UNREACHABLE = "unreachable", "无法联系"


# The consent a worker gives before the ID number and phone are recorded; its version is
# stored with each registration (a new wording gets a new version).
CONSENT_VERSION = "2026-1"
CONSENT_TEXT = (
    "本人同意工会登记本人的身份证号和手机号，仅用于本次服务的名额确认、培训就业跟踪回访和会员信息核对，"
    "加密保存，不向第三方提供。"
)


class OnSiteRegistration(OrgOwned):
    """A worker registered at a stop (现场登记 by staff, or 网上预约 on the portal), holding
    a place of one offer (confirmed) or waiting for one (waitlisted), with the job wish.

    `org` is the stop's org. `person_key` identifies the person for the one-registration-
    per-stop rule: "id:<hash>", "phone:<hash>" or "member:<id>", blank when nothing
    identifies them (no consent and no member card). `arrival` is the arrival number within
    the offer (first come, first served). Follow-ups (gonghui.outreach.followups) record the
    way to a job; their final result is mirrored in `outcome`, `trained_on`, `employed_on`,
    `employer`/`employer_name`, `monthly_pay` and `days_to_job` (days from the stop to the job).
    """

    stop = models.ForeignKey(
        CaravanStop, verbose_name="服务站次", on_delete=models.PROTECT, related_name="registrations"
    )
    offer = models.ForeignKey(
        StopOffer, verbose_name="登记项目", on_delete=models.PROTECT, related_name="registrations"
    )
    reference = ByteOrderCharField("登记号", max_length=12, unique=True, editable=False)
    arrival = models.PositiveIntegerField("登记顺序", editable=False)
    status = models.CharField("状态", max_length=12, choices=RegistrationStatus.choices)
    channel = models.CharField("登记方式", max_length=10, choices=RegistrationChannel.choices)
    registered_on = models.DateField("登记日期")
    promoted_at = models.DateTimeField("候补转正时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    # --- the worker ---------------------------------------------------------------------
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField(
        "性别", max_length=6, blank=True, choices=[("male", "男"), ("female", "女")]
    )
    is_migrant_worker = models.BooleanField("农民工", default=False)
    consent = models.BooleanField("同意登记身份证号和手机号", default=False)
    consent_at = models.DateTimeField("同意时间", null=True, blank=True)
    consent_version = models.CharField("同意书版本", max_length=10, blank=True)
    id_number = EncryptedTextField("身份证号", blank=True)
    id_number_hash = ByteOrderCharField(max_length=64, blank=True, editable=False)
    phone = EncryptedTextField("手机号码", blank=True)
    phone_hash = ByteOrderCharField(max_length=64, blank=True, editable=False)
    person_key = ByteOrderCharField(max_length=80, blank=True, editable=False)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="会员档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    archive = models.ForeignKey(
        "assistance.HardshipArchive",
        verbose_name="困难职工档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # --- the job wish -------------------------------------------------------------------
    wish_job = models.CharField("期望岗位(工种)", max_length=50, blank=True)
    wish_pay = models.PositiveIntegerField("期望月薪(元)", null=True, blank=True)
    wish_area = models.CharField("期望工作地点", max_length=50, blank=True)
    skills = models.CharField("现有技能", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # --- the way to a job (mirrored from the follow-ups) ---------------------------------
    outcome = models.CharField("跟踪结果", max_length=14, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("结案日期", null=True, blank=True)
    trained_on = models.DateField("参加培训日期", null=True, blank=True)
    employed_on = models.DateField("就业日期", null=True, blank=True)
    employer = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="就业单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    employer_name = models.CharField("就业单位名称", max_length=150, blank=True)
    monthly_pay = models.PositiveIntegerField("月工资(元)", null=True, blank=True)
    days_to_job = models.PositiveIntegerField("就业用时(天)", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "现场登记"
        verbose_name_plural = "现场登记"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_anchor", "id"], name="reg_anchor_id"),
            models.Index(fields=["org", "id"], name="reg_org_id"),
            models.Index(fields=["offer", "status", "arrival"], name="reg_offer_queue"),
            models.Index(fields=["stop", "status"], name="reg_stop_status"),
            models.Index(fields=["registered_on"], name="reg_registered_on"),
            models.Index(fields=["id_number_hash"], name="reg_id_hash"),
        ]
        constraints = [
            # One live registration per person and stop (cancelled ones do not count).
            models.UniqueConstraint(
                fields=["stop", "person_key"],
                condition=~Q(person_key="") & ~Q(status="cancelled"),
                name="reg_one_per_person_and_stop",
            ),
            models.UniqueConstraint(fields=["offer", "arrival"], name="reg_arrival_unique"),
            # Nothing personal without recorded consent.
            models.CheckConstraint(
                condition=Q(consent=True)
                | Q(
                    Exact(Length("id_number"), 0),
                    Exact(Length("phone"), 0),
                    id_number_hash="",
                    phone_hash="",
                ),
                name="reg_personal_data_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.reference})"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_live(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED

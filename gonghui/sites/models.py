"""Service sites (服务阵地, DESIGN §4 "Service sites"): stations, canteens, nursing rooms,
service centres and workers' homes; their photos, public feedback, check-in counts, the
county map layers (boundary, roads, built-up areas) and the coverage radius.

Coordinates are GCJ-02 (what Gaode/Tencent use), stored as floats rounded to 6 decimals
(about 0.1 m): the nearest query reads exactly the numbers it sorts on, and B-tree range
scans on plain floats are fast on both SQLite and PostgreSQL.
"""

from django.conf import settings
from django.db import models

from gonghui.core.fields import EncryptedTextField
from gonghui.core.models import TimeStamped
from gonghui.orgs.models import OrgOwned


class SiteKind(models.TextChoices):
    OUTDOOR_STATION = "outdoor_station", "户外劳动者服务站点"
    LOVE_STATION = "love_station", "爱心驿站"
    CANTEEN = "canteen", "职工食堂"
    NURSING_ROOM = "nursing_room", "爱心母婴室"
    SERVICE_CENTER = "service_center", "一站式服务中心"
    WORKERS_HOME = "workers_home", "职工之家"


# The letters of each kind in the site code (pinyin initials); never change once issued.
KIND_CODE_LETTERS: dict[str, str] = {
    SiteKind.OUTDOOR_STATION: "HW",  # 户外
    SiteKind.LOVE_STATION: "AX",  # 爱心
    SiteKind.CANTEEN: "ST",  # 食堂
    SiteKind.NURSING_ROOM: "MY",  # 母婴
    SiteKind.SERVICE_CENTER: "FW",  # 服务
    SiteKind.WORKERS_HOME: "ZJ",  # 之家
}


class Facility(models.TextChoices):
    """The facility checklist. The order is the bit order of ServiceSite.facilities:
    append new items at the end, never reorder."""

    ROOM = "room", "休息场所"
    TABLE_CHAIRS = "table_chairs", "桌椅"
    MICROWAVE = "microwave", "微波炉"
    WATER = "water", "冷热饮水"
    AIR_CONDITIONING = "air_conditioning", "空调"
    TOILET = "toilet", "卫生间"
    FIRST_AID = "first_aid", "急救药箱"
    CHARGING = "charging", "充电"
    WIFI = "wifi", "无线网络"


class Standard(models.TextChoices):
    """The "六有" standard. The order is the bit order of ServiceSite.standards."""

    SIGN = "sign", "有统一标识和名称"
    SITING = "siting", "有合理选址"
    FACILITIES = "facilities", "有服务设施"
    SERVICES = "services", "有服务内容"
    RULES = "rules", "有管理制度"
    ON_MAP = "on_map", "可在地图上查找"


# One rule for "六有", shared by the staff pages, the portal, the API and exports: two items
# follow from the site's own records, so a page can never tick one the records contradict
# ("有服务设施(未达到)" under seven ticked facilities); staff confirm the other four.
ESSENTIAL_FACILITIES: tuple[str, ...] = (Facility.ROOM, Facility.TABLE_CHAIRS, Facility.WATER)
DERIVED_STANDARDS: dict[str, str] = {
    Standard.FACILITIES: "按设施清单自动判断：登记了休息场所、桌椅和冷热饮水即为达到。",
    Standard.ON_MAP: "按站点坐标自动判断：有坐标即可在地图上查找。",
}
CONFIRMED_STANDARDS: tuple[str, ...] = tuple(
    code for code in Standard.values if code not in DERIVED_STANDARDS
)


def codes_to_mask(choices: type[models.TextChoices], codes) -> int:
    """Bitmask of codes (bit i = the i-th choice). Raises ValueError on an unknown code."""
    values = list(choices.values)
    mask = 0
    for code in codes:
        mask |= 1 << values.index(code)
    return mask


def mask_to_codes(choices: type[models.TextChoices], mask: int) -> list[str]:
    return [code for i, code in enumerate(choices.values) if mask & (1 << i)]


class SiteStatus(models.TextChoices):
    OPEN = "open", "正常开放"
    SUSPENDED = "suspended", "暂停服务"
    CLOSED = "closed", "已关闭"


WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS: dict[str, str] = dict(
    zip(WEEKDAYS, ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), strict=True)
)


class ServiceSite(OrgOwned):
    """One service site, managed by `org` (the union that runs it).

    `site_code` format: ``<county division code, 6 digits>-<kind letters>-<4-digit sequence>``,
    e.g. ``339901-HW-0007``. The county code is the first 6 digits of the division code of the
    nearest org up the tree from `org` that has one ("000000" when none); the letters are
    KIND_CODE_LETTERS; the sequence runs per (county code, kind) in SiteCodeSequence and is
    never reused. Imported sites may keep an existing code of the same format.

    `opening_hours`: {"mon": [["08:00", "12:00"], ["14:00", "18:00"]], ..., "sun": []} with
    keys from WEEKDAYS (a missing key = closed that day); times "HH:MM" in Asia/Shanghai; a
    range whose close is earlier than its open runs past midnight (["22:00", "06:00"]);
    "24:00" closes at midnight. `is_24h` overrides the hours.

    `facilities` and `standards` are bitmasks over Facility and Standard (filter in SQL with
    selectors.facilities_q); read them as codes through `facility_codes` / `standard_codes`.
    """

    kind = models.CharField("类型", max_length=20, choices=SiteKind.choices)
    name = models.CharField("名称", max_length=100)
    site_code = models.CharField("站点编码", max_length=20, unique=True)
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
        help_text="The township-level org whose area the site lies in (for statistics).",
    )
    host_unit = models.CharField("承建(依托)单位", max_length=150, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    opening_hours = models.JSONField("开放时间", default=dict, blank=True)
    is_24h = models.BooleanField("24 小时开放", default=False)
    facilities = models.PositiveIntegerField("服务设施", default=0)
    standards = models.PositiveSmallIntegerField("六有标准", default=0)
    description = models.TextField("服务内容", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=SiteStatus.choices, default=SiteStatus.OPEN
    )
    status_reason = models.CharField("状态说明", max_length=200, blank=True)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "服务阵地"
        verbose_name_plural = "服务阵地"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org", "id"], name="site_org_id"),
            models.Index(fields=["org_anchor", "id"], name="site_anchor_id"),
            # Bounding-box prefilter of the nearest query: equality on status, range on lat,
            # lng checked inside the index.
            models.Index(fields=["status", "lat", "lng"], name="site_status_lat_lng"),
            models.Index(fields=["township", "kind"], name="site_township_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="site_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def facility_codes(self) -> list[str]:
        return mask_to_codes(Facility, self.facilities)

    @property
    def confirmed_standard_codes(self) -> list[str]:
        """The "六有" items staff confirmed (the ticks stored; the edit form shows these)."""
        return [c for c in mask_to_codes(Standard, self.standards) if c in CONFIRMED_STANDARDS]

    @property
    def standards_met(self) -> dict[str, bool]:
        """Every "六有" item → met, by the one rule (see DERIVED_STANDARDS)."""
        facilities = set(self.facility_codes)
        confirmed = set(self.confirmed_standard_codes)
        met = {code: code in confirmed for code in Standard.values}
        met[Standard.FACILITIES] = all(f in facilities for f in ESSENTIAL_FACILITIES)
        met[Standard.ON_MAP] = self.lng is not None and self.lat is not None
        return met

    @property
    def standard_codes(self) -> list[str]:
        """The "六有" items the site meets."""
        return [code for code, met in self.standards_met.items() if met]

    @property
    def meets_six_standard(self) -> bool:
        return all(self.standards_met.values())

    @property
    def contact_phone_masked(self) -> str:
        from gonghui.core.masking import mask_phone

        return mask_phone(self.contact_phone)


class SiteCodeSequence(models.Model):
    """The last site-code sequence issued per county code and kind letters ("339901-HW")."""

    prefix = models.CharField(max_length=12, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


def site_photo_path(instance, filename: str) -> str:
    # The name is chosen by the service (random, extension from the detected format).
    return f"sites/photos/{instance.site_id}/{filename}"


class SitePhoto(TimeStamped):
    """A photo of a site; uploads are checked as real JPEG/PNG/WebP images by the service."""

    site = models.ForeignKey(
        ServiceSite, verbose_name="站点", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        "照片", upload_to=site_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField("说明", max_length=100, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "站点照片"
        verbose_name_plural = "站点照片"
        ordering = ["position", "id"]


class FeedbackKind(models.TextChoices):
    FEEDBACK = "feedback", "意见反馈"
    REPAIR = "repair", "设施报修"


class FeedbackStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已关闭"


class SiteFeedback(OrgOwned):
    """A public feedback or repair report on a site; `org` is the site's managing org (its
    queue). `submitter_ip_hash` (keyed HMAC, never the IP) serves rate limiting."""

    site = models.ForeignKey(
        ServiceSite, verbose_name="站点", on_delete=models.PROTECT, related_name="feedback"
    )
    kind = models.CharField("类型", max_length=10, choices=FeedbackKind.choices)
    text = models.TextField("内容")
    phone = EncryptedTextField("联系电话", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    close_note = models.CharField("关闭说明", max_length=200, blank=True)
    submitter_ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "站点反馈"
        verbose_name_plural = "站点反馈"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org", "id"], name="feedback_org_id"),
            models.Index(fields=["org_anchor", "id"], name="feedback_anchor_id"),
            models.Index(fields=["status", "id"], name="feedback_status_id"),
            models.Index(fields=["site", "id"], name="feedback_site_id"),
            models.Index(fields=["submitter_ip_hash", "created_at"], name="feedback_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.site}"

    @property
    def phone_masked(self) -> str:
        from gonghui.core.masking import mask_phone

        return mask_phone(self.phone)


class CheckIn(models.Model):
    """Check-ins (扫码打卡) counted per site per day: a month's usage is a sum over ≤ 31 rows
    on the (site, day) unique index."""

    site = models.ForeignKey(
        ServiceSite, verbose_name="站点", on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.DateField("日期")
    count = models.PositiveIntegerField("打卡次数", default=0)

    class Meta:
        verbose_name = "打卡统计"
        verbose_name_plural = "打卡统计"
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="checkin_site_day"),
        ]
        indexes = [models.Index(fields=["day"], name="checkin_day")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day}: {self.count}"


class MapLayerKind(models.TextChoices):
    BOUNDARY = "boundary", "县域边界"
    TOWNSHIP = "township", "乡镇(街道)边界"
    ROAD = "road", "道路"
    BUILT_UP_AREA = "built_up_area", "建成区"


class MapLayer(OrgOwned):
    """One GeoJSON FeatureCollection (GCJ-02, [lng, lat]) per county org and kind; a
    re-import replaces the data and bumps `version`.

    Feature properties the offline map reads (all optional): `name` (the label of a
    township, built-up area or road), `ref` (a road number such as G235, drawn as a shield),
    `class` (roads: national / provincial / county / urban / street, or OpenStreetMap's
    `highway` values; built-up areas: town / village) — see static/js/county_basemap.js."""

    kind = models.CharField("图层类型", max_length=20, choices=MapLayerKind.choices)
    name = models.CharField("名称", max_length=100, blank=True)
    geojson = models.TextField("GeoJSON")
    bbox = models.JSONField(
        "范围", default=list, blank=True
    )  # [min_lng, min_lat, max_lng, max_lat]
    feature_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "地图图层"
        verbose_name_plural = "地图图层"
        constraints = [
            models.UniqueConstraint(fields=["org", "kind"], name="maplayer_org_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_kind_display()}"


DEFAULT_COVERAGE_RADIUS_M = 1000


class CoverageSettings(OrgOwned):
    """Per-county coverage goal (the "15-minute" circle): `org` is the county org."""

    radius_m = models.PositiveIntegerField("覆盖半径(米)", default=DEFAULT_COVERAGE_RADIUS_M)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "覆盖分析设置"
        verbose_name_plural = "覆盖分析设置"
        constraints = [
            models.UniqueConstraint(fields=["org"], name="coverage_settings_org"),
        ]


class CoverageResult(OrgOwned):
    """The stored coverage analysis of one county (`org`) at one grid cell size, computed in
    the background (sites/map/tasks.py) whenever its inputs change and served by the coverage
    pages as is. `fingerprint` digests the inputs it was computed from (map/coverage.py
    `coverage_inputs_fingerprint`): when the current inputs digest differently, the pages
    show the result as outdated and a refresh is queued.

    `summary`: totals, per-township rows and the county-wide suggestions; `gaps`: the gap
    cells as GeoJSON; `cells`: every analysed cell by township (for users who see only some
    townships). `queued` is set while a refresh waits in the task queue."""

    cell_m = models.PositiveIntegerField("网格大小(米)")
    fingerprint = models.CharField(max_length=64, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    gaps = models.JSONField(default=dict, blank=True)
    cells = models.JSONField(default=dict, blank=True)
    queued = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "覆盖分析结果"
        verbose_name_plural = "覆盖分析结果"
        constraints = [
            models.UniqueConstraint(fields=["org", "cell_m"], name="coverage_result_org_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.cell_m} 米"


class MapSettings(TimeStamped):
    """The installation's map and sign settings (one row, pk 1), set by a county admin on
    the 地图与标牌设置 page. A None field falls back to its environment variable
    (GONGHUI_MAP_TILE_URL, GONGHUI_MAP_TILE_ATTRIBUTION, GONGHUI_PUBLIC_URL); an empty string
    is an explicit "none" (e.g. no tiles: the offline map)."""

    tile_url = models.CharField("瓦片地址模板", max_length=500, null=True, blank=True)
    tile_attribution = models.CharField("底图版权说明", max_length=200, null=True, blank=True)
    public_url = models.CharField("公网访问地址", max_length=200, null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "地图与标牌设置"
        verbose_name_plural = "地图与标牌设置"

    def __str__(self) -> str:
        return "地图与标牌设置"

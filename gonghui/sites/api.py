"""Staff API for service sites: /api/v1/sites (and the feedback queue under /feedback).

Reads go through gonghui.sites.selectors (scoped), writes through gonghui.sites.services.
Contact phones and feedback phones are always masked here. Coordinates are returned in
GCJ-02; writes accept GCJ-02, WGS-84 or BD-09 (`crs`) and store GCJ-02.
"""

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import (
    OrgRef,
    PageParams,
    errors,
    field_names,
    paginate,
    plain,
    require,
    required_not_null,
    scoped_ref,
)
from gonghui.core.errors import ValidationFailed
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.orgs.models import Org, township_q
from gonghui.sites import selectors, services
from gonghui.sites.models import (
    WEEKDAYS,
    Facility,
    FeedbackKind,
    FeedbackStatus,
    SiteKind,
    SiteStatus,
    Standard,
)

router = Router(tags=["服务阵地"])

MODULE = "sites"
TOWNSHIP_UNKNOWN = "所选乡镇(街道)不存在。"
HOURS_DESCRIPTION = (
    '每周开放时间：{"mon": [["08:00", "12:00"], ["14:00", "18:00"]], ..., "sun": []}，'
    "键为 mon–sun，缺省为休息；结束早于开始表示跨午夜；可用 24:00。"
)


# --- schemas ----------------------------------------------------------------------------


class SiteOut(Schema):
    id: int
    site_code: str = Field(description="站点编码：县区划代码-类型字母-4 位序号，如 339901-HW-0007")
    name: str = Field(description="名称")
    kind: SiteKind = Field(description="类型")
    kind_display: str
    org: OrgRef = Field(description="管理单位(工会组织)")
    township: OrgRef | None = Field(description="所在乡镇(街道)")
    address: str
    lng: float = Field(description="经度(GCJ-02)")
    lat: float = Field(description="纬度(GCJ-02)")
    host_unit: str = Field(description="承建(依托)单位")
    contact_name: str
    contact_phone: str = Field(description="联系电话(脱敏)")
    opening_hours: dict[str, list[list[str]]] = Field(description=HOURS_DESCRIPTION)
    is_24h: bool = Field(description="24 小时开放")
    facilities: list[Facility] = Field(description="服务设施")
    standards: list[Standard] = Field(description="已达到的“六有”标准项")
    meets_six_standard: bool = Field(description="六有全部达标")
    description: str = Field(description="服务内容")
    status: SiteStatus = Field(
        description="状态：open 正常开放 / suspended 暂停服务 / closed 已关闭"
    )
    status_display: str
    status_reason: str
    status_changed_on: date | None
    version: int = Field(description="版本号，修改时原样带回用于乐观锁")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_display(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_township(obj, context):
        return scoped_ref(context, obj.township) if obj.township_id else None

    @staticmethod
    def resolve_contact_phone(obj):
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_opening_hours(obj):
        hours = obj.opening_hours or {}
        return {day: hours.get(day) or [] for day in WEEKDAYS}

    @staticmethod
    def resolve_facilities(obj):
        return obj.facility_codes

    @staticmethod
    def resolve_standards(obj):
        return obj.standard_codes


class SitePage(Schema):
    items: list[SiteOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class SiteFilters(Schema):
    q: str = Field("", description="名称、地址包含，或站点编码前缀")
    kind: SiteKind | None = Field(None, description="类型")
    status: SiteStatus | None = Field(None, description="状态")
    facility: list[Facility] = Field([], description="须具备的设施(可多选，全部具备)")
    township: int | None = Field(None, description="所在乡镇(街道)组织 id")
    open_now: bool = Field(False, description="只看现在开放的站点(按开放时间，北京时间)")


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class SiteCreateIn(_Strict):
    org_id: int = Field(description="管理单位(工会组织 id)")
    kind: SiteKind = Field(description="类型")
    name: str = Field(max_length=100, description="名称")
    lng: float = Field(description="经度(坐标系见 crs)")
    lat: float = Field(description="纬度(坐标系见 crs)")
    crs: str = Field("gcj02", description="坐标系：gcj02(默认)、wgs84(GPS)、bd09(百度)")
    address: str = Field("", max_length=200)
    township_id: int | None = Field(None, description="所在乡镇(街道)；不填按管理单位自动确定")
    host_unit: str = Field("", max_length=150)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    opening_hours: dict[str, list[list[str]]] = Field({}, description=HOURS_DESCRIPTION)
    is_24h: bool = False
    facilities: list[Facility] = []
    standards: list[Standard] = []
    description: str = Field("", max_length=2000)
    site_code: str = Field("", max_length=20, description="留空自动编码；迁移旧数据时可指定")


class SiteUpdateIn(_Strict):
    version: int = Field(description="读取时的版本号；已被他人修改时返回 409")
    org_id: int | None = Field(None, description="改由另一工会管理(须在您的范围内)")
    kind: SiteKind | None = None
    name: str | None = Field(None, max_length=100)
    lng: float | None = None
    lat: float | None = None
    crs: str = Field("gcj02", description="lng/lat 的坐标系")
    address: str | None = Field(None, max_length=200)
    township_id: int | None = None
    host_unit: str | None = Field(None, max_length=150)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    opening_hours: dict[str, list[list[str]]] | None = Field(None, description=HOURS_DESCRIPTION)
    is_24h: bool | None = None
    facilities: list[Facility] | None = None
    standards: list[Standard] | None = None
    description: str | None = Field(None, max_length=2000)


class SiteStatusIn(_Strict):
    status: SiteStatus = Field(description="新状态")
    reason: str = Field("", max_length=200, description="原因；暂停或关闭时必填")
    on: date | None = Field(None, description="生效日期；不填为今天")
    version: int | None = Field(None, description="读取时的版本号(可选)；不符时返回 409")


class FeedbackOut(Schema):
    id: int
    site: OrgRef = Field(description="站点 {id, name}")
    site_code: str
    org: OrgRef = Field(description="受理单位(站点的管理单位)")
    kind: FeedbackKind = Field(description="feedback 意见反馈 / repair 设施报修")
    kind_display: str
    text: str
    phone: str = Field(description="联系电话(脱敏)")
    status: FeedbackStatus = Field(description="open 待处理 / answered 已答复 / closed 已关闭")
    status_display: str
    answer: str
    answered_at: datetime | None
    closed_at: datetime | None
    close_note: str
    created_at: datetime

    @staticmethod
    def resolve_site(obj):
        return {"id": obj.site_id, "name": obj.site.name}

    @staticmethod
    def resolve_site_code(obj):
        return obj.site.site_code

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_kind_display(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)


class FeedbackPage(Schema):
    items: list[FeedbackOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class FeedbackFilters(Schema):
    status: FeedbackStatus | None = Field(None, description="状态")
    kind: FeedbackKind | None = Field(None, description="类型")
    site_id: int | None = Field(None, description="只看该站点的反馈")
    q: str = Field("", description="内容或站点名称包含")


class FeedbackAnswerIn(_Strict):
    answer: str = Field(max_length=1000, description="答复内容")


class FeedbackCloseIn(_Strict):
    note: str = Field("", max_length=200, description="关闭说明")


_FIELD_NAMES = {"org": "org_id", "township": "township_id", "coordinates": "lng"}
_NULLABLE = {"org_id", "township_id"}


def _township(user, data: dict) -> dict:
    """township_id → Org (the service checks it is a township of the site's county)."""
    if "township_id" not in data:
        return data
    pk = data.pop("township_id")
    township = None
    if pk is not None:
        township = Org.objects.filter(township_q(), pk=pk).first()
        if township is None:
            raise ValidationFailed("请检查填写的内容。", fields={"township_id": [TOWNSHIP_UNKNOWN]})
    data["township"] = township
    return data


def _values(items) -> list[str]:
    return [getattr(item, "value", item) for item in items]


def _site(user, pk: int):
    return selectors.site_get(user, pk)


# --- sites --------------------------------------------------------------------------------


@router.get(
    "",
    response={200: SitePage, **errors(403, 422)},
    summary="服务阵地列表",
    description="数据范围内的站点，新登记的在前，游标分页。联系电话脱敏；坐标为 GCJ-02。",
)
def site_list(request, filters: Query[SiteFilters], page: Query[PageParams]):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    sites = selectors.site_list(
        user,
        q=filters.q,
        kind=filters.kind.value if filters.kind else "",
        status=filters.status.value if filters.status else "",
        facilities=[f.value for f in filters.facility],
        township=filters.township,
        open_now=filters.open_now,
    )
    return paginate(sites, page, descending=True)


@router.get("/{pk:id}", response={200: SiteOut, **errors(403, 404)}, summary="站点详情")
def site_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _site(request.auth, id)


@router.post(
    "",
    response={201: SiteOut, **errors(403, 404, 422)},
    summary="登记站点",
    description=(
        "坐标按 crs 换算为 GCJ-02 保存；境外、超出范围或不在本县边界内(已导入边界时)的坐标返回 422。"
        "站点编码留空时自动发放。"
    ),
)
def site_create(request, payload: SiteCreateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    for key in ("facilities", "standards"):
        data[key] = _values(data[key])
    data = _township(user, data)
    with field_names(**_FIELD_NAMES):
        site = services.site_create(actor=user, org=org, **data)
    return Status(201, _site(user, site.pk))


@router.patch(
    "/{pk:id}",
    response={200: SiteOut, **errors(403, 404, 409, 422)},
    summary="修改站点信息",
    description=(
        "只修改请求中给出的字段；状态通过“变更站点状态”接口修改。"
        "必须带回读取时的 version；已被他人修改时返回 409(stale_version)。"
    ),
)
def site_update(request, id: int, payload: SiteUpdateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    site = selectors.site_get(user, id, Action.EDIT)
    changes = plain(payload.model_dump(exclude_unset=True))
    version = changes.pop("version")
    crs = changes.pop("crs", "gcj02")
    required_not_null(changes, nullable=_NULLABLE)
    if "org_id" in changes:
        pk = changes.pop("org_id")
        if pk is not None:
            changes["org"] = get_in_scope_or_404(
                Org.objects.all(), user, MODULE, Action.EDIT, pk=pk
            )
    for key in ("facilities", "standards"):
        if key in changes:
            changes[key] = _values(changes[key])
    if ("lng" in changes) != ("lat" in changes):
        raise ValidationFailed("请检查填写的内容。", fields={"lng": ["经度和纬度须同时提供。"]})
    changes = _township(user, changes)
    with field_names(**_FIELD_NAMES):
        services.site_update(actor=user, site=site, version=version, crs=crs, **changes)
    return _site(user, id)


@router.post(
    "/{pk:id}/status",
    response={200: SiteOut, **errors(403, 404, 409, 422)},
    summary="变更站点状态",
    description="暂停或关闭(须填写原因和日期，默认今天)，或重新开放。关闭的站点仍保留记录。",
)
def site_status(request, id: int, payload: SiteStatusIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    site = selectors.site_get(user, id, Action.EDIT)
    services.site_set_status(
        actor=user,
        site=site,
        status=payload.status.value,
        reason=payload.reason,
        on=payload.on,
        version=payload.version,
    )
    return _site(user, id)


# --- feedback -----------------------------------------------------------------------------


@router.get(
    "/feedback",
    response={200: FeedbackPage, **errors(403, 422)},
    summary="反馈与报修列表",
    description="数据范围内站点收到的反馈与报修(按站点的管理单位受理)，新的在前，游标分页。",
)
def feedback_list(request, filters: Query[FeedbackFilters], page: Query[PageParams]):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    site = None
    if filters.site_id is not None:
        try:
            site = selectors.site_get(user, filters.site_id)
        except Http404:
            return {"items": [], "next_cursor": None}
    items = selectors.feedback_list(
        user,
        status=filters.status.value if filters.status else "",
        kind=filters.kind.value if filters.kind else "",
        site=site,
        q=filters.q,
    ).defer(None)
    return paginate(items, page, descending=True)


@router.get(
    "/feedback/{pk:id}", response={200: FeedbackOut, **errors(403, 404)}, summary="反馈详情"
)
def feedback_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.feedback_get(request.auth, id)


@router.post(
    "/feedback/{pk:id}/answer",
    response={200: FeedbackOut, **errors(403, 404, 409, 422)},
    summary="答复反馈",
    description="答复(或修改答复)待处理或已答复的反馈，状态变为已答复；已关闭的返回 409。",
)
def feedback_answer(request, id: int, payload: FeedbackAnswerIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    feedback = selectors.feedback_get(user, id, Action.EDIT)
    services.feedback_answer(actor=user, feedback=feedback, answer=payload.answer)
    return selectors.feedback_get(user, id)


@router.post(
    "/feedback/{pk:id}/close",
    response={200: FeedbackOut, **errors(403, 404, 409, 422)},
    summary="关闭反馈",
    description="关闭反馈(无论是否已答复)；已关闭的返回 409。关闭后仍保留记录。",
)
def feedback_close(request, id: int, payload: FeedbackCloseIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    feedback = selectors.feedback_get(user, id, Action.EDIT)
    services.feedback_close(actor=user, feedback=feedback, note=payload.note)
    return selectors.feedback_get(user, id)

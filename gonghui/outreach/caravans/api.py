"""API of caravans, stops, quotas and registrations: /api/v1/outreach/caravans, /stops,
/offers, /registrations. Reads through the scoped selectors, writes through the services;
ID numbers and phones are always masked. Coordinates are GCJ-02 in answers; writes take
GCJ-02, WGS-84 or BD-09 (`crs`)."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from gonghui.core.api import (
    PageParams,
    errors,
    field_names,
    paginate,
    plain,
    require,
    required_not_null,
)
from gonghui.core.errors import ValidationFailed
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Enterprise, Org
from gonghui.outreach.caravans import selectors, services
from gonghui.outreach.caravans.models import (
    CaravanKind,
    CaravanStatus,
    HostKind,
    Outcome,
    RegistrationChannel,
    RegistrationStatus,
    ServiceKind,
    StopOffer,
    StopPhoto,
    StopStatus,
    Trade,
)
from gonghui.outreach.images import file_response
from gonghui.sites.models import ServiceSite

router = Router(tags=["服务职工进基层：大篷车"])
MODULE = "outreach"


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


# --- caravans ---------------------------------------------------------------------------------


class CaravanOut(Schema):
    id: int
    name: str
    kind: CaravanKind = Field(
        description="类型：skills 技能提升 / service 服务保障 / culture 宣传文化 / custom 自定"
    )
    kind_text: str = Field(description="类型名称(自定类型为其名称)")
    org: Ref = Field(description="所属工会")
    vehicle: str
    equipment: str
    trades: list[Trade] = Field(description="可培训工种")
    services: list[ServiceKind] = Field(description="服务项目")
    description: str
    status: str = Field(description="active 运行中 / retired 已停用")
    version: int

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class CaravanPage(Schema):
    items: list[CaravanOut]
    next_cursor: str | None


class CaravanIn(_Strict):
    org_id: int = Field(description="所属工会 id")
    name: str = Field(max_length=100)
    kind: CaravanKind
    kind_label: str = Field("", max_length=30, description="自定类型的名称")
    vehicle: str = Field("", max_length=100)
    equipment: str = Field("", max_length=2000)
    trades: list[Trade] = []
    services: list[ServiceKind] = []
    description: str = Field("", max_length=2000)


class CaravanPatch(_Strict):
    version: int | None = None
    name: str | None = Field(None, max_length=100)
    kind: CaravanKind | None = None
    kind_label: str | None = Field(None, max_length=30)
    vehicle: str | None = Field(None, max_length=100)
    equipment: str | None = Field(None, max_length=2000)
    trades: list[Trade] | None = None
    services: list[ServiceKind] | None = None
    description: str | None = Field(None, max_length=2000)


def _values(data: dict) -> dict:
    out = plain(data)
    for key in ("trades", "services"):
        if out.get(key) is not None:
            out[key] = [getattr(v, "value", v) for v in out[key]]
    return out


@router.get("/caravans", response={200: CaravanPage, **errors(403, 422)}, summary="大篷车列表")
def caravan_list(request, page: Query[PageParams], q: str = "", kind: str = "", status: str = ""):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(
        selectors.caravan_list(request.auth, q=q, kind=kind, status=status), page, descending=True
    )


@router.get(
    "/caravans/{pk:id}", response={200: CaravanOut, **errors(403, 404)}, summary="大篷车详情"
)
def caravan_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.caravan_get(request.auth, id)


@router.post("/caravans", response={201: CaravanOut, **errors(403, 404, 422)}, summary="登记大篷车")
def caravan_create(request, payload: CaravanIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = _values(payload.model_dump())
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    caravan = services.caravan_create(actor=user, org=org, **data)
    return Status(201, selectors.caravan_get(user, caravan.pk))


@router.patch(
    "/caravans/{pk:id}",
    response={200: CaravanOut, **errors(403, 404, 409, 422)},
    summary="修改大篷车",
)
def caravan_update(request, id: int, payload: CaravanPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    caravan = selectors.caravan_get(user, id, Action.EDIT)
    changes = _values(payload.model_dump(exclude_unset=True))
    version = changes.pop("version", None)
    services.caravan_update(actor=user, caravan=caravan, version=version, **changes)
    return selectors.caravan_get(user, id)


class StatusIn(_Strict):
    status: CaravanStatus


@router.post(
    "/caravans/{pk:id}/status",
    response={200: CaravanOut, **errors(403, 404, 409, 422)},
    summary="改变大篷车状态",
    description="active 运行中 / retired 已停用。",
)
def caravan_status(request, id: int, payload: StatusIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    caravan = selectors.caravan_get(user, id, Action.EDIT)
    services.caravan_set_status(actor=user, caravan=caravan, status=payload.status.value)
    return selectors.caravan_get(user, id)


# --- stops ------------------------------------------------------------------------------------


class OfferOut(Schema):
    id: int
    service: ServiceKind
    trade: str = Field(description="培训工种(免费技能培训时)")
    title: str
    quota: int | None = Field(description="名额；null 为不设名额(不登记)")
    confirmed: int
    waiting: int
    served: int | None = Field(description="服务人数(服务小结)")


class StopOut(Schema):
    id: int
    caravan: Ref
    org: Ref = Field(description="负责工会")
    starts_at: datetime
    ends_at: datetime
    place: str
    address: str
    lng: float = Field(description="经度(GCJ-02)")
    lat: float = Field(description="纬度(GCJ-02)")
    township: Ref | None
    host_kind: HostKind
    host_name: str
    portal_open: bool
    status: StopStatus
    cancel_reason: str
    summary: str
    offers: list[OfferOut]
    version: int

    @staticmethod
    def resolve_caravan(obj):
        return {"id": obj.caravan_id, "name": obj.caravan.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_township(obj):
        return {"id": obj.township_id, "name": obj.township.name} if obj.township_id else None

    @staticmethod
    def resolve_host_name(obj):
        return obj.host_text

    @staticmethod
    def resolve_offers(obj):
        return list(obj.offers.all())


class StopPage(Schema):
    items: list[StopOut]
    next_cursor: str | None


class OfferIn(_Strict):
    service: ServiceKind
    trade: Trade | None = None
    label: str = Field("", max_length=30)
    quota: int | None = Field(None, ge=1, le=10000)


class StopIn(_Strict):
    caravan_id: int
    org_id: int = Field(description="负责工会 id")
    starts_at: datetime
    ends_at: datetime
    place: str = Field(max_length=100)
    address: str = Field("", max_length=200)
    lng: float
    lat: float
    crs: str = Field("gcj02", description="坐标系：gcj02、wgs84、bd09")
    township_id: int | None = None
    host_kind: HostKind
    host_enterprise_id: int | None = None
    host_site_id: int | None = None
    host_name: str = Field("", max_length=150)
    duty_note: str = Field("", max_length=200)
    portal_open: bool = True
    offers: list[OfferIn]


class StopPatch(_Strict):
    version: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    lng: float | None = None
    lat: float | None = None
    crs: str = Field("gcj02", description="lng/lat 的坐标系：gcj02、wgs84、bd09")
    township_id: int | None = None
    host_kind: HostKind | None = None
    host_enterprise_id: int | None = None
    host_site_id: int | None = None
    host_name: str | None = Field(None, max_length=150)
    duty_note: str | None = Field(None, max_length=200)
    portal_open: bool | None = None


class CancelIn(_Strict):
    reason: str = Field(max_length=200)


class SummaryIn(_Strict):
    summary: str = Field("", max_length=5000)
    served: dict[int, int] = Field({}, description="{服务项目 id: 服务人数}")


class QuotaIn(_Strict):
    quota: int = Field(ge=1, le=10000)


def _stop(user, pk):
    return selectors.stop_get(user, pk)


@router.get("/stops", response={200: StopPage, **errors(403, 422)}, summary="服务站次列表")
def stop_list(
    request,
    page: Query[PageParams],
    q: str = "",
    caravan_id: int | None = None,
    status: StopStatus | None = None,
    when: str = "",
):
    require(request.auth, MODULE, Action.VIEW)
    stops = selectors.stop_list(
        request.auth,
        q=q,
        caravan=caravan_id,
        status=status.value if status else "",
        when=when,
    ).prefetch_related("offers")
    return paginate(stops, page, descending=True)


@router.get("/stops/{pk:id}", response={200: StopOut, **errors(403, 404)}, summary="站次详情")
def stop_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _stop(request.auth, id)


@router.post(
    "/stops",
    response={201: StopOut, **errors(403, 404, 422)},
    summary="安排站次",
    description="坐标按 crs 换算为 GCJ-02 保存(与服务阵地相同)；就业援助和免费培训须设名额。",
)
def stop_create(request, payload: StopIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    caravan = selectors.caravan_get(user, data.pop("caravan_id"), Action.EDIT)
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    township_id = data.pop("township_id")
    data["township"] = Org.objects.filter(pk=township_id).first() if township_id else None
    enterprise_id, site_id = data.pop("host_enterprise_id"), data.pop("host_site_id")
    data["host_enterprise"] = (
        Enterprise.objects.filter(pk=enterprise_id).first() if enterprise_id else None
    )
    data["host_site"] = ServiceSite.objects.filter(pk=site_id).first() if site_id else None
    data["offers"] = [
        {**plain(o), "trade": getattr(o.get("trade"), "value", o.get("trade")) or ""}
        for o in data["offers"]
    ]
    with field_names(org="org_id", coordinates="lng", host_enterprise="host_enterprise_id"):
        stop = services.stop_create(actor=user, caravan=caravan, org=org, **data)
    return Status(201, _stop(user, stop.pk))


@router.patch(
    "/stops/{pk:id}",
    response={200: StopOut, **errors(403, 404, 409, 422)},
    summary="修改站次",
    description="只能修改计划中的站次；只改传入的字段(township_id、host_enterprise_id、host_site_id 传 null 为清空)。服务项目另有接口。",
)
def stop_update(request, id: int, payload: StopPatch):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    stop = selectors.stop_get(user, id, Action.EDIT)
    changes = plain(payload.model_dump(exclude_unset=True))
    required_not_null(
        changes, nullable=("version", "township_id", "host_enterprise_id", "host_site_id")
    )
    version = changes.pop("version", None)
    crs = changes.pop("crs", "gcj02")
    if "township_id" in changes:
        pk = changes.pop("township_id")
        changes["township"] = Org.objects.filter(pk=pk).first() if pk else None
    if "host_enterprise_id" in changes:
        pk = changes.pop("host_enterprise_id")
        changes["host_enterprise"] = Enterprise.objects.filter(pk=pk).first() if pk else None
    if "host_site_id" in changes:
        pk = changes.pop("host_site_id")
        changes["host_site"] = ServiceSite.objects.filter(pk=pk).first() if pk else None
    with field_names(coordinates="lng", host_enterprise="host_enterprise_id"):
        services.stop_update(actor=user, stop=stop, version=version, crs=crs, **changes)
    return _stop(user, id)


@router.post(
    "/stops/{pk:id}/cancel",
    response={200: StopOut, **errors(403, 404, 409, 422)},
    summary="取消站次",
)
def stop_cancel(request, id: int, payload: CancelIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    stop = selectors.stop_get(user, id, Action.EDIT)
    services.stop_cancel(actor=user, stop=stop, reason=payload.reason)
    return _stop(user, id)


@router.post(
    "/stops/{pk:id}/summary",
    response={200: StopOut, **errors(403, 404, 409, 422)},
    summary="填写服务小结",
    description="各服务项目的服务人数和小结；站次变为已完成。",
)
def stop_summary(request, id: int, payload: SummaryIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    stop = selectors.stop_get(user, id, Action.EDIT)
    services.stop_summarise(actor=user, stop=stop, summary=payload.summary, served=payload.served)
    return _stop(user, id)


@router.post(
    "/stops/{pk:id}/offers",
    response={201: OfferOut, **errors(403, 404, 409, 422)},
    summary="增加服务项目",
    description="计划中的站次增加一项服务；就业援助和免费技能培训须设名额，培训须是该大篷车能培训的工种。",
)
def offer_add(request, id: int, payload: OfferIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    stop = selectors.stop_get(user, id, Action.EDIT)
    data = payload.model_dump()
    offer = services.offer_add(
        actor=user,
        stop=stop,
        service=getattr(data["service"], "value", data["service"]),
        trade=getattr(data["trade"], "value", data["trade"]) or "",
        label=data["label"],
        quota=data["quota"],
    )
    return Status(201, offer)


@router.delete(
    "/offers/{pk:id}",
    response={204: None, **errors(403, 404, 409)},
    summary="删除服务项目",
    description="已有职工登记的服务项目不能删除(可调整名额)；站次至少保留一项服务。",
)
def offer_remove(request, id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    offer = get_object_or_404(StopOffer, pk=id)
    selectors.stop_get(user, offer.stop_id, Action.EDIT)
    services.offer_remove(actor=user, offer=offer)
    return Status(204, None)


@router.post(
    "/offers/{pk:id}/quota",
    response={200: OfferOut, **errors(403, 404, 409, 422)},
    summary="调整名额",
    description="不能少于已确认人数；增加名额时候补按登记顺序递补。",
)
def offer_quota(request, id: int, payload: QuotaIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    offer = get_object_or_404(StopOffer, pk=id)
    selectors.stop_get(user, offer.stop_id, Action.EDIT)
    return services.offer_quota_set(actor=user, offer=offer, quota=payload.quota)


# --- registrations -------------------------------------------------------------------------------


class RegistrationOut(Schema):
    id: int
    reference: str = Field(description="登记号")
    stop: Ref = Field(description="站次 {id, name: 地点}")
    offer: OfferOut
    arrival: int = Field(description="该项目的登记顺序")
    status: RegistrationStatus
    waitlist_position: int | None = Field(description="候补第几位")
    channel: RegistrationChannel
    registered_on: date
    name: str
    gender: str
    is_migrant_worker: bool
    consent: bool = Field(description="本人同意登记身份证号和手机号")
    id_number: str = Field(description="身份证号(脱敏)")
    phone: str = Field(description="手机号码(脱敏)")
    is_member: bool
    in_hardship_archive: bool = Field(description="困难职工家庭(已告知其档案)")
    wish_job: str
    wish_pay: int | None
    wish_area: str
    skills: str
    outcome: Outcome | None = Field(description="跟踪结果；null 为跟踪中")
    trained_on: date | None
    employed_on: date | None
    employer_name: str
    monthly_pay: int | None
    days_to_job: int | None

    @staticmethod
    def resolve_stop(obj):
        return {"id": obj.stop_id, "name": obj.stop.place}

    @staticmethod
    def resolve_waitlist_position(obj):
        return services.waitlist_position(obj)

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_is_member(obj):
        return obj.member_id is not None

    @staticmethod
    def resolve_in_hardship_archive(obj):
        return obj.archive_id is not None

    @staticmethod
    def resolve_outcome(obj):
        return obj.outcome or None


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    next_cursor: str | None


class RegistrationIn(_Strict):
    offer_id: int | None = Field(None, description="登记项目 id；或用 service 与 trade 指定")
    service: ServiceKind | None = None
    trade: Trade | None = None
    name: str = Field(max_length=50)
    gender: str = Field("", description="male / female")
    is_migrant_worker: bool = False
    consent: bool = Field(False, description="本人同意登记身份证号和手机号；未同意时不能提供")
    id_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    member_card: str = Field("", max_length=20, description="会员卡号")
    wish_job: str = Field("", max_length=50)
    wish_pay: int | None = Field(None, ge=0, le=1000000)
    wish_area: str = Field("", max_length=50)
    skills: str = Field("", max_length=200)
    note: str = Field("", max_length=200)


@router.get(
    "/registrations",
    response={200: RegistrationPage, **errors(403, 422)},
    summary="登记名单",
    description="身份证号和手机号脱敏。",
)
def registration_list(
    request,
    page: Query[PageParams],
    stop_id: int | None = None,
    status: RegistrationStatus | None = None,
    outcome: str = "",
    q: str = "",
):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    stop = None
    if stop_id is not None:
        stop = selectors.stop_get(user, stop_id)
    rows = selectors.registration_list(
        user, stop=stop, status=status.value if status else "", outcome=outcome, q=q
    )
    return paginate(rows.order_by(), page, descending=True)


@router.get(
    "/registrations/{pk:id}",
    response={200: RegistrationOut, **errors(403, 404)},
    summary="登记详情",
)
def registration_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.registration_get(request.auth, id)


@router.post(
    "/stops/{pk:id}/registrations",
    response={201: RegistrationOut, **errors(403, 404, 422)},
    summary="现场登记",
    description=(
        "名额未满为已确认，已满进入候补(按登记顺序递补)。站次结束后、未开设的培训工种、"
        "同一人在同一站次重复登记、未经同意提供身份证号或手机号，均返回 422 且不写入任何数据。"
    ),
)
def registration_create(request, id: int, payload: RegistrationIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    stop = selectors.stop_get(user, id, Action.EDIT)
    data = plain(payload.model_dump())
    offer_id = data.pop("offer_id")
    offer = None
    if offer_id is not None:
        offer = StopOffer.objects.filter(pk=offer_id, stop=stop).first()
        if offer is None:
            raise ValidationFailed(
                "请选择本站次的服务项目。", fields={"offer_id": ["请选择本站次的服务项目。"]}
            )
    data["service"] = data["service"] or ""
    data["trade"] = data["trade"] or ""
    with field_names(offer="offer_id"):
        registration = services.registration_create(
            actor=user, stop=stop, offer=offer, channel=RegistrationChannel.ON_SITE, **data
        )
    return Status(201, selectors.registration_get(user, registration.pk))


@router.post(
    "/registrations/{pk:id}/cancel",
    response={200: RegistrationOut, **errors(403, 404, 409, 422)},
    summary="取消登记",
    description="已确认的名额顺延给候补第 1 位。",
)
def registration_cancel(request, id: int, payload: CancelIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    registration = selectors.registration_get(user, id, Action.EDIT)
    services.registration_cancel(actor=user, registration=registration, reason=payload.reason)
    return selectors.registration_get(user, id)


# --- the registration export (.xlsx) ---------------------------------------------------------------

XLSX_OPENAPI = {
    "responses": {
        200: {
            "description": "现场登记名单(.xlsx)",
            "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
        }
    }
}


class ExportIn(_Strict):
    reason: str = Field(min_length=1, max_length=200, description="导出未脱敏数据的理由")
    q: str = Field("", max_length=50)
    status: RegistrationStatus | None = None
    outcome: str = Field("", max_length=20)


def _export(user, filters: dict, *, reason: str | None):
    unmask = reason is not None
    content = export_workbook(
        actor=user,
        what="outreach_registrations",
        headers=selectors.EXPORT_HEADERS,
        rows=selectors.registration_export_rows(user, unmask=unmask, **filters),
        sheet_name="现场登记",
        filters=filters,
        masked=not unmask,
        reason=reason,
    )
    return xlsx_response(content, "现场登记-未脱敏" if unmask else "现场登记")


@router.get(
    "/registrations/export",
    response={200: None, **errors(403, 422)},
    summary="导出登记名单",
    description="按筛选条件导出 .xlsx；身份证号和手机号脱敏。每次导出都记入审计日志。",
    openapi_extra=XLSX_OPENAPI,
)
def registration_export(
    request, q: str = "", status: RegistrationStatus | None = None, outcome: str = ""
):
    user = request.auth
    require(user, MODULE, Action.EXPORT)
    filters = {"q": q.strip(), "status": status.value if status else "", "outcome": outcome}
    return _export(user, filters, reason=None)


@router.post(
    "/registrations/export",
    response={200: None, **errors(403, 422)},
    summary="导出未脱敏登记名单",
    description=(
        "需要查看敏感信息权限并填写理由；只含您可查看敏感信息范围内的登记。导出和理由记入审计日志。"
    ),
    openapi_extra=XLSX_OPENAPI,
)
def registration_export_unmasked(request, payload: ExportIn):
    user = request.auth
    require(user, MODULE, Action.EXPORT)
    require(user, MODULE, Action.VIEW_SENSITIVE)
    reason = normalise_text(payload.reason).strip()
    if not reason:
        raise ValidationFailed("请填写导出理由。", fields={"reason": ["请填写导出理由。"]})
    filters = {
        "q": payload.q.strip(),
        "status": payload.status.value if payload.status else "",
        "outcome": payload.outcome,
    }
    return _export(user, filters, reason=reason)


# --- stop photos -------------------------------------------------------------------------------------

PHOTO_OPENAPI = {
    "responses": {200: {"description": "照片(JPEG、PNG 或 WebP)", "content": {"image/*": {}}}}
}


class PhotoOut(Schema):
    id: int
    caption: str
    width: int
    height: int
    uploaded_at: datetime


@router.get(
    "/stops/{pk:id}/photos",
    response={200: list[PhotoOut], **errors(403, 404)},
    summary="站次照片列表",
)
def stop_photo_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.stop_photos(_stop(request.auth, id))


@router.post(
    "/stops/{pk:id}/photos",
    response={201: PhotoOut, **errors(403, 404, 409, 422)},
    summary="上传站次照片",
    description=(
        "multipart/form-data，字段 image(JPEG、PNG 或 WebP 图片，按系统大小限制)和 caption(说明)；"
        "其他类型、过大或已达每站照片上限返回 422。"
    ),
)
def stop_photo_add(request, id: int, image: File[UploadedFile], caption: Form[str] = ""):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    stop = selectors.stop_get(user, id, Action.EDIT)
    photo = services.stop_photo_add(actor=user, stop=stop, upload=image, caption=caption)
    return Status(201, photo)


def _photo(stop, photo_id: int) -> StopPhoto:
    return get_object_or_404(StopPhoto, pk=photo_id, stop=stop)


@router.get(
    "/stops/{pk:id}/photos/{pk:photo_id}",
    response={200: None, **errors(403, 404)},
    summary="查看站次照片",
    openapi_extra=PHOTO_OPENAPI,
)
def stop_photo(request, id: int, photo_id: int):
    require(request.auth, MODULE, Action.VIEW)
    return file_response(_photo(_stop(request.auth, id), photo_id).image)


@router.delete(
    "/stops/{pk:id}/photos/{pk:photo_id}",
    response={204: None, **errors(403, 404, 409)},
    summary="删除站次照片",
)
def stop_photo_remove(request, id: int, photo_id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    photo = _photo(selectors.stop_get(user, id, Action.EDIT), photo_id)
    services.stop_photo_remove(actor=user, photo=photo)
    return Status(204, None)

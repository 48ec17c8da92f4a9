"""Public sites API (no login): /api/v1/public/sites.

The nearest open sites to a point, one site by its code, and a worker's feedback/repair
report and check-in (扫码打卡). Every call is rate-limited per IP (429 `rate_limited`);
coordinates are accepted and answered in the caller's crs (wgs84 from phone GPS, gcj02 for
Gaode/Tencent, bd09 for Baidu), with the stored GCJ-02 beside them.
"""

import datetime
from urllib.parse import quote

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from gonghui.core import geo
from gonghui.core.api import errors
from gonghui.core.errors import ValidationFailed
from gonghui.core.request_context import client_ip
from gonghui.sites import selectors, services
from gonghui.sites.models import ServiceSite, SiteKind, SiteStatus
from gonghui.sites.public import services as public

router = Router(tags=["服务站点(公开)"])

CRS_DESCRIPTION = "坐标系：wgs84(手机 GPS)、gcj02(高德/腾讯，默认)、bd09(百度)"


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Point(Schema):
    lng: float = Field(description="经度")
    lat: float = Field(description="纬度")


class Located(Point):
    crs: str = Field(description="lng/lat 所用坐标系(与请求的 crs 相同)")


class Choice(Schema):
    code: str
    label: str


class StandardItem(Choice):
    met: bool


class PhoneOut(Schema):
    display: str = Field(description="显示的号码：服务电话(座机、400 等)完整显示，手机号脱敏")
    tel: str = Field(description="可拨打的 tel: 链接；手机号(个人号码)为空")


class DirectionsOut(Schema):
    amap: str = Field(description="高德地图步行导航链接")
    baidu_web: str = Field(description="百度地图网页步行导航链接")
    baidu_app: str = Field(description="百度地图 App 链接(baidumap://)")


class SiteSummaryOut(Schema):
    code: str = Field(description="站点编码")
    name: str
    kind: str
    kind_display: str
    status: str = Field(description="open 正常开放 / suspended 暂停服务 / closed 已关闭")
    status_display: str
    address: str
    location: Located = Field(description="请求的坐标系中的位置")
    gcj02: Point = Field(description="GCJ-02 位置(存储值)")
    is_24h: bool
    open_now: bool = Field(description="此刻是否开放(北京时间)")
    facilities: list[Choice]
    url: str = Field(description="站点公开页面(二维码指向的地址)")


class NearestItemOut(SiteSummaryOut):
    distance_m: int = Field(description="与所给位置的直线距离(米)")
    directions: DirectionsOut


class NearestOut(Schema):
    origin: Located = Field(description="所给位置(请求的坐标系)")
    items: list[NearestItemOut]


class DayHoursOut(Schema):
    day: str
    label: str
    text: str
    is_today: bool


class PhotoOut(Schema):
    url: str
    width: int
    height: int
    caption: str


class SiteDetailOut(SiteSummaryOut):
    status_reason: str
    status_changed_on: datetime.date | None
    description: str
    township: str = Field(description="所在乡镇(街道)")
    managing_org: str = Field(description="管理工会")
    host_unit: str
    contact_name: str
    contact_phone: PhoneOut
    hours: list[DayHoursOut]
    standards: list[StandardItem] = Field(description="“六有”标准各项是否达到")
    meets_six_standard: bool
    photos: list[PhotoOut]
    directions: DirectionsOut


class NearestQuery(Schema):
    lat: float = Field(description="纬度")
    lng: float = Field(description="经度")
    crs: str = Field(geo.Crs.GCJ02, description=CRS_DESCRIPTION)
    limit: int = Field(10, ge=1, le=selectors.NEAREST_MAX_LIMIT, description="返回条数(1–50)")
    kind: SiteKind | None = Field(None, description="站点类型；不传为全部")
    open_now: bool = Field(False, description="只返回此刻开放的站点")


class CrsQuery(Schema):
    crs: str = Field(geo.Crs.GCJ02, description=CRS_DESCRIPTION)


class FeedbackIn(_Strict):
    kind: str = Field(max_length=10, description="feedback 意见反馈 / repair 设施报修")
    text: str = Field(max_length=2000, description="内容(5–500 字)")
    phone: str = Field("", max_length=20, description="联系手机(选填，加密保存)")


class FeedbackReceiptOut(Schema):
    kind: str
    status: str
    routed_to: str = Field(description="受理的工会")
    submitted_at: datetime.datetime


class CheckInOut(Schema):
    counted: bool = Field(description="false：同一设备 30 分钟内已打卡，不重复计数")
    message: str


# --- helpers -----------------------------------------------------------------------------------


def _crs(value: str) -> str:
    crs = (value or "").strip().lower().replace("-", "").replace("_", "")
    if crs not in geo.CRS_CHOICES:
        raise ValidationFailed(
            geo.UNKNOWN_CRS, code="unknown_crs", fields={"crs": [geo.UNKNOWN_CRS]}
        )
    return crs


_KIND_LABELS = dict(SiteKind.choices)
_STATUS_LABELS = dict(SiteStatus.choices)
_CODE_SLOT = "__site_code__"


def _site_url(code: str, base: str | None = None) -> str:
    """The site's public page; `base` (from _site_url_base) saves a reverse() per site."""
    if base is None:
        return reverse("portal:site", args=[code])
    return base.replace(_CODE_SLOT, quote(code, safe=""))


def _site_url_base() -> str:
    return reverse("portal:site", args=[_CODE_SLOT])


def _summary(site: ServiceSite, crs: str, at: datetime.datetime, url_base=None) -> dict:
    lng, lat = public.coordinates_in(site, crs)
    return {
        "code": site.site_code,
        "name": site.name,
        "kind": site.kind,
        "kind_display": _KIND_LABELS.get(site.kind, site.kind),
        "status": site.status,
        "status_display": _STATUS_LABELS.get(site.status, site.status),
        "address": site.address,
        "location": {"lng": lng, "lat": lat, "crs": crs},
        "gcj02": {"lng": site.lng, "lat": site.lat},
        "is_24h": site.is_24h,
        "open_now": selectors.site_is_open_now(site, at),
        "facilities": [{"code": c, "label": label} for c, label in public.facility_items(site)],
        "url": _site_url(site.site_code, url_base),
    }


def _directions(site: ServiceSite, origin=None) -> dict:
    links = public.direction_links(site, origin)
    return {"amap": links.amap, "baidu_web": links.baidu_web, "baidu_app": links.baidu_app}


def _site(request, code: str) -> ServiceSite:
    return selectors.site_public_get(site_code=code)


# --- endpoints ---------------------------------------------------------------------------------


@router.get(
    "/nearest",
    auth=None,
    response={200: NearestOut, **errors(422, 429)},
    summary="附近的服务站点(公开)",
    description=(
        "按直线(大圆)距离返回离所给位置最近的正常开放站点，距离相同时按站点先后。"
        "坐标超出范围(out_of_range)、不在中国境内(out_of_china)、坐标系不支持(unknown_crs)"
        "返回 422。按 IP 限制频率(429)。"
    ),
)
def nearest(request, query: Query[NearestQuery]):
    public.public_rate_check(client_ip(request))
    crs = _crs(query.crs)
    try:
        lng, lat = geo.coordinate_parse(query.lng, query.lat, crs)
    except geo.CoordinateError as exc:
        raise ValidationFailed(
            exc.message, code=exc.code, fields={"lng": [exc.message], "lat": [exc.message]}
        ) from None
    at = timezone.now()
    found = selectors.site_nearest(
        lat=lat,
        lng=lng,
        limit=query.limit,
        kind=query.kind.value if query.kind else None,
        open_now=query.open_now,
        at=at,
    )
    origin_lng, origin_lat = geo.from_gcj02(lng, lat, crs)
    url_base = _site_url_base()
    # Rendered straight to JSON: the hottest public endpoint skips re-validating its own
    # answer against NearestOut (the schema still documents it; tests check the shape).
    return JsonResponse(
        {
            "origin": {"lng": round(origin_lng, 6), "lat": round(origin_lat, 6), "crs": crs},
            "items": [
                {
                    **_summary(item.site, crs, at, url_base),
                    "distance_m": round(item.distance_m),
                    "directions": _directions(item.site, (lng, lat)),
                }
                for item in found
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@router.get(
    "/{code}",
    auth=None,
    response={200: SiteDetailOut, **errors(404, 422, 429)},
    summary="站点详情(公开)",
    description="按站点编码返回站点信息(含暂停、关闭的站点，状态中注明)；编码不存在返回 404。",
)
def site_detail(request, code: str, query: Query[CrsQuery]):
    public.public_rate_check(client_ip(request))
    crs = _crs(query.crs)
    site = _site(request, code)
    at = timezone.now()
    phone = public.site_phone(site)
    return {
        **_summary(site, crs, at),
        "status_reason": site.status_reason,
        "status_changed_on": site.status_changed_on,
        "description": site.description,
        "township": site.township.name if site.township_id else "",
        "managing_org": site.org.name,
        "host_unit": site.host_unit,
        "contact_name": site.contact_name,
        "contact_phone": {"display": phone.display, "tel": phone.tel},
        "hours": [vars(day) for day in public.week_hours(site, at)],
        "standards": [
            {"code": c, "label": label, "met": met} for c, label, met in public.standard_items(site)
        ],
        "meets_six_standard": site.meets_six_standard,
        "photos": [
            {"url": p.image.url, "width": p.width, "height": p.height, "caption": p.caption}
            for p in selectors.site_photos(site)
        ],
        "directions": _directions(site),
    }


@router.post(
    "/{code}/feedback",
    auth=None,
    response={201: FeedbackReceiptOut, **errors(404, 422, 429)},
    summary="提交站点意见反馈或设施报修(公开)",
    description=(
        "无需登录，转交站点的管理工会处理。联系手机选填(加密保存)。"
        "已关闭的站点不再受理(422 site_closed)；同一 IP 提交过多返回 429。"
    ),
)
def feedback(request, code: str, payload: FeedbackIn):
    ip = client_ip(request)
    public.public_rate_check(ip, write=True)
    site = _site(request, code)
    report = services.feedback_submit(
        site=site, kind=payload.kind, text=payload.text, phone=payload.phone, ip=ip
    )
    return Status(
        201,
        {
            "kind": report.kind,
            "status": report.status,
            "routed_to": site.org.name,
            "submitted_at": report.created_at,
        },
    )


@router.post(
    "/{code}/checkins",
    auth=None,
    response={200: CheckInOut, 201: CheckInOut, **errors(404, 422, 429)},
    summary="扫码打卡(公开)",
    description=(
        "为站点计一次使用(按日统计)。同一 IP 30 分钟内在同一站点重复打卡不重复计数(200，counted=false)；"
        "暂停或关闭的站点不能打卡(422 site_not_open)。"
    ),
)
def checkin(request, code: str):
    ip = client_ip(request)
    public.public_rate_check(ip, write=True)
    site = _site(request, code)
    if services.checkin_record(site=site, ip=ip):
        return Status(201, {"counted": True, "message": "打卡成功，感谢使用！"})
    return {"counted": False, "message": "您刚刚已在这里打过卡，30 分钟内不重复计数。"}

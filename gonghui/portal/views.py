"""The workers' portal pages (public, no login, phone-first; they work without JavaScript).

The site finder is server-rendered: the page's small script only asks the phone for its
position and submits it as an ordinary GET form (lat, lng, crs=wgs84); without a position
(refused, unavailable, no JS) the worker picks a township or types an address.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import NotFound, ServiceError, ValidationFailed
from gonghui.core.forms import Form
from gonghui.core.request_context import client_ip
from gonghui.core.views_helpers import form_apply_error
from gonghui.portal import selectors as portal_selectors
from gonghui.portal.registry import portal_links
from gonghui.sites import geo, public, selectors, services
from gonghui.sites.models import FeedbackKind, ServiceSite, SiteKind, SiteStatus
from gonghui.sites.services import RateLimited

NEAREST_LIMIT = 10


def _too_many(request, exc: ServiceError):
    return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)


def _not_found(request, site_code: str):
    return render(request, "portal/not_found.html", {"site_code": site_code[:40]}, status=404)


@require_GET
def home(request):
    return render(request, "portal/home.html", {"services": portal_links()})


# --- nearest stations ------------------------------------------------------------------------


@dataclass(frozen=True)
class NearestRow:
    site: ServiceSite
    distance_text: str  # "" for search results (no point to measure from)
    open_now: bool
    facilities: list
    directions: public.DirectionLinks
    today_hours: str = ""  # "08:00–12:00、14:00–18:00", "不开放": when a closed one opens


def _distance_text(metres: float) -> str:
    if metres < 1000:
        return f"{round(metres)} 米"
    return f"{metres / 1000:.1f} 公里"


def _row(site, at, *, distance_text: str = "", origin=None) -> NearestRow:
    """A listed site and whether it is open at this moment (its status says it is in
    service; its hours say whether it is open now, and if not, today's hours)."""
    open_now = selectors.site_is_open_now(site, at)
    today = "" if open_now else next(d.text for d in public.week_hours(site, at) if d.is_today)
    return NearestRow(
        site=site,
        distance_text=distance_text,
        open_now=open_now,
        facilities=public.facility_items(site),
        directions=public.direction_links(site, origin),
        today_hours=today,
    )


def _rows(found, origin, at) -> list[NearestRow]:
    return [
        _row(item.site, at, distance_text=_distance_text(item.distance_m), origin=origin)
        for item in found
    ]


def _search_rows(sites, at) -> list[NearestRow]:
    return [_row(site, at) for site in sites]


@require_GET
def nearest(request):
    """?lat=&lng=&crs= (the phone's position), or ?township=<id>, or ?q=<address or place>;
    optional kind= and open_now=1."""
    try:
        public.public_rate_check(client_ip(request))
    except RateLimited as exc:
        return _too_many(request, exc)
    params = request.GET
    kind = params.get("kind", "") if params.get("kind", "") in SiteKind.values else ""
    open_now = params.get("open_now") == "1"
    q = params.get("q", "").strip()[: portal_selectors.QUERY_MAX_LENGTH]
    township = params.get("township", "").strip()
    at = timezone.now()
    origin, origin_label, error, rows, searched = None, "", "", None, False
    if params.get("lat") or params.get("lng"):
        searched = True
        try:
            origin = geo.coordinate_parse(
                params.get("lng", ""), params.get("lat", ""), params.get("crs") or geo.Crs.WGS84
            )
            origin_label = "您的位置"
        except geo.CoordinateError as exc:
            error = f"无法使用该位置：{exc.message}请选择乡镇(街道)或输入地址。"
    elif township:
        searched = True
        place = portal_selectors.township_centre(township)
        if place is None:
            error = "该乡镇(街道)暂无开放的站点，请选择其他乡镇(街道)。"
        else:
            origin, origin_label = (place.lng, place.lat), f"{place.name}中心"
    elif q:
        searched = True
        result = portal_selectors.site_search(q)
        if result.sites:
            rows = _search_rows(result.sites, at)
            origin_label = f"名称或地址含“{q}”"
        elif result.place is not None:
            origin = (result.place.lng, result.place.lat)
            origin_label = f"{result.place.name}中心"
        else:
            error = f"没有找到与“{q}”相关的站点或乡镇(街道)。请换个关键词，或选择乡镇(街道)。"
    if origin is not None:
        found = selectors.site_nearest(
            lng=origin[0],
            lat=origin[1],
            limit=NEAREST_LIMIT,
            kind=kind or None,
            open_now=open_now,
            at=at,
        )
        rows = _rows(found, origin if origin_label == "您的位置" else None, at)
    keep = {k: params.get(k, "") for k in ("lat", "lng", "crs", "township", "q") if params.get(k)}
    return render(
        request,
        "portal/nearest.html",
        {
            "rows": rows,
            "open_count": sum(row.open_now for row in rows or ()),
            "searched": searched,
            "error": error,
            "origin_label": origin_label,
            "townships": portal_selectors.townships_with_sites(),
            "township": township,
            "q": q,
            "kind": kind,
            "open_now": open_now,
            "kind_choices": SiteKind.choices,
            "keep": keep,
        },
    )


# --- a site's page (the QR code target) --------------------------------------------------------


class FeedbackForm(Form):
    """Parses the report; services.feedback_submit validates (Chinese messages)."""

    kind = forms.ChoiceField(
        label="反馈类型",
        choices=FeedbackKind.choices,
        initial=FeedbackKind.REPAIR,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="内容",
        required=False,
        max_length=services.FEEDBACK_TEXT_MAX,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "例如：饮水机不出热水；希望增加充电插座。"}
        ),
    )
    phone = forms.CharField(
        label="联系手机(选填)",
        required=False,
        max_length=20,
        help_text="留下手机号，工会处理后可以联系您；号码加密保存。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


def _site_or_none(site_code: str) -> ServiceSite | None:
    try:
        return selectors.site_public_get(site_code=site_code)
    except NotFound:
        return None


def _render_site(request, site: ServiceSite, form: FeedbackForm, status: int = 200):
    at = timezone.now()
    return render(
        request,
        "portal/site.html",
        {
            "site": site,
            "open_now": selectors.site_is_open_now(site, at),
            "week": public.week_hours(site, at),
            "facilities": public.facility_items(site),
            "standards": public.standard_items(site),
            "phone": public.site_phone(site),
            "org_phone": public.public_phone(site.org.contact_phone),
            "photos": list(selectors.site_photos(site)),
            "directions": public.direction_links(site),
            "form": form,
            "is_open": site.status == SiteStatus.OPEN,
            "is_closed": site.status == SiteStatus.CLOSED,
        },
        status=status,
    )


@require_GET
def site(request, site_code: str):
    try:
        public.public_rate_check(client_ip(request))
    except RateLimited as exc:
        return _too_many(request, exc)
    found = _site_or_none(site_code)
    if found is None:
        return _not_found(request, site_code)
    if found.site_code != site_code:  # 339901-hw-0007 → the printed spelling
        return redirect("portal:site", found.site_code, permanent=True)
    return _render_site(request, found, FeedbackForm())


@require_POST
@csrf_protect
def site_checkin(request, site_code: str):
    found = _site_or_none(site_code)
    if found is None:
        return _not_found(request, site_code)
    ip = client_ip(request)
    try:
        public.public_rate_check(ip, write=True)
        counted = services.checkin_record(site=found, ip=ip)
    except RateLimited as exc:
        return _too_many(request, exc)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        if counted:
            messages.success(request, "打卡成功，感谢您使用本站点！")
        else:
            messages.info(request, "您刚刚已在这里打过卡，30 分钟内不重复计数。")
    return redirect("portal:site", found.site_code)  # the message shows at the top


@require_POST
@csrf_protect
def site_feedback(request, site_code: str):
    found = _site_or_none(site_code)
    if found is None:
        return _not_found(request, site_code)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _render_site(request, found, form, status=422)
    ip = client_ip(request)
    try:
        public.public_rate_check(ip, write=True)
        services.feedback_submit(
            site=found,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            phone=form.cleaned_data["phone"],
            ip=ip,
        )
    except RateLimited as exc:
        return _too_many(request, exc)
    except ServiceError as exc:
        form_apply_error(request, form, exc)
        return _render_site(request, found, form, status=exc.status)
    messages.success(
        request, f"感谢您的反馈！已转交{found.org.name}处理，留了手机号的，处理后会联系您。"
    )
    return redirect("portal:site", found.site_code)

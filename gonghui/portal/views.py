"""The workers' portal pages (public, no login, phone-first; they work without JavaScript).

The site finder is server-rendered: the page's small script only asks the phone for its
position and submits it as an ordinary GET form (lat, lng, crs=wgs84); without a position
(refused, unavailable, no JS) the worker picks a township or types an address.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from gonghui.assistance.archives import public as hardship_public
from gonghui.core import geo
from gonghui.core.errors import NotFound, ServiceError, ValidationFailed
from gonghui.core.forms import forms_valid
from gonghui.core.pages import form_apply_error
from gonghui.core.request_context import client_ip
from gonghui.portal import selectors as portal_selectors
from gonghui.portal.forms import (
    DEFAULT_MEMBER_ROWS,
    FIGURES,
    ApplyForm,
    FeedbackForm,
    FiguresForm,
    HouseholdFormSet,
    StatusForm,
)
from gonghui.portal.registry import portal_links
from gonghui.sites import selectors, services
from gonghui.sites.models import ServiceSite, SiteKind, SiteStatus
from gonghui.sites.public import services as public
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


# --- 困难职工自测 and the hardship application (public, phone-first, no JS needed) -------------
# Self-check → result with the calculation → "申请建档" posts the figures to the application
# form (prefill, nothing stored) → submit → done page; a status check by ID number + phone.
# The rules live in gonghui.assistance.archives.public; these views parse, call it, render.

DONE_SESSION_KEY = "hardship_apply_done"


def _rows_wanted(household_size) -> int:
    try:
        size = int(str(household_size).strip())
    except (TypeError, ValueError):
        return DEFAULT_MEMBER_ROWS
    return max(0, min(size - 1, hardship_public.MAX_HOUSEHOLD_ROWS))


# --- self-check -----------------------------------------------------------------------------


def _figures(data: dict) -> dict:
    """The self-check's arguments from the form's cleaned data (or the part that parsed)."""
    values = {key: data.get(key, "") for key in FIGURES}
    values["township_id"] = values.pop("township")
    return values


def _self_check_values(data: dict) -> None:
    """The self-check's own messages for a form whose fields failed (stores nothing)."""
    hardship_public.self_check(**_figures(data))


@csrf_protect
def self_check(request):
    """GET: the form. POST: the result with its calculation (nothing stored)."""
    form = FiguresForm(request.POST or None, check=_self_check_values)
    check, status = None, 200
    if request.method == "POST" and not form.is_valid():
        status = 422
    elif request.method == "POST":
        try:
            check = hardship_public.self_check(**_figures(form.cleaned_data))
        except ServiceError as exc:
            status = exc.status
            if exc.fields:
                form_apply_error(request, form, exc)
            else:
                form.add_error(None, exc.message)
    return render(
        request,
        "portal/assistance/self_check.html",
        {"form": form, "check": check, "figures": FIGURES},
        status=status,
    )


# --- application ------------------------------------------------------------------------------


def _apply_page(request, form, household, status=200):
    return render(
        request,
        "portal/assistance/apply.html",
        {"form": form, "household": household},
        status=status,
    )


def _prefill(request):
    """Arriving from the self-check result: the figures become the form's initial values."""
    figures = FiguresForm(request.POST)
    figures.is_valid()
    initial = {k: v for k, v in figures.cleaned_data.items() if v}
    if initial.get("disaster"):
        initial["main_cause"] = initial["disaster"]
    wanted = _rows_wanted(initial.get("household_size"))
    return _apply_page(
        request,
        ApplyForm(initial=initial),
        HouseholdFormSet(prefix="household", initial=[{}] * wanted),
    )


def _resize(request, form, household):
    """ "按家庭人口调整成员行数": the page again with as many member rows as the household
    needs, keeping what was typed (works without JavaScript)."""
    form.is_valid()
    household.is_valid()
    rows = [f.cleaned_data for f in household.forms if getattr(f, "cleaned_data", None)]
    kept = [r for r in rows if any(r.values())]
    wanted = max(_rows_wanted(request.POST.get("household_size")), len(kept))
    initial = {k: v for k, v in form.cleaned_data.items() if k != "promise"}
    return _apply_page(
        request,
        ApplyForm(initial=initial),
        HouseholdFormSet(prefix="household", initial=kept + [{}] * (wanted - len(kept))),
    )


def _place_errors(request, form, household, exc: ServiceError, *, only_new=False) -> None:
    """Field errors at their fields, a member row's (`household-<i>-<field>`) at its row.
    only_new: the forms found problems themselves; keep theirs and add the rest."""
    rows: dict[int, dict] = {}
    rest = {}
    for key, errors in exc.fields.items():
        if key.startswith("household-"):
            _prefix, index, field = key.split("-", 2)
            rows.setdefault(int(index), {})[field] = errors
        else:
            rest[key] = errors
    for index, fields in rows.items():
        household.forms[index].add_service_errors(
            ServiceError(exc.message, fields=fields), only_new=only_new
        )
    exc.fields = rest
    if only_new:
        form.add_service_errors(exc, only_new=True)
    else:
        form_apply_error(request, form, exc)


def _members(household) -> list[tuple[int, dict]]:
    """(row index, values) of the member rows filled in (what parsed of each)."""
    return [
        (index, row.service_data()) for index, row in enumerate(household.forms) if row.filled()
    ]


@csrf_protect
def apply(request):
    if request.method != "POST":
        wanted = DEFAULT_MEMBER_ROWS
        return _apply_page(
            request, ApplyForm(), HouseholdFormSet(prefix="household", initial=[{}] * wanted)
        )
    if request.POST.get("prefill"):
        return _prefill(request)
    form = ApplyForm(request.POST)
    household = HouseholdFormSet(request.POST, prefix="household")
    if request.POST.get("resize"):
        return _resize(request, form, household)
    valid = forms_valid(form, household)
    values = dict(
        township_id=form.cleaned_data.get("township"),
        members=_members(household),
        ip=client_ip(request),
        **form.service_data(),
    )
    try:
        if not valid:
            # The forms found problems: ask the service what else is wrong, so that the
            # worker sees every problem on this one submit (nothing is written).
            hardship_public.application_check(**values)
            return _apply_page(request, form, household, status=422)
        archive = hardship_public.application_submit(**values)
    except hardship_public.RateLimited as exc:
        return _too_many(request, exc)
    except ServiceError as exc:
        _place_errors(request, form, household, exc, only_new=not valid)
        return _apply_page(request, form, household, status=exc.status)
    request.session[DONE_SESSION_KEY] = {
        "name": archive.name,
        "union": archive.org.name,
        "category": archive.get_category_display(),
    }
    return redirect("portal:hardship_done")


def done(request):
    done_info = request.session.get(DONE_SESSION_KEY)
    if not done_info:
        return redirect("portal:hardship_apply")
    return render(request, "portal/assistance/done.html", {"done": done_info})


# --- status -------------------------------------------------------------------------------


@csrf_protect
def status(request):
    form = StatusForm(request.POST or None)
    result, code = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            result = hardship_public.application_status(
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                ip=client_ip(request),
            )
        except hardship_public.RateLimited as exc:
            return _too_many(request, exc)
        except ServiceError as exc:
            code = exc.status
            if exc.fields:
                form_apply_error(request, form, exc)
            else:
                form.add_error(None, exc.message)
    return render(
        request, "portal/assistance/status.html", {"form": form, "result": result}, status=code
    )

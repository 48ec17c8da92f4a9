"""Service-site staff pages: list, detail (masked phone, audited unmask), create and edit with
a click map, status changes, photos, the printable sign with its QR code, and the export.

Views parse input, call one service or selector, render."""

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.audit.services import sensitive_view_record
from gonghui.core import geo
from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.forms import ReasonForm
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, masked_form_data, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires, scope_queryset
from gonghui.sites import mapsettings, selectors, services
from gonghui.sites.forms import PhotoForm, SiteForm, StatusForm, site_service_data
from gonghui.sites.hours import hours_day_text, hours_week_text
from gonghui.sites.models import (
    WEEKDAY_LABELS,
    WEEKDAYS,
    Facility,
    SiteKind,
    SitePhoto,
    SiteStatus,
    Standard,
)

MODULE = "sites"
FILTER_KEYS = ("q", "kind", "status", "facility", "township", "open_now")
FEEDBACK_ON_DETAIL = 5


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _filters(source) -> dict:
    return {k: (source.get(k) or "").strip() for k in FILTER_KEYS}


def _sites(request, filters: dict, action: str = Action.VIEW):
    township = filters["township"]
    return selectors.site_list(
        request.user,
        q=filters["q"],
        kind=filters["kind"],
        status=filters["status"],
        facilities=[filters["facility"]] if filters["facility"] else (),
        township=int(township) if township.isdigit() else None,
        open_now=filters["open_now"] == "1",
        action=action,
    )


def public_site_url(site, config: mapsettings.MapConfig) -> str:
    """The site's public page (the portal serves it) at the configured public address, which
    its QR code encodes — never the address this page was opened at (a staff member on the
    intranet or on the server itself would print codes no worker's phone can open). ""
    while no usable public address is set."""
    if config.public_problem:
        return ""
    return config.public_url + reverse("portal:site", args=[site.site_code])


def _qr_svg(url: str, site, scale: int) -> str:
    """The QR code as inline SVG with a viewBox and no fixed size, so that the page's CSS
    scales the whole code (quiet zone included) instead of cropping it."""
    if not url:
        return ""
    return segno.make_qr(url, error="m").svg_inline(
        scale=scale, title=f"{site.name} {site.site_code}", omitsize=True
    )


# --- list ---------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def site_list(request):
    filters = _filters(request.GET)
    # The list never shows the contact phone: leave it encrypted in the database.
    sites = _sites(request, filters).defer("contact_phone", "description")
    return render(
        request,
        "sites/site_list.html",
        {
            **paginate_peek(request, sites),
            "filters": filters,
            "kind_choices": SiteKind.choices,
            "status_choices": SiteStatus.choices,
            "facility_choices": Facility.choices,
            "township_choices": selectors.site_townships(request.user),
            "standards_total": len(Standard.values),
            "can_edit": can(request.user, MODULE, Action.EDIT),
            "can_export": can(request.user, MODULE, Action.EXPORT),
            "can_export_sensitive": can(request.user, MODULE, Action.EXPORT)
            and can(request.user, MODULE, Action.VIEW_SENSITIVE),
        },
    )


# --- detail -------------------------------------------------------------------------------


def _checklist(choices, codes) -> list[tuple[str, bool]]:
    return [(label, code in codes) for code, label in choices.choices]


def _detail_context(request, site, **extra) -> dict:
    return {
        "s": site,
        "photos": selectors.site_photos(site),
        "hours": [
            (WEEKDAY_LABELS[day], hours_day_text((site.opening_hours or {}).get(day)))
            for day in WEEKDAYS
        ],
        "facilities": _checklist(Facility, site.facility_codes),
        "standards": _checklist(Standard, site.standard_codes),
        "standards_met": len(site.standard_codes),
        "standards_total": len(Standard.values),
        "is_open_now": selectors.site_is_open_now(site),
        "phone_masked": mask_phone(site.contact_phone),
        **_qr_context(request, site, scale=4),
        "feedback": selectors.feedback_list(request.user, site=site)[:FEEDBACK_ON_DETAIL],
        "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, site.org),
        "can_unmask": org_in_scope(request.user, MODULE, Action.VIEW_SENSITIVE, site.org),
        "unmask_form": ReasonForm(),
        "photo_form": PhotoForm(),
        **extra,
    }


@login_required
def site_detail(request, pk):
    _require(request, Action.VIEW)
    site = selectors.site_get(request.user, pk)
    return render(request, "sites/site_detail.html", _detail_context(request, site))


@login_required
@require_POST
def site_unmask(request, pk):
    """Show the contact phone in full: needs view-sensitive and a reason; audited."""
    site = selectors.site_get(request.user, pk, Action.VIEW_SENSITIVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "查看完整信息须填写事由。")
        return redirect("sites:detail", pk=site.pk)
    sensitive_view_record(
        actor=request.user, obj=site, fields=["contact_phone"], reason=form.cleaned_data["reason"]
    )
    return render(
        request,
        "sites/site_detail.html",
        _detail_context(request, site, phone_plain=site.contact_phone, unmask_form=None),
    )


@login_required
def site_sign(request, pk):
    """The printable A4 sign: name, code, hours and a big QR code of the public page."""
    _require(request, Action.VIEW)
    site = selectors.site_get(request.user, pk)
    return render(
        request,
        "sites/site_sign.html",
        {
            "s": site,
            **_qr_context(request, site, scale=10),
            "hours_text": "24 小时开放" if site.is_24h else hours_week_text(site.opening_hours),
        },
    )


def _qr_context(request, site, *, scale: int) -> dict:
    """The QR code of the site's public page, or why there is none (the public address is
    unset or one that phones cannot open) and who can fix it."""
    config = mapsettings.map_config()
    url = public_site_url(site, config)
    return {
        "public_url": url,
        "qr_svg": _qr_svg(url, site, scale),
        "public_problem": config.public_problem,
        "public_example": mapsettings.PUBLIC_URL_EXAMPLE,
        "can_open_settings": can(request.user, MODULE, Action.EDIT),
    }


@login_required
def site_photo(request, pk, photo_pk):
    """A photo's file, for users who may see the site (media is not served publicly)."""
    _require(request, Action.VIEW)
    site = selectors.site_get(request.user, pk)
    photo = get_object_or_404(SitePhoto, pk=photo_pk, site=site)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- create and edit ------------------------------------------------------------------------


def _map_context(request, org) -> dict:
    """The click map's data: the county boundary (GeoJSON, GCJ-02, to frame the map), and
    the base map — the county's layers with their names, or the tile source."""
    county = selectors.county_of(org) if org is not None else None
    basemap = mapsettings.basemap_config(county)
    return {
        "map_boundary": selectors.county_boundary(county),
        "map_tile_url": basemap["tile_url"],
        "map_basemap": basemap,
    }


def _township(cleaned: dict, townships):
    pk = cleaned.get("township")
    return next((t for t in townships if t.pk == pk), None) if pk else None


def _site_check(request, townships, orgs=None, site=None):
    """The service's field checks for a form whose own fields failed (one round of errors)."""

    def check(cleaned: dict) -> None:
        extra = {}
        if orgs is not None:
            extra["org"] = orgs.filter(pk=cleaned["org"]).first() if cleaned.get("org") else None
        services.site_validate(
            actor=request.user,
            site=site,
            crs=cleaned.get("crs") or geo.Crs.GCJ02,
            township=_township(cleaned, townships),
            **site_service_data(cleaned),
            **extra,
        )

    return check


@login_required
@mapsettings.allow_tiles
def site_create(request):
    _require(request, Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = selectors.site_org_choices(request.user)
    townships = list(selectors.site_township_choices(request.user))
    form = SiteForm(
        request.POST or None,
        orgs=orgs,
        townships=townships,
        check=_site_check(request, townships, orgs=orgs),
    )
    if request.method == "POST" and form.is_valid():
        org = orgs.get(pk=form.cleaned_data["org"])
        try:
            site = services.site_create(
                actor=request.user,
                org=org,
                crs=form.cleaned_data["crs"],
                township=_township(form.cleaned_data, townships),
                **form.service_data(),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已登记站点：{site.name}，站点编码 {site.site_code}。")
            return redirect("sites:detail", pk=site.pk)
    return render(
        request,
        "sites/site_form.html",
        {"form": form, "creating": True, **_map_context(request, request.user.org)},
    )


@login_required
@mapsettings.allow_tiles
def site_edit(request, pk):
    _require(request, Action.EDIT)
    site = selectors.site_get(request.user, pk, Action.EDIT)
    townships = list(selectors.site_township_choices(request.user))
    if site.township is not None and site.township not in townships:
        townships.insert(0, site.township)
    initial = {
        "kind": site.kind,
        "name": site.name,
        "address": site.address,
        "host_unit": site.host_unit,
        "contact_name": site.contact_name,
        "crs": "gcj02",
        "lng": f"{site.lng:.6f}",
        "lat": f"{site.lat:.6f}",
        "is_24h": site.is_24h,
        "facilities": site.facility_codes,
        "standards": site.confirmed_standard_codes,
        "description": site.description,
        "township": site.township_id,
        "version": site.version,
        **SiteForm.hours_initial(site.opening_hours),
    }
    masked, posted = masked_form_data(request, site, {"contact_phone": mask_phone})
    initial.update(masked)
    form = SiteForm(
        posted,
        initial=initial,
        townships=townships,
        check=_site_check(request, townships, site=site),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(
                actor=request.user,
                site=site,
                version=form.cleaned_data.get("version") or 0,
                crs=form.cleaned_data["crs"],
                township=_township(form.cleaned_data, townships),
                **form.service_data(),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "站点信息已保存。")
            return redirect("sites:detail", pk=site.pk)
    return render(
        request,
        "sites/site_form.html",
        {"form": form, "s": site, **_map_context(request, site.org)},
    )


@login_required
def site_status(request, pk):
    """Suspend or close (reason and date) or reopen a site; closed sites stay on record."""
    _require(request, Action.EDIT)
    site = selectors.site_get(request.user, pk, Action.EDIT)
    default = SiteStatus.OPEN if site.status != SiteStatus.OPEN else SiteStatus.SUSPENDED
    form = StatusForm(request.POST or None, initial={"status": default, "version": site.version})
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_set_status(
                actor=request.user,
                site=site,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"站点状态已改为“{site.get_status_display()}”。")
            return redirect("sites:detail", pk=site.pk)
    return render(request, "sites/site_status.html", {"form": form, "s": site})


@login_required
@require_POST
def site_photo_add(request, pk):
    _require(request, Action.EDIT)
    site = selectors.site_get(request.user, pk, Action.EDIT)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.site_photo_add(
                actor=request.user,
                site=site,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "照片已上传。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{reverse('sites:detail', args=[site.pk])}#photos")


@login_required
@require_POST
def site_photo_remove(request, pk, photo_pk):
    _require(request, Action.EDIT)
    site = selectors.site_get(request.user, pk, Action.EDIT)
    photo = get_object_or_404(SitePhoto, pk=photo_pk, site=site)
    try:
        services.site_photo_remove(actor=request.user, photo=photo)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "照片已删除。")
    return redirect(f"{reverse('sites:detail', args=[site.pk])}#photos")


# --- export -------------------------------------------------------------------------------

EXPORT_MAX_ROWS = 100_000
EXPORT_HEADERS = [
    "站点编码",
    "名称",
    "类型",
    "管理工会编码",
    "管理工会名称",
    "所在乡镇(街道)",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "主办单位",
    "联系人",
    "联系电话",
    "开放时间",
    "24小时",
    "设施",
    "六有",
    "状态",
    "状态说明",
    "状态变更日期",
]


def _labels(choices, codes) -> str:
    names = dict(choices.choices)
    return ",".join(names[c] for c in codes)


def export_rows(sites, masked: bool):
    """The export's rows, in the columns the `sites` import reads back unchanged."""
    for s in sites.iterator(chunk_size=2000):
        yield [
            s.site_code,
            s.name,
            s.get_kind_display(),
            s.org.code,
            s.org.name,
            s.township.name if s.township else "",
            s.address,
            s.lng,
            s.lat,
            "GCJ-02",
            s.host_unit,
            s.contact_name,
            mask_phone(s.contact_phone) if masked else s.contact_phone,
            hours_week_text(s.opening_hours),
            s.is_24h,
            _labels(Facility, s.facility_codes),
            _labels(Standard, s.standard_codes),
            s.get_status_display(),
            s.status_reason,
            s.status_changed_on,
        ]


@login_required
def site_export(request):
    """The filtered list as .xlsx: phones masked by default (GET). Unmasked (POST) only with
    view-sensitive in the same scope and a reason; every export is audited."""
    _require(request, Action.EXPORT)
    unmask = request.method == "POST" or request.GET.get("unmask") == "1"
    if unmask:
        _require(request, Action.VIEW_SENSITIVE)
    source = request.POST if request.method == "POST" else request.GET
    filters = _filters(source)
    if request.method != "POST" and unmask:
        return render(request, "sites/site_export.html", {"form": ReasonForm(), "filters": filters})
    reason = ""
    if unmask:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return render(request, "sites/site_export.html", {"form": form, "filters": filters})
        reason = form.cleaned_data["reason"]
    sites = _sites(request, filters, Action.EXPORT)
    if unmask:  # both grants must cover each exported row
        sites = scope_queryset(sites, request.user, MODULE, Action.VIEW_SENSITIVE)
    sites = sites.select_related("org", "township").order_by("id")
    if sites.values_list("id", flat=True)[EXPORT_MAX_ROWS : EXPORT_MAX_ROWS + 1]:
        messages.error(
            request,
            f"符合条件的站点超过 {EXPORT_MAX_ROWS:,} 个，无法一次导出，请缩小筛选范围。",
        )
        params = urlencode({k: v for k, v in filters.items() if v})
        return redirect(f"{reverse('sites:list')}?{params}" if params else "sites:list")
    content = export_workbook(
        actor=request.user,
        what="sites",
        headers=EXPORT_HEADERS,
        rows=export_rows(sites, not unmask),
        sheet_name="服务阵地",
        filters=filters,
        masked=not unmask,
        reason=reason,
    )
    return xlsx_response(content, "服务阵地" if not unmask else "服务阵地-未脱敏")

"""Staff map pages: the site map (clustered markers over the county's own layers, tiles
optional), its GeoJSON feeds, the coverage analysis and the county's map-layer management.

Views parse input, call one service or selector, render."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.errors import NotFound, ServiceError
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.orgs.models import Org
from gonghui.sites import mapsettings, selectors, services
from gonghui.sites.map import coverage
from gonghui.sites.map import selectors as map_selectors
from gonghui.sites.map.forms import (
    TILE_ENV,
    TILE_OFFLINE,
    TILE_ONLINE,
    CoverageRadiusForm,
    MapLayerUploadForm,
    MapSettingsForm,
)
from gonghui.sites.models import (
    WEEKDAYS,
    CoverageSettings,
    Facility,
    MapLayerKind,
    SiteKind,
    SiteStatus,
)

MODULE = "sites"
MAP_DATA_MAX = 10_000  # markers per request; a county has hundreds
# Marker glyph and colour per kind (the status shows as the marker's fill: grey when not open).
KIND_STYLE = {
    SiteKind.OUTDOOR_STATION: ("户", "#d9480f"),
    SiteKind.LOVE_STATION: ("爱", "#c2255c"),
    SiteKind.CANTEEN: ("食", "#2b8a3e"),
    SiteKind.NURSING_ROOM: ("母", "#9c36b5"),
    SiteKind.SERVICE_CENTER: ("服", "#1864ab"),
    SiteKind.WORKERS_HOME: ("家", "#e67700"),
}


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _int(value, default=None):
    value = (value or "").strip()
    return int(value) if value.isdigit() else default


def _map_filters(source) -> dict:
    return {
        "kind": (source.get("kind") or "").strip(),
        "status": (source.get("status") or "").strip(),
        "facility": [f for f in source.getlist("facility") if f in Facility.values],
        "open_now": (source.get("open_now") or "") == "1",
    }


def _county(request, action: str = Action.VIEW):
    """(county, counties): the county asked for in ?county= among the user's, else the first."""
    counties = coverage.coverage_counties(request.user, action)
    wanted = _int(request.GET.get("county"))
    county = next((c for c in counties if c.pk == wanted), counties[0] if counties else None)
    return county, counties


def _detail_url(pk: int) -> str:
    try:
        return reverse("sites:detail", args=[pk])
    except NoReverseMatch:  # the staff detail page is not wired in this build
        return ""


def _hours_today(site, today: datetime.date) -> str:
    if site.is_24h:
        return "24 小时开放"
    ranges = (site.opening_hours or {}).get(WEEKDAYS[today.weekday()]) or []
    if not ranges:
        return "今日不开放"
    return "今日 " + "，".join(f"{start}-{end}" for start, end in ranges)


def _map_config(request, county, *, mode: str, extra: dict | None = None) -> dict:
    county_query = f"?county={county.pk}" if county is not None else ""
    return {
        "mode": mode,
        "data_url": reverse("sites:map_data"),
        "coverage_url": reverse("sites:coverage_data") + county_query,
        **mapsettings.basemap_config(county),
        "kinds": {
            code: {"label": label, "glyph": KIND_STYLE[code][0], "colour": KIND_STYLE[code][1]}
            for code, label in SiteKind.choices
        },
        "statuses": dict(SiteStatus.choices),
        **(extra or {}),
    }


# --- the site map -------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
@mapsettings.allow_tiles
def site_map(request):
    """Clustered markers of the sites in scope, filters, the county's layers and a list."""
    county, counties = _county(request)
    filters = _map_filters(request.GET)
    return render(
        request,
        "sites/map/map.html",
        {
            "filters": filters,
            "county": county,
            "counties": counties,
            "kind_choices": SiteKind.choices,
            "status_choices": SiteStatus.choices,
            "facility_choices": Facility.choices,
            "kind_style": [
                (label, KIND_STYLE[code][0], KIND_STYLE[code][1])
                for code, label in SiteKind.choices
            ],
            "map_config": _map_config(request, county, mode="map"),
            "can_manage_layers": bool(coverage.coverage_counties(request.user, Action.EDIT)),
            "can_open_settings": can(request.user, MODULE, Action.EDIT),
        },
    )


@login_required
def site_map_data(request):
    """GeoJSON of the sites in the user's scope matching the filters (masked: no phone)."""
    _require(request, Action.VIEW)
    filters = _map_filters(request.GET)
    now = timezone.now()
    sites = (
        selectors.site_list(
            request.user,
            kind=filters["kind"],
            status=filters["status"],
            facilities=filters["facility"],
            open_now=filters["open_now"],
            at=now,
        )
        .defer("contact_phone", "description", "contact_name")
        .order_by("site_code")
    )
    today = timezone.localdate(now)
    features = []
    truncated = False
    for site in sites[: MAP_DATA_MAX + 1]:
        if len(features) == MAP_DATA_MAX:
            truncated = True
            break
        features.append(
            {
                "type": "Feature",
                "id": site.pk,
                "geometry": {"type": "Point", "coordinates": [site.lng, site.lat]},
                "properties": {
                    "id": site.pk,
                    "name": site.name,
                    "code": site.site_code,
                    "kind": site.kind,
                    "kind_label": site.get_kind_display(),
                    "status": site.status,
                    "status_label": site.get_status_display(),
                    "status_reason": site.status_reason if site.status != SiteStatus.OPEN else "",
                    "open_now": selectors.site_is_open_now(site, now),
                    "hours_today": _hours_today(site, today),
                    "address": site.address,
                    "township": site.township.name if site.township_id else "",
                    "facilities": [Facility(code).label for code in site.facility_codes],
                    "url": _detail_url(site.pk),
                },
            }
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "count": len(features),
            "truncated": truncated,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def map_layer_data(request, kind: str):
    """One map layer (GeoJSON, GCJ-02) of the user's county; empty when none is imported."""
    _require(request, Action.VIEW)
    if kind not in MapLayerKind.values:
        raise Http404
    county, _counties = _county(request)
    layer = selectors.map_layer_get(county, kind) if county is not None else None
    collection = (
        selectors.map_layer_geojson(layer)
        if layer is not None
        else {"type": "FeatureCollection", "features": []}
    )
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=300"  # the URL carries the layer version
    return response


# --- coverage analysis ----------------------------------------------------------------------


def _coverage(request, **kwargs):
    return map_selectors.coverage_for(
        request.user,
        county_id=_int(request.GET.get("county")),
        cell_m=_int(request.GET.get("cell"), coverage.DEFAULT_CELL_M),
        suggestions=_suggestion_limit(request),
        **kwargs,
    )


def _suggestion_limit(request) -> int:
    return min(_int(request.GET.get("n"), coverage.DEFAULT_SUGGESTIONS), coverage.MAX_SUGGESTIONS)


@requires(MODULE, Action.VIEW)
@mapsettings.allow_tiles
def coverage_page(request):
    """The stored analysis: covered share overall and per township, the gaps on the map,
    suggested new sites; when it was computed, and whether a refresh is under way."""
    result = _coverage(request)
    county = result.county if result is not None else None
    area = result.area if result is not None else None
    query = request.GET.copy()
    extra = {"coverage_url": reverse("sites:coverage_data") + "?" + query.urlencode()}
    query["status"] = "1"
    limit = _suggestion_limit(request)
    return render(
        request,
        "sites/map/coverage.html",
        {
            "result": result,
            "area": area,
            "rows": result.rows() if area is not None else [],
            "suggestions": result.suggestions(limit) if area is not None else [],
            "source_label": coverage.SOURCE_LABELS.get(area.source, "") if area else "",
            "share_pct": area.share * 100 if area is not None and area.share is not None else None,
            "gap_km2": area.gap_count * result.cell_area_km2 if area is not None else 0,
            "status_url": reverse("sites:coverage_data") + "?" + query.urlencode(),
            "cell_sizes": coverage.CELL_SIZES_M,
            "cell_selected": _int(request.GET.get("cell"), coverage.DEFAULT_CELL_M),
            "map_config": _map_config(
                request,
                county,
                mode="coverage",
                extra={**extra, "filters": {"status": SiteStatus.OPEN}},
            ),
        },
    )


@login_required
def coverage_data(request):
    """The gap cells and suggested points as GeoJSON (the map's coverage layer), or with
    ?status=1 only whether the stored result is current (the page polls it)."""
    _require(request, Action.VIEW)
    if request.GET.get("status"):
        result = map_selectors.coverage_for(
            request.user,
            county_id=_int(request.GET.get("county")),
            cell_m=_int(request.GET.get("cell"), coverage.DEFAULT_CELL_M),
            suggestions=0,
        )
        if result is None:
            return JsonResponse({"state": None})
        return JsonResponse(
            {
                "state": result.state,
                "queued": result.queued,
                "computed_at": result.computed_at.isoformat() if result.computed_at else None,
            }
        )
    result = _coverage(request, with_gaps=True)
    if result is None:
        empty = {"type": "FeatureCollection", "features": []}
        return JsonResponse({"gaps": empty, "suggestions": empty, "share": None, "state": None})
    return JsonResponse(
        result.geojson(_suggestion_limit(request)), json_dumps_params={"ensure_ascii": False}
    )


# --- map layers and the coverage radius (county admins) ---------------------------------------


def _layers_context(request, *, upload_form=None, radius_forms=None) -> dict:
    counties = coverage.coverage_counties(request.user, Action.EDIT)
    panels = []
    for county in counties:
        layers = {layer.kind: layer for layer in selectors.map_layers(county)}
        setting = CoverageSettings.objects.filter(org=county).first()
        radius_form = (radius_forms or {}).get(county.pk) or CoverageRadiusForm(
            initial={
                "radius_m": selectors.coverage_radius_m(county),
                "version": setting.version if setting else None,
            }
        )
        panels.append(
            {
                "county": county,
                "layers": [(kind, label, layers.get(kind)) for kind, label in MapLayerKind.choices],
                "radius_form": radius_form,
                "upload_form": (upload_form or {}).get(county.pk) or MapLayerUploadForm(),
            }
        )
    return {"panels": panels}


@login_required
def map_layers_page(request):
    """Upload the county boundary, roads and built-up areas; set the coverage radius."""
    _require(request, Action.EDIT)
    return render(request, "sites/map/layers.html", _layers_context(request))


def _county_for_edit(request, county_pk: int) -> Org:
    org = get_object_or_404(Org, pk=county_pk)
    if not org_in_scope(request.user, MODULE, Action.EDIT, org):
        raise Http404
    return org


@login_required
@require_POST
def map_layer_upload(request, county_pk: int):
    _require(request, Action.EDIT)
    org = _county_for_edit(request, county_pk)
    form = MapLayerUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["geojson"]
        if upload.size > services.LAYER_MAX_BYTES:
            form.add_error("geojson", "GeoJSON 文件不能超过 10 MB。")
        else:
            try:
                layer = services.map_layer_import(
                    actor=request.user,
                    county=org,
                    kind=form.cleaned_data["kind"],
                    geojson=upload.read(),
                    name=form.cleaned_data["name"],
                    crs=form.cleaned_data["crs"],
                )
            except NotFound as exc:
                raise Http404 from exc
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(
                    request,
                    f"已导入{layer.get_kind_display()}图层：{layer.feature_count} 个要素，"
                    f"第 {layer.version} 版。",
                )
                return redirect("sites:layers")
    context = _layers_context(request, upload_form={org.pk: form})
    context["failed_form"] = form if not context["panels"] else None
    return render(request, "sites/map/layers.html", context)


@login_required
@require_POST
def coverage_radius_set(request, county_pk: int):
    _require(request, Action.EDIT)
    org = _county_for_edit(request, county_pk)
    form = CoverageRadiusForm(request.POST)
    if form.is_valid():
        try:
            setting = services.coverage_settings_set(
                actor=request.user,
                county=org,
                radius_m=form.cleaned_data["radius_m"],
                version=form.cleaned_data["version"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"覆盖半径已设为 {setting.radius_m} 米。")
            return redirect("sites:layers")
    context = _layers_context(request, radius_forms={org.pk: form})
    context["failed_form"] = form if not context["panels"] else None
    return render(request, "sites/map/layers.html", context)


# --- map and sign settings (county admins) -----------------------------------------------------


def _tile_label(tile_url: str) -> str:
    return f"在线瓦片 {tile_url}" if tile_url else "离线地图"


def _settings_form(config: mapsettings.MapConfig, data=None) -> MapSettingsForm:
    row = config.row
    if row is None or row.tile_url is None:
        mode = TILE_ENV
    else:
        mode = TILE_ONLINE if row.tile_url else TILE_OFFLINE
    return MapSettingsForm(
        data,
        env_tile_label=_tile_label(settings.MAP_TILE_URL),
        initial={
            "tile_mode": mode,
            "tile_url": config.tile_url,
            "tile_attribution": config.tile_attribution,
            "public_url": row.public_url if row is not None and row.public_url else "",
            "version": row.version if row is not None else None,
        },
    )


def _settings_context(request, form=None) -> dict:
    config = mapsettings.map_config()
    county, _counties = _county(request)
    return {
        "config": config,
        "form": form or _settings_form(config),
        "can_change": mapsettings.settings_admin_org(request.user) is not None,
        "tile_label": _tile_label(config.tile_url),
        "tile_source_label": mapsettings.SOURCE_LABELS[config.tile_source],
        "public_source_label": mapsettings.SOURCE_LABELS[config.public_source],
        "env_public_url": settings.PUBLIC_URL,
        "gaode": {"url": mapsettings.GAODE_TILE_URL, "attribution": mapsettings.GAODE_ATTRIBUTION},
        "preview_config": {
            "layers": mapsettings.basemap_config(county)["layers"],
            "tile_subdomains": mapsettings.TILE_SUBDOMAINS,
        },
    }


@login_required
@mapsettings.allow_tiles(any_https=True)
def map_settings_page(request):
    """The base map of the staff maps (offline, or a GCJ-02 tile server such as Gaode) and
    the public address that site QR codes point at. Everyone who manages sites sees what is
    in force; county admins change it (audited)."""
    _require(request, Action.EDIT)
    if request.method != "POST":
        return render(request, "sites/map/settings.html", _settings_context(request))
    config = mapsettings.map_config()
    form = _settings_form(config, request.POST)
    if mapsettings.settings_admin_org(request.user) is None:
        form.is_valid()
        form.add_error(None, "只有县总工会管理员可以修改地图与标牌设置。")
    elif request.POST.get("reset"):
        try:
            services.map_settings_set(
                actor=request.user, tile_url=None, tile_attribution=None, public_url=None
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已恢复为服务器部署时的配置。")
            return redirect("sites:map_settings")
    elif form.is_valid():
        try:
            services.map_settings_set(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "地图与标牌设置已保存。")
            return redirect("sites:map_settings")
    return render(request, "sites/map/settings.html", _settings_context(request, form))

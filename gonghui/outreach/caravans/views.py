"""Pages of caravans, stops (with the route map), quotas and registrations: staff pages and
the portal's pre-registration (预约) at /portal/outreach/. Views parse, call one service or
selector, render.

The on-site registration page (`registration_create`) is what staff open on a phone at a
stop: a small server-rendered form (no map, no chart, no script of its own) that works at
390 px and on a slow connection; after each registration it comes back empty for the next
worker, with the result of the last one on top.
"""

import segno
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from gonghui.audit.services import sensitive_view_record
from gonghui.core import geo
from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.forms import ReasonForm, forms_valid
from gonghui.core.modules import Action
from gonghui.core.pages import (
    date_range_param,
    flash_errors,
    form_apply_error,
    org_param_or_404,
    posted_org_or_404,
    section_redirect,
)
from gonghui.core.paging import paginate_peek
from gonghui.core.request_context import client_ip
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.outreach.caravans import selectors, services
from gonghui.outreach.caravans.forms import (
    CaravanForm,
    OfferAddForm,
    OfferFormSet,
    QuotaForm,
    ReferenceForm,
    RegistrationForm,
    StopCancelForm,
    StopForm,
    StopPhotoForm,
    StopSummaryForm,
    stop_service_data,
)
from gonghui.outreach.caravans.models import (
    CaravanKind,
    CaravanStatus,
    HostKind,
    OnSiteRegistration,
    Outcome,
    RegistrationChannel,
    RegistrationStatus,
    StopOffer,
    StopPhoto,
    StopStatus,
)
from gonghui.outreach.followups.selectors import registration_followups
from gonghui.outreach.images import file_response
from gonghui.sites import mapsettings
from gonghui.sites.selectors import county_boundary, county_of

MODULE = "outreach"


def _filters(source, keys) -> dict:
    return {k: (source.get(k) or "").strip() for k in keys}


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- caravans -------------------------------------------------------------------------------------

CARAVAN_FILTERS = ("q", "kind", "status")


@requires(MODULE, Action.VIEW)
def caravan_list(request):
    filters = _filters(request.GET, CARAVAN_FILTERS)
    caravans = selectors.caravan_list(request.user, **filters)
    return render(
        request,
        "outreach/caravans/caravan_list.html",
        {
            **paginate_peek(request, caravans),
            "filters": filters,
            "kind_choices": CaravanKind.choices,
            "status_choices": CaravanStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.VIEW)
def caravan_detail(request, pk):
    caravan = selectors.caravan_get(request.user, pk)
    stops = selectors.stop_list(request.user, caravan=caravan.pk)
    return render(
        request,
        "outreach/caravans/caravan_detail.html",
        {
            "c": caravan,
            **paginate_peek(request, stops),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, caravan.org),
        },
    )


def _caravan_check(request, caravan=None):
    def check(cleaned: dict) -> None:
        services.caravan_validate(
            actor=request.user,
            caravan=caravan,
            **{k: v for k, v in cleaned.items() if k in services.CARAVAN_FIELDS},
        )

    return check


@requires(MODULE, Action.EDIT)
def caravan_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = selectors.org_choices(request.user)
    form = CaravanForm(request.POST or None, orgs=orgs, check=_caravan_check(request))
    if request.method == "POST" and form.is_valid():
        try:
            caravan = services.caravan_create(
                actor=request.user, org=orgs.get(pk=form.cleaned_data["org"]), **form.service_data()
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已登记大篷车：{caravan.name}。")
            return redirect("outreach:caravan_detail", pk=caravan.pk)
    return render(request, "outreach/caravans/caravan_form.html", {"form": form, "creating": True})


@requires(MODULE, Action.EDIT)
def caravan_edit(request, pk):
    caravan = selectors.caravan_get(request.user, pk, Action.EDIT)
    initial = {f: getattr(caravan, f) for f in services.CARAVAN_FIELDS}
    initial["version"] = caravan.version
    form = CaravanForm(
        request.POST or None, initial=initial, check=_caravan_check(request, caravan)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.caravan_update(
                actor=request.user,
                caravan=caravan,
                version=form.cleaned_data.get("version"),
                **form.service_data(),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "大篷车信息已保存。")
            return redirect("outreach:caravan_detail", pk=caravan.pk)
    return render(request, "outreach/caravans/caravan_form.html", {"form": form, "c": caravan})


@requires(MODULE, Action.EDIT)
@require_POST
def caravan_status(request, pk):
    caravan = selectors.caravan_get(request.user, pk, Action.EDIT)
    status = request.POST.get("status", "")
    try:
        caravan = services.caravan_set_status(actor=request.user, caravan=caravan, status=status)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"大篷车已改为“{caravan.get_status_display()}”。")
    return redirect("outreach:caravan_detail", pk=caravan.pk)


# --- stops ------------------------------------------------------------------------------------------

STOP_FILTERS = ("q", "caravan", "status", "township", "when")


@requires(MODULE, Action.VIEW)
def stop_list(request):
    filters = _filters(request.GET, STOP_FILTERS)
    stops = selectors.stop_list(
        request.user,
        q=filters["q"],
        caravan=_int(filters["caravan"]),
        status=filters["status"],
        township=_int(filters["township"]),
        when=filters["when"],
        org=(within := org_param_or_404(request, MODULE)),
        date_from=(dates := date_range_param(request)).start,
        date_to=dates.end,
    )
    return render(
        request,
        "outreach/caravans/stop_list.html",
        {
            **paginate_peek(request, stops),
            "filters": filters,
            "within": within,
            "dates": dates,
            "date_label": "开始日期",
            "status_choices": StopStatus.choices,
            "caravan_choices": selectors.caravan_scoped(request.user)
            .only("id", "name")
            .order_by("name"),
            "township_choices": selectors.township_choices(request.user),
            "can_plan": selectors.caravan_choices(request.user).exists(),
        },
    )


def _basemap(org) -> dict:
    county = county_of(org) if org is not None else None
    basemap = mapsettings.basemap_config(county)
    return {
        "map_boundary": county_boundary(county),
        "map_tile_url": basemap["tile_url"],
        "map_basemap": basemap,
    }


@requires(MODULE, Action.VIEW)
@mapsettings.allow_tiles
def stop_map(request):
    """The caravans' routes on the county base map (as the site map draws it)."""
    stops = selectors.stops_on_map(request.user)
    points = [
        {
            "id": s.pk,
            "lng": s.lng,
            "lat": s.lat,
            "caravan": s.caravan.name,
            "caravan_id": s.caravan_id,
            "place": s.place,
            "when": timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M"),
            "status": s.get_status_display(),
            "url": reverse("outreach:stop_detail", args=[s.pk]),
        }
        for s in stops
    ]
    return render(
        request,
        "outreach/caravans/stop_map.html",
        {"points": points, **_basemap(request.user.org)},
    )


@requires(MODULE, Action.VIEW)
def stop_detail(request, pk):
    stop = selectors.stop_get(request.user, pk)
    offers = selectors.stop_offers(stop)
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, stop.org)
    registrations = selectors.registration_list(request.user, stop=stop).exclude(
        status=RegistrationStatus.CANCELLED
    )
    return render(
        request,
        "outreach/caravans/stop_detail.html",
        {
            "s": stop,
            "offers": offers,
            "photos": selectors.stop_photos(stop),
            "staff": selectors.stop_staff(stop),
            "activities": list(stop.activities.order_by("starts_at", "id")),
            **paginate_peek(request, registrations, per_page=50),
            "can_edit": can_edit,
            "can_register": can_edit
            and stop.status == StopStatus.PLANNED
            and stop.ends_at > timezone.now(),
            "can_see_caravan": org_in_scope(request.user, MODULE, Action.VIEW, stop.caravan.org),
            "offer_form": OfferAddForm(),
            "quota_form": QuotaForm(),
            "cancel_form": StopCancelForm(),
            "photo_form": StopPhotoForm(),
            "is_planned": stop.status == StopStatus.PLANNED,
        },
    )


def _stop_form_choices(request):
    return {
        "enterprises": selectors.enterprise_choices(request.user),
        "sites": selectors.site_choices(request.user),
        "staff": selectors.staff_in_scope(request.user),
    }


def _stop_check(request, choices, *, caravans=None, orgs=None, stop=None):
    def check(cleaned: dict) -> None:
        extra = {}
        if caravans is not None:
            extra["caravan"] = next((c for c in caravans if c.pk == cleaned.get("caravan")), None)
        if orgs is not None:
            extra["org"] = orgs.filter(pk=cleaned["org"]).first() if cleaned.get("org") else None
        services.stop_validate(
            actor=request.user,
            stop=stop,
            crs=cleaned.get("crs") or geo.Crs.GCJ02,
            township=_township(cleaned, choices["townships"]),
            **stop_service_data(
                cleaned, **{k: choices[k] for k in ("enterprises", "sites", "staff")}
            ),
            **extra,
        )

    return check


def _township(cleaned: dict, townships):
    pk = cleaned.get("township")
    return next((t for t in townships if t.pk == pk), None) if pk else None


@requires(MODULE, Action.EDIT)
@mapsettings.allow_tiles
def stop_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    caravans = list(selectors.caravan_choices(request.user))
    orgs = selectors.org_choices(request.user)
    choices = {
        **_stop_form_choices(request),
        "townships": list(selectors.township_choices(request.user)),
    }
    initial = {}
    if request.GET.get("caravan", "").isdigit():
        initial["caravan"] = int(request.GET["caravan"])
    form = StopForm(
        request.POST or None,
        initial=initial,
        caravans=caravans,
        orgs=orgs,
        **choices,
        check=None,
    )
    offers = OfferFormSet(request.POST or None, prefix="offers")
    if request.method == "POST":
        form.check = _offers_checked(
            _stop_check(request, choices, caravans=caravans, orgs=orgs), offers
        )
    if request.method == "POST" and forms_valid(form, offers):
        data = form.cleaned_data
        try:
            stop = services.stop_create(
                actor=request.user,
                caravan=next(c for c in caravans if c.pk == data["caravan"]),
                org=orgs.get(pk=data["org"]),
                crs=data["crs"],
                township=_township(data, choices["townships"]),
                offers=offers.offers(),
                **stop_service_data(
                    data, **{k: choices[k] for k in ("enterprises", "sites", "staff")}
                ),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已安排站次：{stop.place}。")
            return redirect("outreach:stop_detail", pk=stop.pk)
    return render(
        request,
        "outreach/caravans/stop_form.html",
        {
            "form": form,
            "offers": offers,
            "creating": True,
            **_basemap(request.user.org),
        },
    )


def _offers_checked(check, offers):
    """The stop's checks with the offers the formset parsed (one round of errors)."""

    def run(cleaned: dict) -> None:
        offers.is_valid()
        check({**cleaned, "offers": offers.offers()})

    return run


@requires(MODULE, Action.EDIT)
@mapsettings.allow_tiles
def stop_edit(request, pk):
    stop = selectors.stop_get(request.user, pk, Action.EDIT)
    if stop.status != StopStatus.PLANNED:
        messages.error(request, "只能修改计划中的站次。")
        return redirect("outreach:stop_detail", pk=stop.pk)
    choices = {
        **_stop_form_choices(request),
        "townships": list(selectors.township_choices(request.user)),
    }
    if stop.township is not None and stop.township not in choices["townships"]:
        choices["townships"].insert(0, stop.township)
    local = timezone.localtime
    initial = {
        "starts_at": local(stop.starts_at),
        "ends_at": local(stop.ends_at),
        "place": stop.place,
        "address": stop.address,
        "host_kind": stop.host_kind,
        "host_name": stop.host_name
        if stop.host_kind in (HostKind.COMMUNITY, HostKind.OTHER)
        else "",
        "host_enterprise": stop.host_enterprise_id,
        "host_site": stop.host_site_id,
        "crs": geo.Crs.GCJ02,
        "lng": f"{stop.lng:.6f}",
        "lat": f"{stop.lat:.6f}",
        "township": stop.township_id,
        "duty_staff": [u.pk for u in selectors.stop_staff(stop)],
        "duty_note": stop.duty_note,
        "portal_open": stop.portal_open,
        "version": stop.version,
    }
    if stop.host_enterprise and stop.host_enterprise not in choices["enterprises"]:
        choices["enterprises"].insert(0, stop.host_enterprise)
    if stop.host_site and stop.host_site not in choices["sites"]:
        choices["sites"].insert(0, stop.host_site)
    form = StopForm(
        request.POST or None,
        initial=initial,
        **choices,
        check=_stop_check(request, choices, stop=stop),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.stop_update(
                actor=request.user,
                stop=stop,
                version=data.get("version"),
                crs=data["crs"],
                township=_township(data, choices["townships"]),
                **stop_service_data(
                    data, **{k: choices[k] for k in ("enterprises", "sites", "staff")}
                ),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "站次信息已保存。")
            return redirect("outreach:stop_detail", pk=stop.pk)
    return render(
        request,
        "outreach/caravans/stop_form.html",
        {"form": form, "s": stop, **_basemap(stop.org)},
    )


@requires(MODULE, Action.EDIT)
@require_POST
def stop_cancel(request, pk):
    stop = selectors.stop_get(request.user, pk, Action.EDIT)
    form = StopCancelForm(
        request.POST, check=lambda cleaned: services.stop_cancel_validate(stop=stop, **cleaned)
    )
    if form.is_valid():
        try:
            services.stop_cancel(actor=request.user, stop=stop, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "站次已取消，已登记的职工同时取消。")
    else:
        flash_errors(request, form)
    return redirect("outreach:stop_detail", pk=stop.pk)


@requires(MODULE, Action.EDIT)
def stop_summary(request, pk):
    stop = selectors.stop_get(request.user, pk, Action.EDIT)
    if stop.status == StopStatus.CANCELLED:
        messages.error(request, "已取消的站次不能填写服务小结。")
        return redirect("outreach:stop_detail", pk=stop.pk)
    offers = selectors.stop_offers(stop)
    initial = {"summary": stop.summary}
    for offer in offers:
        if offer.served is not None:
            initial[f"served_{offer.pk}"] = offer.served
        elif offer.quota is not None:
            initial[f"served_{offer.pk}"] = offer.confirmed
    form = StopSummaryForm(
        request.POST or None,
        initial=initial,
        offers=offers,
        check=lambda cleaned: services.stop_summary_validate(
            stop=stop, summary=cleaned.get("summary") or ""
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.stop_summarise(
                actor=request.user,
                stop=stop,
                summary=form.cleaned_data.get("summary") or "",
                served=form.served(),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "服务小结已保存，站次已完成。")
            return redirect("outreach:stop_detail", pk=stop.pk)
    return render(request, "outreach/caravans/stop_summary.html", {"form": form, "s": stop})


@requires(MODULE, Action.EDIT)
@require_POST
def stop_photo_add(request, pk):
    stop = selectors.stop_get(request.user, pk, Action.EDIT)
    form = StopPhotoForm(
        request.POST,
        request.FILES,
        check=lambda cleaned: services.stop_photo_validate(stop=stop, **cleaned),
    )
    if form.is_valid():
        try:
            services.stop_photo_add(
                actor=request.user,
                stop=stop,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "照片已上传。")
    else:
        flash_errors(request, form)
    return section_redirect(request, reverse("outreach:stop_detail", args=[stop.pk]), "photos")


@requires(MODULE, Action.VIEW)
def stop_photo(request, pk, photo_pk):
    stop = selectors.stop_get(request.user, pk)
    photo = get_object_or_404(StopPhoto, pk=photo_pk, stop=stop)
    return file_response(photo.image)


@requires(MODULE, Action.EDIT)
@require_POST
def stop_photo_remove(request, pk, photo_pk):
    stop = selectors.stop_get(request.user, pk, Action.EDIT)
    photo = get_object_or_404(StopPhoto, pk=photo_pk, stop=stop)
    try:
        services.stop_photo_remove(actor=request.user, photo=photo)
    except ServiceError as exc:
        flash_errors(request, exc=exc)
    else:
        messages.success(request, "照片已删除。")
    return section_redirect(request, reverse("outreach:stop_detail", args=[stop.pk]), "photos")


# --- offers ----------------------------------------------------------------------------------------


def _offer_data(cleaned: dict) -> dict:
    return {
        "service": cleaned.get("service") or "",
        "trade": cleaned.get("trade") or "",
        "label": cleaned.get("label") or "",
        "quota": cleaned.get("quota"),
    }


@requires(MODULE, Action.EDIT)
@require_POST
def offer_add(request, pk):
    stop = selectors.stop_get(request.user, pk, Action.EDIT)
    form = OfferAddForm(
        request.POST,
        check=lambda cleaned: services.offer_validate(stop=stop, **_offer_data(cleaned)),
    )
    if form.is_valid():
        try:
            services.offer_add(actor=request.user, stop=stop, **_offer_data(form.cleaned_data))
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "已增加服务项目。")
    else:
        flash_errors(request, form)
    return section_redirect(request, reverse("outreach:stop_detail", args=[stop.pk]), "offers")


def _offer_in_scope(request, pk) -> StopOffer:
    offer = get_object_or_404(StopOffer.objects.select_related("stop"), pk=pk)
    selectors.stop_get(request.user, offer.stop_id, Action.EDIT)
    return offer


@requires(MODULE, Action.EDIT)
@require_POST
def offer_quota(request, pk):
    offer = _offer_in_scope(request, pk)
    form = QuotaForm(
        request.POST,
        check=lambda cleaned: services.offer_quota_validate(offer=offer, **cleaned),
    )
    if form.is_valid():
        try:
            offer = services.offer_quota_set(
                actor=request.user, offer=offer, quota=form.cleaned_data["quota"]
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, f"“{offer.title}”名额已改为 {offer.quota}。")
    else:
        flash_errors(request, form)
    return section_redirect(
        request, reverse("outreach:stop_detail", args=[offer.stop_id]), "offers"
    )


@requires(MODULE, Action.EDIT)
@require_POST
def offer_remove(request, pk):
    offer = _offer_in_scope(request, pk)
    try:
        services.offer_remove(actor=request.user, offer=offer)
    except ServiceError as exc:
        flash_errors(request, exc=exc)
    else:
        messages.success(request, "服务项目已删除。")
    return section_redirect(
        request, reverse("outreach:stop_detail", args=[offer.stop_id]), "offers"
    )


# --- on-site registration (phone) ---------------------------------------------------------------


def _registrable(stop) -> list[StopOffer]:
    return [o for o in selectors.stop_offers(stop) if o.quota is not None]


def _registration_check(request, stop, offers, channel):
    def check(cleaned: dict) -> None:
        from gonghui.outreach.caravans.forms import registration_service_data

        services.registration_validate(
            actor=request.user,
            stop=stop,
            channel=channel,
            **registration_service_data(cleaned, {o.pk: o for o in offers}),
        )

    return check


def _join_qr() -> str:
    """A QR code of the portal's 网上入会 page for a worker who is not a member to scan on
    the spot ("" when the installation has no public address a phone could open)."""
    config = mapsettings.map_config()
    if config.public_problem:
        return ""
    url = config.public_url + reverse("join:apply")
    return segno.make_qr(url, error="m").svg_inline(scale=4, title="网上入会", omitsize=True)


@requires(MODULE, Action.EDIT)
def registration_create(request, pk):
    stop = selectors.stop_get(request.user, pk, Action.EDIT)
    offers = _registrable(stop)
    form = RegistrationForm(
        request.POST or None,
        offers=offers,
        check=_registration_check(request, stop, offers, RegistrationChannel.ON_SITE),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                actor=request.user,
                stop=stop,
                channel=RegistrationChannel.ON_SITE,
                **form.service_data(),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            request.session["outreach_last_registration"] = registration.pk
            return redirect("outreach:registration_create", pk=stop.pk)
    last = None
    last_pk = request.session.get("outreach_last_registration") if request.method == "GET" else None
    if last_pk:
        last = (
            OnSiteRegistration.objects.filter(pk=last_pk, stop=stop)
            .select_related("offer", "member")
            .first()
        )
    return render(
        request,
        "outreach/caravans/registration_form.html",
        {
            "s": stop,
            "form": form,
            "offers": offers,
            "last": last,
            "join_qr": _join_qr() if last is not None and last.member_id is None else "",
            "last_position": services.waitlist_position(last) if last else None,
            "is_open": stop.status == StopStatus.PLANNED and stop.ends_at > timezone.now(),
        },
    )


# --- registrations --------------------------------------------------------------------------------

REGISTRATION_FILTERS = ("q", "status", "outcome")


@requires(MODULE, Action.VIEW)
def registration_list(request):
    filters = _filters(request.GET, REGISTRATION_FILTERS)
    within = org_param_or_404(request, MODULE)
    dates = date_range_param(request)
    rows = selectors.registration_list(
        request.user, org=within, date_from=dates.start, date_to=dates.end, **filters
    )
    return render(
        request,
        "outreach/caravans/registration_list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "within": within,
            "dates": dates,
            "date_label": "登记日期",
            "status_choices": RegistrationStatus.choices,
            "outcome_choices": [
                ("open", "跟踪中"),
                *Outcome.choices,
                ("employed_90d", "站次后 90 天内就业"),
            ],
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


def _registration_context(request, registration, **extra) -> dict:
    from gonghui.core.scope import org_in_scope as in_scope

    return {
        "r": registration,
        "followups": registration_followups(registration),
        "position": services.waitlist_position(registration),
        "can_edit": in_scope(request.user, MODULE, Action.EDIT, registration.org),
        "can_unmask": in_scope(request.user, MODULE, Action.VIEW_SENSITIVE, registration.org)
        and bool(registration.id_number or registration.phone),
        "can_see_archive": registration.archive is not None
        and in_scope(request.user, "assistance", Action.VIEW, registration.archive.org),
        "can_see_member": registration.member is not None
        and in_scope(request.user, "members", Action.VIEW, registration.member.org),
        "unmask_form": ReasonForm(),
        "cancel_form": ReasonForm(),
        "cancellable": registration.is_live
        and registration.stop.status == StopStatus.PLANNED
        and registration.stop.ends_at > timezone.now(),
        **extra,
    }


@requires(MODULE, Action.VIEW)
def registration_detail(request, pk):
    registration = selectors.registration_get(request.user, pk)
    return render(
        request,
        "outreach/caravans/registration_detail.html",
        _registration_context(request, registration),
    )


@requires(MODULE, Action.VIEW_SENSITIVE)
@require_POST
def registration_unmask(request, pk):
    """The ID number and phone in full: view-sensitive, a reason, audited."""
    registration = selectors.registration_get(request.user, pk, Action.VIEW_SENSITIVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "查看完整信息须填写事由。")
        return redirect("outreach:registration_detail", pk=registration.pk)
    sensitive_view_record(
        actor=request.user,
        obj=registration,
        fields=["id_number", "phone"],
        reason=form.cleaned_data["reason"],
    )
    return render(
        request,
        "outreach/caravans/registration_detail.html",
        _registration_context(request, registration, plain=True, unmask_form=None),
    )


@requires(MODULE, Action.EDIT)
@require_POST
def registration_cancel(request, pk):
    registration = selectors.registration_get(request.user, pk, Action.EDIT)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消原因。")
        return redirect("outreach:registration_detail", pk=registration.pk)
    try:
        services.registration_cancel(
            actor=request.user, registration=registration, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "登记已取消；如有候补，名额已顺延给排在最前的职工。")
    return redirect("outreach:registration_detail", pk=registration.pk)


@requires(MODULE, Action.EXPORT)
def registration_export(request):
    """The filtered registrations as .xlsx, masked (GET); unmasked (POST) needs view-sensitive
    and a reason. Every export is audited."""
    unmask = request.method == "POST" or request.GET.get("unmask") == "1"
    if unmask and not can(request.user, MODULE, Action.VIEW_SENSITIVE):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    filters = _filters(source, REGISTRATION_FILTERS)
    within = org_param_or_404(request, MODULE, Action.EXPORT, source=source)
    dates = date_range_param(request, source=source)
    # The list's filters, the org and dates included (kept by the reason form, audited).
    shown = filters | ({"org": str(within.pk)} if within else {})
    shown |= {k: v for k, v in dates.raw.items() if v}
    if request.method != "POST" and unmask:
        return render(
            request,
            "outreach/caravans/registration_export.html",
            {"form": ReasonForm(), "filters": shown},
        )
    reason = ""
    if unmask:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "outreach/caravans/registration_export.html",
                {"form": form, "filters": shown},
            )
        reason = form.cleaned_data["reason"]
    rows = selectors.registration_export_rows(
        request.user,
        unmask=unmask,
        org=within,
        date_from=dates.start,
        date_to=dates.end,
        **filters,
    )
    content = export_workbook(
        actor=request.user,
        what="outreach_registrations",
        headers=selectors.EXPORT_HEADERS,
        rows=rows,
        sheet_name="现场登记",
        filters=shown,
        masked=not unmask,
        reason=reason if unmask else None,
    )
    return xlsx_response(content, "现场登记" if not unmask else "现场登记-未脱敏")


# --- portal: pre-registration (网上预约) ------------------------------------------------------------


@require_GET
def portal_stops(request):
    township = _int((request.GET.get("township") or "").strip())
    return render(
        request,
        "outreach/portal/stops.html",
        {
            "stops": selectors.stops_public_upcoming(township=township),
            "townships": selectors.township_choices_public(),
            "township": township,
        },
    )


@csrf_protect
def portal_stop(request, pk):
    stop = selectors.stop_public_get(pk)
    if stop is None:
        return render(request, "outreach/portal/not_found.html", status=404)
    offers = _registrable(stop)
    open_ = (
        stop.status == StopStatus.PLANNED
        and stop.portal_open
        and stop.ends_at > timezone.now()
        and bool(offers)
    )
    form = RegistrationForm(
        request.POST or None if open_ else None,
        offers=offers,
        portal=True,
        check=_registration_check(request, stop, offers, RegistrationChannel.PORTAL),
    )
    if request.method == "POST" and open_ and form.is_valid():
        try:
            registration = services.registration_create(
                actor=None,
                stop=stop,
                channel=RegistrationChannel.PORTAL,
                ip=client_ip(request),
                **form.service_data(),
            )
        except services.RateLimited as exc:
            return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            return redirect("outreach_portal:registration", reference=registration.reference)
    return render(
        request,
        "outreach/portal/stop.html",
        {"s": stop, "offers": selectors.stop_offers(stop), "form": form, "open": open_},
    )


@csrf_protect
def portal_registration(request, reference):
    """A registration's status by its reference (登记号), and cancelling it."""
    registration = selectors.registration_public_get(reference)
    if registration is None or registration.channel != RegistrationChannel.PORTAL:
        return render(request, "outreach/portal/not_found.html", status=404)
    if request.method == "POST":
        try:
            registration = services.registration_cancel_public(reference=registration.reference)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已取消预约。")
        return redirect("outreach_portal:registration", reference=registration.reference)
    return render(
        request,
        "outreach/portal/registration.html",
        {
            "r": registration,
            "position": services.waitlist_position(registration),
            "cancellable": registration.is_live
            and registration.stop.status == StopStatus.PLANNED
            and registration.stop.ends_at > timezone.now(),
            "member": registration.member_id is not None,
        },
    )


@require_GET
def portal_lookup(request):
    form = ReferenceForm(request.GET or None)
    if request.GET and form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        if reference.isalnum() and selectors.registration_public_get(reference) is not None:
            return redirect("outreach_portal:registration", reference=reference)
        form.add_error("reference", "未找到该登记号，请核对后重新输入。")
    return render(request, "outreach/portal/lookup.html", {"form": form})

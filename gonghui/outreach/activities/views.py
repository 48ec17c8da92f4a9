"""Activity pages: list, plan, edit, record as held, cancel, attendance (names with QR
check-in on the portal, or a head count), photos, and the printable check-in QR code."""

import segno
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.forms import ReasonForm
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
from gonghui.outreach.activities import selectors, services
from gonghui.outreach.activities.forms import (
    ActivityForm,
    ActivityPhotoForm,
    AttendeeForm,
    RecordForm,
)
from gonghui.outreach.activities.models import (
    ActivityKind,
    ActivityPhoto,
    ActivityStatus,
    AttendanceMode,
)
from gonghui.outreach.caravans.selectors import org_choices, stop_scoped
from gonghui.outreach.images import file_response
from gonghui.sites import mapsettings

MODULE = "outreach"
FILTERS = ("q", "kind", "status", "year")


@requires(MODULE, Action.VIEW)
def activity_list(request):
    filters = {k: (request.GET.get(k) or "").strip() for k in FILTERS}
    year = int(filters["year"]) if filters["year"].isdigit() else None
    within = org_param_or_404(request, MODULE)
    rows = selectors.activity_list(
        request.user,
        q=filters["q"],
        kind=filters["kind"],
        status=filters["status"],
        year=year,
        org=within,
        date_from=(dates := date_range_param(request)).start,
        date_to=dates.end,
    )
    return render(
        request,
        "outreach/activities/activity_list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "within": within,
            "dates": dates,
            "date_label": "活动日期",
            "kind_choices": ActivityKind.choices,
            "status_choices": ActivityStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


def _stops(request):
    return list(
        stop_scoped(request.user, Action.EDIT)
        .exclude(status="cancelled")
        .select_related("org")
        .order_by("-starts_at")[:200]
    )


def _data(cleaned: dict, stops) -> dict:
    values = {
        k: cleaned.get(k) or ""
        for k in ("kind", "title", "organiser", "place", "audience", "attendance_mode")
    }
    values["starts_at"] = cleaned.get("starts_at")
    values["stop"] = next((s for s in stops if s.pk == cleaned.get("stop")), None)
    return values


@requires(MODULE, Action.EDIT)
def activity_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = org_choices(request.user)
    stops = _stops(request)

    def check(cleaned):
        org = orgs.filter(pk=cleaned["org"]).first() if cleaned.get("org") else None
        services.activity_validate(actor=request.user, org=org, **_data(cleaned, stops))

    form = ActivityForm(request.POST or None, orgs=orgs, stops=stops, check=check)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                actor=request.user,
                org=orgs.get(pk=form.cleaned_data["org"]),
                **_data(form.cleaned_data, stops),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已登记活动：{activity.title}。")
            return redirect("outreach:activity_detail", pk=activity.pk)
    return render(
        request, "outreach/activities/activity_form.html", {"form": form, "creating": True}
    )


@requires(MODULE, Action.EDIT)
def activity_edit(request, pk):
    activity = selectors.activity_get(request.user, pk, Action.EDIT)
    stops = _stops(request)
    if activity.stop is not None and activity.stop not in stops:
        stops.insert(0, activity.stop)
    initial = {f: getattr(activity, f) for f in services.ACTIVITY_FIELDS}
    initial.update(
        stop=activity.stop_id,
        starts_at=timezone.localtime(activity.starts_at),
        version=activity.version,
    )
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        stops=stops,
        check=lambda cleaned: services.activity_validate(
            actor=request.user, activity=activity, **_data(cleaned, stops)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user,
                activity=activity,
                version=form.cleaned_data.get("version"),
                **_data(form.cleaned_data, stops),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "活动信息已保存。")
            return redirect("outreach:activity_detail", pk=activity.pk)
    return render(request, "outreach/activities/activity_form.html", {"form": form, "a": activity})


def _checkin_url(activity) -> tuple[str, str]:
    """(the check-in page's public URL for the QR code, why there is none)."""
    config = mapsettings.map_config()
    path = reverse("outreach_portal:checkin", args=[activity.checkin_token])
    if config.public_problem:
        return "", config.public_problem
    return config.public_url + path, ""


@requires(MODULE, Action.VIEW)
def activity_detail(request, pk):
    activity = selectors.activity_get(request.user, pk)
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, activity.org)
    attendees = activity.attendees.select_related("member").order_by("id")
    return render(
        request,
        "outreach/activities/activity_detail.html",
        {
            "a": activity,
            **paginate_peek(request, attendees, per_page=50),
            "photos": list(activity.photos.order_by("id")),
            "can_edit": can_edit,
            "names_mode": activity.attendance_mode == AttendanceMode.NAMES,
            "attendee_form": AttendeeForm(),
            "record_form": RecordForm(
                initial={"attendance": activity.attendance, "summary": activity.summary}
            ),
            "cancel_form": ReasonForm(),
            "photo_form": ActivityPhotoForm(),
        },
    )


@requires(MODULE, Action.EDIT)
def activity_record(request, pk):
    activity = selectors.activity_get(request.user, pk, Action.EDIT)
    form = RecordForm(
        request.POST or None,
        initial={"attendance": activity.attendance, "summary": activity.summary},
        check=lambda cleaned: services.activity_record_validate(activity=activity, **cleaned),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(
                actor=request.user,
                activity=activity,
                attendance=form.cleaned_data.get("attendance"),
                summary=form.cleaned_data.get("summary") or "",
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已登记活动举办情况。")
            return redirect("outreach:activity_detail", pk=activity.pk)
    return render(
        request, "outreach/activities/activity_record.html", {"form": form, "a": activity}
    )


@requires(MODULE, Action.EDIT)
@require_POST
def activity_cancel(request, pk):
    activity = selectors.activity_get(request.user, pk, Action.EDIT)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消原因。")
    else:
        try:
            services.activity_cancel(
                actor=request.user, activity=activity, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "活动已取消。")
    return redirect("outreach:activity_detail", pk=activity.pk)


@requires(MODULE, Action.EDIT)
@require_POST
def activity_checkin(request, pk):
    activity = selectors.activity_get(request.user, pk, Action.EDIT)
    try:
        activity = services.activity_checkin_set(
            actor=request.user, activity=activity, open_=request.POST.get("open") == "1"
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "已开放扫码签到。" if activity.checkin_open else "已关闭扫码签到。"
        )
    return redirect("outreach:activity_detail", pk=activity.pk)


@requires(MODULE, Action.EDIT)
@require_POST
def attendee_add(request, pk):
    activity = selectors.activity_get(request.user, pk, Action.EDIT)
    form = AttendeeForm(request.POST, check=lambda cleaned: services.attendee_validate(**cleaned))
    if form.is_valid():
        try:
            attendee, created = services.attendee_add(
                actor=request.user, activity=activity, **form.cleaned_data
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            if created:
                messages.success(request, f"已签到：{attendee.name}。")
            else:
                messages.info(request, f"{attendee.name}已在名单中。")
    else:
        flash_errors(request, form)
    return section_redirect(
        request, reverse("outreach:activity_detail", args=[activity.pk]), "attendees"
    )


@requires(MODULE, Action.VIEW)
def activity_qr(request, pk):
    """The printable check-in QR code of a names-mode activity."""
    activity = selectors.activity_get(request.user, pk)
    url, problem = _checkin_url(activity)
    svg = (
        segno.make_qr(url, error="m").svg_inline(scale=8, title=activity.title, omitsize=True)
        if url
        else ""
    )
    return render(
        request,
        "outreach/activities/activity_qr.html",
        {"a": activity, "qr_svg": svg, "url": url, "problem": problem},
    )


@requires(MODULE, Action.EDIT)
@require_POST
def activity_photo_add(request, pk):
    activity = selectors.activity_get(request.user, pk, Action.EDIT)
    form = ActivityPhotoForm(
        request.POST,
        request.FILES,
        check=lambda cleaned: services.activity_photo_validate(activity=activity, **cleaned),
    )
    if form.is_valid():
        try:
            services.activity_photo_add(
                actor=request.user,
                activity=activity,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "照片已上传。")
    else:
        flash_errors(request, form)
    return section_redirect(
        request, reverse("outreach:activity_detail", args=[activity.pk]), "photos"
    )


@requires(MODULE, Action.VIEW)
def activity_photo(request, pk, photo_pk):
    activity = selectors.activity_get(request.user, pk)
    photo = get_object_or_404(ActivityPhoto, pk=photo_pk, activity=activity)
    return file_response(photo.image)


@requires(MODULE, Action.EDIT)
@require_POST
def activity_photo_remove(request, pk, photo_pk):
    activity = selectors.activity_get(request.user, pk, Action.EDIT)
    photo = get_object_or_404(ActivityPhoto, pk=photo_pk, activity=activity)
    try:
        services.activity_photo_remove(actor=request.user, photo=photo)
    except ServiceError as exc:
        flash_errors(request, exc=exc)
    else:
        messages.success(request, "照片已删除。")
    return section_redirect(
        request, reverse("outreach:activity_detail", args=[activity.pk]), "photos"
    )


# --- portal: QR check-in -------------------------------------------------------------------------


@csrf_protect
def portal_checkin(request, token):
    activity = selectors.activity_public_get(token)
    if activity is None:
        return render(request, "outreach/portal/not_found.html", status=404)
    form = AttendeeForm(
        request.POST or None if activity.checkin_open else None,
        check=lambda cleaned: services.attendee_validate(**cleaned),
    )
    done = None
    if request.method == "POST" and activity.checkin_open and form.is_valid():
        try:
            done, created = services.checkin_public(
                token=token, ip=client_ip(request), **form.cleaned_data
            )
        except services.RateLimited as exc:
            return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            request.session[f"checked_in_{activity.pk}"] = done.name
            return redirect("outreach_portal:checkin", token=token)
    name = request.session.get(f"checked_in_{activity.pk}")
    return render(
        request,
        "outreach/portal/checkin.html",
        {"a": activity, "form": form, "checked_in": name},
    )

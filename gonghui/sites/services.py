"""Writes for service sites. Each is keyword-only, atomic, validated, audited, and — for
staff actions — scope-checked on the `sites` module (out of scope answers as missing).

Public writes (feedback_submit, checkin_record) take the client IP only to rate-limit and
de-duplicate; they keep its keyed hash, never the IP itself.
"""

import datetime
import io
import json
import re
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core import geo
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org, OrgLevel
from gonghui.sites.hours import HoursError, hours_clean
from gonghui.sites.map.tasks import coverage_refresh_schedule
from gonghui.sites.mapsettings import (
    public_url_normalise,
    public_url_problem,
    settings_admin_org,
    tile_url_problem,
)
from gonghui.sites.models import (
    CONFIRMED_STANDARDS,
    KIND_CODE_LETTERS,
    CheckIn,
    CoverageSettings,
    Facility,
    FeedbackKind,
    FeedbackStatus,
    MapLayer,
    MapLayerKind,
    MapSettings,
    ServiceSite,
    SiteCodeSequence,
    SiteFeedback,
    SiteKind,
    SitePhoto,
    SiteStatus,
    Standard,
    codes_to_mask,
)
from gonghui.sites.selectors import county_boundary, county_of

MODULE = "sites"
SITE_CODE_RE = re.compile(r"^(\d{6})-([A-Z]{2})-(\d{4})$")
_LANDLINE_OR_MOBILE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11}|\d{7,8})$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_PER_SITE = 12
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

FEEDBACK_TEXT_MIN, FEEDBACK_TEXT_MAX = 5, 500
FEEDBACK_PER_IP = 5  # stored reports per IP per hour (all processes: counted in the database)
FEEDBACK_PER_IP_WINDOW = datetime.timedelta(hours=1)
FEEDBACK_ATTEMPTS_PER_IP = 20  # attempts incl. refused ones per IP per hour (core.ratelimit)
RATE_WINDOW_SECONDS = 3600
CHECKIN_REPEAT_SECONDS = 30 * 60  # one scan per device IP and site counts once in this window

LAYER_MAX_BYTES = 10 * 1024 * 1024
LAYER_MAX_FEATURES = 20_000
LAYER_GEOMETRIES = {
    MapLayerKind.BOUNDARY: {"Polygon", "MultiPolygon"},
    MapLayerKind.TOWNSHIP: {"Polygon", "MultiPolygon"},
    MapLayerKind.BUILT_UP_AREA: {"Polygon", "MultiPolygon"},
    MapLayerKind.ROAD: {"LineString", "MultiLineString"},
}
RADIUS_MIN_M, RADIUS_MAX_M = 100, 10_000
# Fields of a site the coverage analysis reads (status changes go through site_set_status).
COVERAGE_FIELDS = {"lng", "lat", "org", "township"}
MAP_SETTINGS_FIELDS = ("tile_url", "tile_attribution", "public_url")

TOO_MANY = "提交过于频繁，请稍后再试。"
SITE_CLOSED = "该站点已关闭，不再受理反馈。"


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


# --- helpers ----------------------------------------------------------------------------------


def _require(actor, org, action: str = Action.EDIT) -> None:
    """Out of scope answers as if the record did not exist (404), never 403."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _hit(key: str, limit: int, window: int = RATE_WINDOW_SECONDS) -> bool:
    return hit_over_limit(key, limit, window)


def _ip_hash(ip: str | None) -> str:
    return keyed_hash(f"ip:{ip}") if ip else ""


def phone_normalise(value, *, mobile_only: bool = False) -> str:
    """Digits only ("" for none); accepts spaces, dashes, full-width digits and +86.

    Raises ValueError with a Chinese message."""
    phone = re.sub(r"[\s\-()（）]", "", normalise_text(value))
    if not phone:
        return ""
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    if mobile_only:
        if not _MOBILE.match(phone):
            raise ValueError("手机号码应为 11 位中国大陆手机号，如 13800001234。")
    elif not _LANDLINE_OR_MOBILE.match(phone):
        raise ValueError("联系电话格式不正确，如 13800001234 或 0571-88886666。")
    return phone


def county_code_for(org: Org) -> str:
    """First 6 digits of the division code of the nearest org up the tree that has one."""
    ids = [*org.ancestor_ids(), org.pk]
    codes = dict(Org.objects.filter(pk__in=ids).values_list("pk", "division_code"))
    for pk in reversed(ids):
        code = codes.get(pk) or ""
        if len(code) >= 6 and code[:6].isdigit():
            return code[:6]
    return "000000"


def _sequence_reserve(prefix: str, at_least: int | None = None) -> int:
    """Next sequence number under prefix (row-locked); with at_least, only raise `last`."""
    SiteCodeSequence.objects.get_or_create(prefix=prefix)
    sequence = SiteCodeSequence.objects.select_for_update().get(prefix=prefix)
    if at_least is not None:
        if at_least > sequence.last:
            SiteCodeSequence.objects.filter(prefix=prefix).update(last=at_least)
        return at_least
    if sequence.last >= 9999:
        raise Conflict("该县此类站点的编码已用尽，请联系系统管理员。", code="site_code_exhausted")
    SiteCodeSequence.objects.filter(prefix=prefix).update(last=F("last") + 1)
    return sequence.last + 1


def site_code_issue(*, org: Org, kind: str) -> str:
    """A new site code for a site of `kind` managed by `org` (see ServiceSite docstring)."""
    prefix = f"{county_code_for(org)}-{KIND_CODE_LETTERS[kind]}"
    return f"{prefix}-{_sequence_reserve(prefix):04d}"


def _township_for(org: Org) -> Org | None:
    """The 乡镇(街道) a site managed by `org` lies in, when the tree says so (an industry
    union's site: none, the staff pick it)."""
    anchor = org if org.level == OrgLevel.TOWNSHIP else org.anchor
    if anchor is not None and anchor.is_township:
        return anchor
    return None


# --- sites -------------------------------------------------------------------------------------

SITE_EDITABLE_FIELDS = (
    "org",
    "kind",
    "name",
    "address",
    "lng",
    "lat",
    "township",
    "host_unit",
    "contact_name",
    "contact_phone",
    "opening_hours",
    "is_24h",
    "facilities",
    "standards",
    "description",
)


def _codes(value, choices, label: str, fields: dict, key: str) -> int:
    codes = [value] if isinstance(value, str) else list(value or [])
    unknown = [c for c in codes if c not in choices.values]
    if unknown:
        fields[key] = [f"未知的{label}：{'、'.join(map(str, unknown))}。"]
        return 0
    return codes_to_mask(choices, codes)


def _site_clean(actor, data: dict, instance: ServiceSite | None, crs: str) -> dict:
    """Validate and normalise site fields (codes → masks, point → GCJ-02)."""
    fields: dict[str, list[str]] = {}
    out: dict = {}
    org = data["org"]
    if not isinstance(org, Org) or not org.is_active:
        fields["org"] = ["请选择管理单位(正常状态的工会组织)。"]
    if data.get("kind") not in SiteKind.values:
        fields["kind"] = ["请选择站点类型。"]
    out["kind"] = data.get("kind")
    out["name"] = normalise_text(data.get("name"))
    if not out["name"]:
        fields["name"] = ["请填写站点名称。"]
    elif len(out["name"]) > 100:
        fields["name"] = ["站点名称不能超过 100 个字。"]
    for key, limit, label in (
        ("address", 200, "地址"),
        ("host_unit", 150, "承建单位"),
        ("contact_name", 50, "联系人"),
    ):
        out[key] = normalise_text(data.get(key))
        if len(out[key]) > limit:
            fields[key] = [f"{label}不能超过 {limit} 个字。"]
    out["description"] = (data.get("description") or "").strip()[:2000]
    try:
        out["contact_phone"] = phone_normalise(data.get("contact_phone"))
    except ValueError as exc:
        fields["contact_phone"] = [str(exc)]
    try:
        out["opening_hours"] = hours_clean(data.get("opening_hours"))
    except HoursError as exc:
        fields["opening_hours"] = [str(exc)]
    out["is_24h"] = bool(data.get("is_24h"))
    out["facilities"] = (
        data["facilities"]
        if isinstance(data.get("facilities"), int)
        else _codes(data.get("facilities"), Facility, "设施", fields, "facilities")
    )
    standards = (
        data["standards"]
        if isinstance(data.get("standards"), int)
        else _codes(data.get("standards"), Standard, "六有标准项", fields, "standards")
    )
    # Only the items staff confirm are stored; the records decide the others (models).
    out["standards"] = standards & codes_to_mask(Standard, CONFIRMED_STANDARDS)
    county = county_of(org) if "org" not in fields else None
    moved = instance is None or (
        data.get("lng") != instance.lng or data.get("lat") != instance.lat or crs != geo.Crs.GCJ02
    )
    if moved:
        try:
            out["lng"], out["lat"] = geo.coordinate_parse(
                data.get("lng"), data.get("lat"), crs, within=county_boundary(county)
            )
        except geo.CoordinateError as exc:
            fields["coordinates"] = [exc.message]
    else:
        out["lng"], out["lat"] = instance.lng, instance.lat
    township = data.get("township")
    if township is None and "org" not in fields:
        township = _township_for(org)
    elif township is not None and (
        not isinstance(township, Org)
        or not township.is_township
        or (county is not None and not township.is_descendant_of(county))
    ):
        fields["township"] = ["所在乡镇(街道)应为本县的乡镇(街道、园区)工会。"]
    out["township"] = township
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    out["org"] = org
    return out


def site_validate(
    *, actor, site: ServiceSite | None = None, crs: str = geo.Crs.GCJ02, **fields
) -> None:
    """The field checks of site_create / site_update, without writing: raises ValidationFailed
    with every field's message (for a form whose own fields failed)."""
    if site is not None:
        current = {f: getattr(site, f) for f in SITE_EDITABLE_FIELDS}
        if "lng" not in fields and "lat" not in fields:
            crs = geo.Crs.GCJ02
        fields = {**current, **fields}
    _site_clean(actor, {"org": None, **fields}, site, crs)


@transaction.atomic
def site_create(
    *,
    actor,
    org: Org,
    kind: str,
    name: str,
    lng,
    lat,
    crs: str = geo.Crs.GCJ02,
    address: str = "",
    township: Org | None = None,
    host_unit: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    opening_hours: dict | None = None,
    is_24h: bool = False,
    facilities: Iterable[str] = (),
    standards: Iterable[str] = (),
    description: str = "",
    status: str = SiteStatus.OPEN,
    status_reason: str = "",
    status_changed_on: datetime.date | None = None,
    site_code: str = "",
) -> ServiceSite:
    """Register a site. `site_code` empty → issued; given (imports) → must fit the format."""
    _require(actor, org)
    data = dict(
        org=org,
        kind=kind,
        name=name,
        lng=lng,
        lat=lat,
        address=address,
        township=township,
        host_unit=host_unit,
        contact_name=contact_name,
        contact_phone=contact_phone,
        opening_hours=opening_hours,
        is_24h=is_24h,
        facilities=facilities,
        standards=standards,
        description=description,
    )
    cleaned = _site_clean(actor, data, None, crs)
    if status not in SiteStatus.values:
        raise ValidationFailed("状态不正确。", fields={"status": ["状态不正确。"]})
    status_reason = normalise_text(status_reason)[:200]
    if status != SiteStatus.OPEN and not status_reason:
        raise ValidationFailed(
            "暂停或关闭的站点须填写原因。", fields={"status_reason": ["请填写暂停或关闭的原因。"]}
        )
    code = normalise_text(site_code).upper()
    if code:
        match = SITE_CODE_RE.match(code)
        if not match or match.group(2) != KIND_CODE_LETTERS[kind]:
            message = (
                f"站点编码格式应为 县区划代码-类型字母-4 位序号，"
                f"如 339901-{KIND_CODE_LETTERS[kind]}-0001。"
            )
            raise ValidationFailed(message, fields={"site_code": [message]})
        if ServiceSite.objects.filter(site_code=code).exists():
            raise ValidationFailed(
                "该站点编码已存在。", fields={"site_code": ["该站点编码已存在。"]}
            )
        _sequence_reserve(f"{match.group(1)}-{match.group(2)}", at_least=int(match.group(3)))
    else:
        code = site_code_issue(org=org, kind=kind)
    try:
        with transaction.atomic():
            site = ServiceSite.objects.create(
                **cleaned,
                site_code=code,
                status=status,
                status_reason=status_reason if status != SiteStatus.OPEN else "",
                status_changed_on=(status_changed_on or timezone.localdate())
                if status != SiteStatus.OPEN
                else None,
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            "该站点编码已存在。", fields={"site_code": ["该站点编码已存在。"]}
        ) from exc
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=site.org,
        obj=site,
        detail={"site_code": site.site_code, "kind": site.kind},
    )
    coverage_refresh_schedule(county=county_of(site.org))
    return site


def _locked_site(actor, site: ServiceSite, action: str = Action.EDIT) -> ServiceSite:
    locked = (
        ServiceSite.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk=site.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    _require(actor, locked.org, action)
    return locked


@transaction.atomic
def site_update(
    *, actor, site: ServiceSite, version: int, crs: str = geo.Crs.GCJ02, **changes
) -> ServiceSite:
    """Edit a site (any of SITE_EDITABLE_FIELDS). `version` is the one the editor loaded: a
    newer stored version raises Conflict (code stale_version). Moving to another managing org
    needs edit scope on both. Status changes go through site_set_status."""
    unknown = set(changes) - set(SITE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    site = _locked_site(actor, site)
    if version != site.version:
        raise Conflict("该站点信息已被他人修改，请刷新后重试。", code="stale_version")
    if "org" in changes and changes["org"] != site.org:
        _require(actor, changes["org"])
    current = {f: getattr(site, f) for f in SITE_EDITABLE_FIELDS}
    if "lng" not in changes and "lat" not in changes:
        crs = geo.Crs.GCJ02  # the stored point is GCJ-02 already
    cleaned = _site_clean(actor, {**current, **changes}, site, crs)
    changed = [f for f in SITE_EDITABLE_FIELDS if cleaned[f] != current[f]]
    if not changed:
        return site
    before_org = site.org
    for key in changed:
        setattr(site, key, cleaned[key])
    site.version = F("version") + 1
    site.save()
    site.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=site.org,
        obj=site,
        detail={"changed": changed},
    )
    if COVERAGE_FIELDS.intersection(changed):
        counties = {county_of(before_org), county_of(site.org)}
        for county in counties:
            coverage_refresh_schedule(county=county)
    return site


@transaction.atomic
def site_set_status(
    *,
    actor,
    site: ServiceSite,
    status: str,
    reason: str = "",
    on: datetime.date | None = None,
    version: int | None = None,
) -> ServiceSite:
    """Open, suspend or close a site. Suspending and closing need a reason; closed sites stay
    on record (and may be reopened). `on` defaults to today."""
    if status not in SiteStatus.values:
        raise ValidationFailed("状态不正确。", fields={"status": ["状态不正确。"]})
    reason = normalise_text(reason)
    if status != SiteStatus.OPEN and not reason:
        raise ValidationFailed(
            "暂停或关闭站点须填写原因。", fields={"reason": ["请填写暂停或关闭的原因。"]}
        )
    if len(reason) > 200:
        raise ValidationFailed(
            "原因不能超过 200 个字。", fields={"reason": ["原因不能超过 200 个字。"]}
        )
    site = _locked_site(actor, site)
    if version is not None and version != site.version:
        raise Conflict("该站点信息已被他人修改，请刷新后重试。", code="stale_version")
    if site.status == status:
        raise Conflict(f"该站点已是“{site.get_status_display()}”状态。", code="status_unchanged")
    before = site.status
    site.status = status
    site.status_reason = reason
    site.status_changed_on = on or timezone.localdate()
    site.version = F("version") + 1
    site.save(
        update_fields=["status", "status_reason", "status_changed_on", "version", "updated_at"]
    )
    site.refresh_from_db()
    audit_record(
        action=AuditAction.DEACTIVATED if status != SiteStatus.OPEN else AuditAction.UPDATED,
        user=actor,
        org=site.org,
        obj=site,
        detail={"status": [before, status], "reason": reason},
    )
    coverage_refresh_schedule(county=county_of(site.org))
    return site


# --- photos -------------------------------------------------------------------------------------


def _photo_check(upload) -> tuple[bytes, str, tuple[int, int]]:
    """The upload's bytes, extension and size in pixels, once Pillow has decoded it as JPEG/PNG/WebP."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise ValidationFailed("照片不能超过 5 MB。", fields={"image": ["照片不能超过 5 MB。"]})
    upload.seek(0)
    content = upload.read(PHOTO_MAX_BYTES + 1)
    not_image = "上传的文件不是有效的图片，请上传 JPG、PNG 或 WebP 格式的照片。"
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationFailed("照片不能超过 5 MB。", fields={"image": ["照片不能超过 5 MB。"]})
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            if kind not in PHOTO_FORMATS:
                raise ValidationFailed(not_image, fields={"image": [not_image]})
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationFailed(
                    "照片像素过大，请压缩后再上传。", fields={"image": ["照片像素过大。"]}
                )
            dimensions = image.size
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() skips the pixel data; decode it once to catch truncation
    except ValidationFailed:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationFailed(not_image, fields={"image": [not_image]}) from exc
    return content, PHOTO_FORMATS[kind], dimensions


@transaction.atomic
def site_photo_add(*, actor, site: ServiceSite, upload, caption: str = "") -> SitePhoto:
    """Attach a photo (JPEG/PNG/WebP, ≤ 5 MB, ≤ 40 MP, ≤ 12 per site) under a random name."""
    site = _locked_site(actor, site)
    if site.photos.count() >= PHOTO_MAX_PER_SITE:
        raise ValidationFailed(
            f"每个站点最多 {PHOTO_MAX_PER_SITE} 张照片。",
            fields={"image": [f"每个站点最多 {PHOTO_MAX_PER_SITE} 张照片。"]},
        )
    content, ext, (width, height) = _photo_check(upload)
    photo = SitePhoto(
        site=site,
        caption=normalise_text(caption)[:100],
        position=site.photos.count(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    photo.image.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
    photo.width, photo.height = width, height  # as Pillow decoded them
    storage, name = photo.image.storage, photo.image.name
    try:
        photo.save()
    except Exception:
        storage.delete(name)
        raise
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=site.org,
        obj=site,
        detail={"photo_added": photo.pk},
    )
    return photo


@transaction.atomic
def site_photo_remove(*, actor, photo: SitePhoto) -> None:
    site = _locked_site(actor, photo.site)
    photo = SitePhoto.objects.filter(pk=photo.pk, site=site).first()
    if photo is None:
        raise NotFound()
    storage, name, pk = photo.image.storage, photo.image.name, photo.pk
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        action=AuditAction.DELETED,
        user=actor,
        org=site.org,
        obj=site,
        detail={"photo_removed": pk},
    )


# --- feedback ------------------------------------------------------------------------------------


def _feedback_rate_check(ip_hash: str) -> None:
    if not ip_hash:
        return
    if _hit(f"sites-feedback-ip:{ip_hash}", FEEDBACK_ATTEMPTS_PER_IP):
        raise RateLimited(TOO_MANY)
    recent = SiteFeedback.objects.filter(
        submitter_ip_hash=ip_hash, created_at__gte=timezone.now() - FEEDBACK_PER_IP_WINDOW
    ).count()
    if recent >= FEEDBACK_PER_IP:
        raise RateLimited(TOO_MANY)


def feedback_submit(
    *, site: ServiceSite, kind: str, text: str, phone: str = "", ip: str | None = None
) -> SiteFeedback:
    """A worker's public feedback or repair report, routed to the site's managing org.

    Rate-limited per IP (RateLimited, HTTP 429); a closed site refuses reports. The attempt
    is counted before the transaction opens, so that refused attempts count too."""
    ip_hash = _ip_hash(ip)
    _feedback_rate_check(ip_hash)
    return _feedback_create(site=site, kind=kind, text=text, phone=phone, ip=ip, ip_hash=ip_hash)


@transaction.atomic
def _feedback_create(
    *, site: ServiceSite, kind: str, text: str, phone: str, ip: str | None, ip_hash: str
) -> SiteFeedback:
    fields: dict[str, list[str]] = {}
    if kind not in FeedbackKind.values:
        fields["kind"] = ["请选择反馈类型。"]
    text = (text or "").strip()
    if len(text) < FEEDBACK_TEXT_MIN:
        fields["text"] = [f"请至少填写 {FEEDBACK_TEXT_MIN} 个字。"]
    elif len(text) > FEEDBACK_TEXT_MAX:
        fields["text"] = [f"内容不能超过 {FEEDBACK_TEXT_MAX} 个字。"]
    try:
        phone = phone_normalise(phone, mobile_only=True)
    except ValueError as exc:
        fields["phone"] = [str(exc)]
    if site.status == SiteStatus.CLOSED:
        raise ValidationFailed(SITE_CLOSED, code="site_closed")
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    feedback = SiteFeedback.objects.create(
        site=site,
        org_id=site.org_id,
        kind=kind,
        text=text,
        phone=phone,
        submitter_ip_hash=ip_hash,
    )
    audit_record(
        action=AuditAction.CREATED,
        org=site.org,
        obj=feedback,
        ip=ip,
        username="站点反馈",
        detail={"site_code": site.site_code, "kind": kind},
    )
    return feedback


def _locked_feedback(actor, feedback: SiteFeedback) -> SiteFeedback:
    locked = (
        SiteFeedback.objects.select_for_update(of=("self",))
        .select_related("org", "site")
        .filter(pk=feedback.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    _require(actor, locked.org)
    return locked


@transaction.atomic
def feedback_answer(*, actor, feedback: SiteFeedback, answer: str) -> SiteFeedback:
    """Answer (or amend the answer to) an open or answered report."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("请填写答复内容。", fields={"answer": ["请填写答复内容。"]})
    if len(answer) > 1000:
        raise ValidationFailed(
            "答复不能超过 1000 个字。", fields={"answer": ["答复不能超过 1000 个字。"]}
        )
    feedback = _locked_feedback(actor, feedback)
    if feedback.status == FeedbackStatus.CLOSED:
        raise Conflict("该反馈已关闭，不能再答复。", code="feedback_closed")
    feedback.status = FeedbackStatus.ANSWERED
    feedback.answer = answer
    feedback.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    feedback.answered_at = timezone.now()
    feedback.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=feedback.org,
        obj=feedback,
        detail={"answered": True},
    )
    return feedback


@transaction.atomic
def feedback_close(*, actor, feedback: SiteFeedback, note: str = "") -> SiteFeedback:
    """Close a report (answered or not); closed reports stay on record."""
    feedback = _locked_feedback(actor, feedback)
    if feedback.status == FeedbackStatus.CLOSED:
        raise Conflict("该反馈已关闭。", code="feedback_closed")
    feedback.status = FeedbackStatus.CLOSED
    feedback.close_note = normalise_text(note)[:200]
    feedback.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    feedback.closed_at = timezone.now()
    feedback.save(update_fields=["status", "close_note", "closed_by", "closed_at", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=feedback.org,
        obj=feedback,
        detail={"closed": True},
    )
    return feedback


# --- check-ins ------------------------------------------------------------------------------------


@transaction.atomic
def checkin_record(
    *, site: ServiceSite, ip: str | None = None, day: datetime.date | None = None
) -> bool:
    """Count one check-in (扫码打卡) at an open site for today (Asia/Shanghai).

    Returns False when the same IP already checked in at this site within the last 30
    minutes (not counted again). A suspended or closed site refuses (ValidationFailed)."""
    if site.status != SiteStatus.OPEN:
        raise ValidationFailed(
            f"该站点{site.get_status_display()}，暂不能打卡。", code="site_not_open"
        )
    day = day or timezone.localdate()
    if ip and _hit(f"sites-checkin:{_ip_hash(ip)}:{site.pk}", 1, CHECKIN_REPEAT_SECONDS):
        return False
    if not CheckIn.objects.filter(site=site, day=day).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                CheckIn.objects.create(site=site, day=day, count=1)
        except IntegrityError:  # a concurrent first check-in of the day won
            CheckIn.objects.filter(site=site, day=day).update(count=F("count") + 1)
    return True


# --- map layers and coverage ------------------------------------------------------------------


def _layer_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"geojson": [message]}, code="invalid_geojson")


def _position(value, crs: str) -> list[float]:
    if (
        not isinstance(value, list | tuple)
        or len(value) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
    ):
        raise _layer_error("GeoJSON 中有格式不正确的坐标点。")
    lng, lat = float(value[0]), float(value[1])
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise _layer_error(geo.OUT_OF_RANGE)
    if geo.out_of_china(lng, lat):
        raise _layer_error(geo.OUT_OF_CHINA)
    g_lng, g_lat = geo.to_gcj02(lng, lat, crs)
    return [round(g_lng, 6), round(g_lat, 6)]


def _line(value, crs: str, *, ring: bool) -> list[list[float]]:
    if not isinstance(value, list) or len(value) < (4 if ring else 2):
        raise _layer_error("GeoJSON 中的线或面至少需要 2 个点(面至少 4 个点)。")
    points = [_position(p, crs) for p in value]
    if ring and points[0] != points[-1]:
        raise _layer_error("GeoJSON 面的边界没有闭合(首尾坐标应相同)。")
    return points


def _geometry(geometry, crs: str, allowed: set[str]) -> dict:
    if not isinstance(geometry, dict) or geometry.get("type") not in allowed:
        names = "、".join(sorted(allowed))
        raise _layer_error(f"该图层只接受以下几何类型：{names}。")
    kind, coords = geometry["type"], geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        raise _layer_error("GeoJSON 几何缺少坐标。")
    if kind == "LineString":
        converted = _line(coords, crs, ring=False)
    elif kind == "MultiLineString":
        converted = [_line(part, crs, ring=False) for part in coords]
    elif kind == "Polygon":
        converted = [_line(ring, crs, ring=True) for ring in coords]
    else:  # MultiPolygon
        if not all(isinstance(poly, list) and poly for poly in coords):
            raise _layer_error("GeoJSON 多面格式不正确。")
        converted = [[_line(ring, crs, ring=True) for ring in poly] for poly in coords]
    return {"type": kind, "coordinates": converted}


def geojson_clean(raw, *, kind: str, crs: str = geo.Crs.GCJ02) -> dict:
    """Parse and validate GeoJSON for a layer kind; returns a GCJ-02 FeatureCollection."""
    if kind not in MapLayerKind.values:
        raise _layer_error("图层类型不正确。")
    if crs not in geo.CRS_CHOICES:
        raise _layer_error(geo.UNKNOWN_CRS)
    if isinstance(raw, bytes):
        if len(raw) > LAYER_MAX_BYTES:
            raise _layer_error("GeoJSON 文件不能超过 10 MB。")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _layer_error("GeoJSON 文件应为 UTF-8 编码。") from exc
    if isinstance(raw, str):
        if len(raw) > LAYER_MAX_BYTES:
            raise _layer_error("GeoJSON 文件不能超过 10 MB。")
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise _layer_error("文件不是有效的 GeoJSON(JSON 格式错误)。") from exc
    if not isinstance(raw, dict):
        raise _layer_error("文件不是有效的 GeoJSON。")
    if raw.get("type") == "FeatureCollection":
        features = raw.get("features")
        if not isinstance(features, list):
            raise _layer_error("GeoJSON 要素集合缺少 features。")
    elif raw.get("type") == "Feature":
        features = [raw]
    else:
        features = [{"type": "Feature", "properties": {}, "geometry": raw}]
    if not features:
        raise _layer_error("GeoJSON 中没有任何要素。")
    if len(features) > LAYER_MAX_FEATURES:
        raise _layer_error(f"GeoJSON 要素不能超过 {LAYER_MAX_FEATURES} 个。")
    allowed = LAYER_GEOMETRIES[kind]
    cleaned = []
    for feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise _layer_error("GeoJSON 要素格式不正确。")
        properties = (
            feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        )
        cleaned.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": _geometry(feature.get("geometry"), crs, allowed),
            }
        )
    return {"type": "FeatureCollection", "features": cleaned}


def _bbox(collection: dict) -> list[float]:
    xs, ys = [], []

    def walk(node):
        if node and isinstance(node[0], int | float):
            xs.append(node[0])
            ys.append(node[1])
        else:
            for child in node:
                walk(child)

    for feature in collection["features"]:
        walk(feature["geometry"]["coordinates"])
    return [min(xs), min(ys), max(xs), max(ys)]


def _require_county(actor, county: Org) -> None:
    if not isinstance(county, Org) or county.level != OrgLevel.COUNTY:
        raise ValidationFailed("地图图层和覆盖设置只能设在县级总工会。", code="not_a_county")
    _require(actor, county)


@transaction.atomic
def map_layer_import(
    *,
    actor,
    county: Org,
    kind: str,
    geojson,
    name: str = "",
    crs: str = geo.Crs.GCJ02,
) -> MapLayer:
    """Store (or replace, bumping `version`) the county's layer of `kind` from GeoJSON text,
    bytes or a dict; coordinates in `crs` are stored as GCJ-02."""
    _require_county(actor, county)
    collection = geojson_clean(geojson, kind=kind, crs=crs)
    values = dict(
        name=normalise_text(name)[:100] or MapLayerKind(kind).label,
        geojson=json.dumps(collection, ensure_ascii=False, separators=(",", ":")),
        bbox=_bbox(collection),
        feature_count=len(collection["features"]),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    layer = MapLayer.objects.select_for_update().filter(org=county, kind=kind).first()
    if layer is None:
        layer = MapLayer.objects.create(org=county, kind=kind, **values)
    else:
        for key, value in values.items():
            setattr(layer, key, value)
        layer.version = F("version") + 1
        layer.save()
        layer.refresh_from_db()
    audit_record(
        action=AuditAction.IMPORTED,
        user=actor,
        org=county,
        obj=layer,
        detail={"kind": kind, "features": layer.feature_count, "version": layer.version},
    )
    if kind != MapLayerKind.ROAD:  # the analysis reads every other kind
        coverage_refresh_schedule(county=county)
    return layer


@transaction.atomic
def coverage_settings_set(
    *, actor, county: Org, radius_m: int, version: int | None = None
) -> CoverageSettings:
    """Set the county's coverage radius (100–10,000 m; default 1,000 m)."""
    _require_county(actor, county)
    try:
        radius = int(radius_m)
    except (TypeError, ValueError):
        radius = 0
    if not RADIUS_MIN_M <= radius <= RADIUS_MAX_M:
        message = f"覆盖半径应在 {RADIUS_MIN_M} 到 {RADIUS_MAX_M} 米之间。"
        raise ValidationFailed(message, fields={"radius_m": [message]})
    setting, created = CoverageSettings.objects.select_for_update().get_or_create(
        org=county, defaults={"radius_m": radius, "updated_by": _user(actor)}
    )
    if not created:
        if version is not None and version != setting.version:
            raise Conflict("覆盖设置已被他人修改，请刷新后重试。", code="stale_version")
        before = setting.radius_m
        setting.radius_m = radius
        setting.updated_by = _user(actor)
        setting.version = F("version") + 1
        setting.save()
        setting.refresh_from_db()
    else:
        before = None
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=county,
        obj=setting,
        detail={"radius_m": [before, radius]},
    )
    if before != radius:
        coverage_refresh_schedule(county=county)
    return setting


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- map and sign settings ----------------------------------------------------------------------


@transaction.atomic
def map_settings_set(
    *,
    actor,
    tile_url: str | None,
    tile_attribution: str | None,
    public_url: str | None,
    version: int | None = None,
) -> MapSettings:
    """Store the installation's map and sign settings (county admins only). None leaves a
    setting to its environment variable; tile_url "" means no tiles (the offline map). The
    tile template needs {z}, {x} and {y}; the public URL must be one that workers' phones
    can open (no localhost, private IP or intranet-only name)."""
    org = settings_admin_org(actor) if actor is not None else None
    if actor is not None and org is None:
        raise PermissionDenied("只有县总工会管理员可以修改地图与标牌设置。")
    fields: dict[str, list[str]] = {}
    if tile_url is not None:
        tile_url = tile_url.strip()
        problem = tile_url_problem(tile_url)
        if problem:
            fields["tile_url"] = [problem]
    if tile_attribution is not None:
        tile_attribution = normalise_text(tile_attribution)[:200]
    if public_url is not None:
        public_url = public_url_normalise(public_url) or None
    if public_url is not None:
        problem = public_url_problem(public_url)
        if problem:
            fields["public_url"] = [f"{problem}。"]
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    row, created = MapSettings.objects.select_for_update().get_or_create(pk=1)
    if not created and version is not None and version != row.version:
        raise Conflict("地图与标牌设置已被他人修改，请刷新后重试。", code="stale_version")
    values = {"tile_url": tile_url, "tile_attribution": tile_attribution, "public_url": public_url}
    changed = {
        name: [getattr(row, name), value]
        for name, value in values.items()
        if getattr(row, name) != value
    }
    if not changed and not created:
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = _user(actor)
    if not created:
        row.version = F("version") + 1
    row.save()
    row.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED, user=actor, org=org, obj=row, detail={"changed": changed}
    )
    return row

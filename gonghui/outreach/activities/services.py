"""Writes for activities: plan, edit, record as held (attendance and summary), cancel,
attendance lists (staff or QR check-in on the portal), photos. Keyword-only, atomic,
validated (nothing written on a refusal), scope-checked on `outreach`, audited."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit, ip_allowed
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org
from gonghui.outreach.activities.models import (
    Activity,
    ActivityAttendee,
    ActivityKind,
    ActivityPhoto,
    ActivityStatus,
    AttendanceMode,
)
from gonghui.outreach.caravans.models import CaravanStop, StopStatus
from gonghui.outreach.images import image_check, image_store

MODULE = "outreach"
ATTENDANCE_MAX = 100_000
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX = 12
CHECKIN_PER_IP = (60, 3600)  # check-ins per address per hour (a hall shares one Wi-Fi)
CHECKIN_CLOSED = "该活动未开放扫码签到，请联系现场工作人员。"

ACTIVITY_FIELDS = (
    "kind",
    "title",
    "organiser",
    "starts_at",
    "place",
    "audience",
    "stop",
    "attendance_mode",
)


class RateLimited(ValidationFailed):
    code = "rate_limited"
    status = 429


def _require(actor, org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _text(value, limit, key, label, errors: ErrorCollector, *, required=False) -> str:
    text = normalise_text(value)
    if required and not text:
        errors.add(key, f"请填写{label}。")
    elif len(text) > limit:
        errors.add(key, f"{label}不能超过 {limit} 个字。")
    return text[:limit]


def _clean(org: Org | None, data: dict) -> dict:
    errors = ErrorCollector()
    out = {
        "kind": data.get("kind") or "",
        "title": _text(data.get("title"), 100, "title", "活动名称", errors, required=True),
        "organiser": _text(data.get("organiser"), 100, "organiser", "主办单位", errors),
        "place": _text(data.get("place"), 150, "place", "地点", errors, required=True),
        "audience": _text(data.get("audience"), 100, "audience", "参加对象", errors),
        "attendance_mode": data.get("attendance_mode") or AttendanceMode.COUNT,
        "starts_at": data.get("starts_at"),
        "stop": data.get("stop"),
    }
    if out["kind"] not in ActivityKind.values:
        errors.add("kind", "请选择活动类型。")
    if out["attendance_mode"] not in AttendanceMode.values:
        errors.add("attendance_mode", "请选择参加人数统计方式。")
    if not isinstance(out["starts_at"], datetime.datetime):
        errors.add("starts_at", "请填写活动时间。")
    stop = out["stop"]
    if stop is not None:
        if not isinstance(stop, CaravanStop) or stop.status == StopStatus.CANCELLED:
            errors.add("stop", "请选择未取消的大篷车站次。")
        elif org is not None and not stop.org.path.startswith(org.path):
            errors.add("stop", "所选站次不在主办工会范围内。")
    if org is None or not org.is_active:
        errors.add("org", "请选择主办工会。")
    errors.raise_if_any()
    return out


def activity_validate(*, actor, activity: Activity | None = None, org=None, **fields) -> None:
    if activity is not None:
        fields = {**{f: getattr(activity, f) for f in ACTIVITY_FIELDS}, **fields}
        org = activity.org
    _clean(org, fields)


@transaction.atomic
def activity_create(
    *,
    actor,
    org: Org,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    place: str,
    organiser: str = "",
    audience: str = "",
    stop: CaravanStop | None = None,
    attendance_mode: str = AttendanceMode.COUNT,
) -> Activity:
    _require(actor, org)
    cleaned = _clean(
        org,
        dict(
            kind=kind,
            title=title,
            organiser=organiser,
            starts_at=starts_at,
            place=place,
            audience=audience,
            stop=stop,
            attendance_mode=attendance_mode,
        ),
    )
    activity = Activity.objects.create(org=org, **cleaned)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=activity,
        detail={"what": "activity", "activity_kind": activity.kind},
    )
    return activity


def _locked(actor, activity: Activity) -> Activity:
    locked = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk=activity.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    _require(actor, locked.org)
    return locked


@transaction.atomic
def activity_update(*, actor, activity: Activity, version: int | None = None, **changes):
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    activity = _locked(actor, activity)
    if version is not None and version != activity.version:
        raise Conflict("该活动信息已被他人修改，请刷新后重试。", code="stale_version")
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict("已取消的活动不能修改。", code="activity_cancelled")
    current = {f: getattr(activity, f) for f in ACTIVITY_FIELDS}
    cleaned = _clean(activity.org, {**current, **changes})
    if cleaned["attendance_mode"] != current["attendance_mode"] and activity.attendees.exists():
        message = "已有签到名单的活动不能改为登记人数。"
        raise ValidationFailed(message, fields={"attendance_mode": [message]})
    changed = [f for f in ACTIVITY_FIELDS if cleaned[f] != current[f]]
    if not changed:
        return activity
    for key in changed:
        setattr(activity, key, cleaned[key])
    activity.version = F("version") + 1
    activity.save()
    activity.refresh_from_db()
    audit_record(action=AuditAction.UPDATED, user=actor, obj=activity, detail={"changed": changed})
    return activity


def _attendance(value, errors: ErrorCollector):
    if value in (None, ""):
        errors.add("attendance", "请填写参加人数。")
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.add("attendance", "参加人数请填写整数。")
        return None
    if not 0 <= number <= ATTENDANCE_MAX:
        errors.add("attendance", f"参加人数应在 0 到 {ATTENDANCE_MAX:,} 之间。")
        return None
    return number


def activity_record_validate(*, activity: Activity, attendance=None, summary: str = "", **_o):
    """The checks of activity_record without writing; a cancelled activity is one of its
    messages (a form's check reports ValidationFailed only)."""
    try:
        _record_clean(activity, attendance, summary)
    except Conflict as exc:
        raise ValidationFailed(exc.message, fields={"__all__": [exc.message]}) from None


def _record_clean(activity: Activity, attendance, summary: str):
    errors = ErrorCollector()
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict("已取消的活动不能登记举办情况。", code="activity_cancelled")
    if activity.starts_at > timezone.now():
        errors.add("__all__", "活动尚未开始，不能登记举办情况。")
    number = None
    if activity.attendance_mode == AttendanceMode.COUNT:
        number = _attendance(attendance, errors)
    text = (summary or "").strip()
    if len(text) > 5000:
        errors.add("summary", "活动小结不能超过 5000 个字。")
    errors.raise_if_any()
    return number, text


@transaction.atomic
def activity_record(*, actor, activity: Activity, attendance=None, summary: str = "") -> Activity:
    """Record that the activity was held: the head count (count mode; a names list counts
    itself) and the summary."""
    activity = _locked(actor, activity)
    number, text = _record_clean(activity, attendance, summary)
    before = activity.status
    activity.status = ActivityStatus.HELD
    activity.summary = text
    if number is not None:
        activity.attendance = number
    activity.version = F("version") + 1
    activity.save(update_fields=["status", "summary", "attendance", "version", "updated_at"])
    activity.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=activity,
        detail={
            "what": "activity_record",
            "activity_status": [before, activity.status],
            "attendance": activity.attendance,
        },
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    reason = normalise_text(reason)
    if not reason or len(reason) > 200:
        message = "请填写取消原因(不超过 200 个字)。"
        raise ValidationFailed(message, fields={"reason": [message]})
    activity = _locked(actor, activity)
    if activity.status != ActivityStatus.PLANNED:
        raise Conflict("只能取消计划中的活动。", code="activity_not_planned")
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason
    activity.checkin_open = False
    activity.version = F("version") + 1
    activity.save(
        update_fields=["status", "cancel_reason", "checkin_open", "version", "updated_at"]
    )
    activity.refresh_from_db()
    audit_record(
        action=AuditAction.DEACTIVATED,
        user=actor,
        obj=activity,
        detail={"what": "activity_cancel", "reason": reason},
    )
    return activity


@transaction.atomic
def activity_checkin_set(*, actor, activity: Activity, open_: bool) -> Activity:
    """Open or close QR check-in (names mode only)."""
    activity = _locked(actor, activity)
    if activity.attendance_mode != AttendanceMode.NAMES:
        raise Conflict("按人数登记的活动不需要扫码签到。", code="activity_count_mode")
    if open_ and activity.status == ActivityStatus.CANCELLED:
        raise Conflict("已取消的活动不能签到。", code="activity_cancelled")
    activity.checkin_open = bool(open_)
    activity.save(update_fields=["checkin_open", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=activity,
        detail={"what": "activity_checkin", "checkin_open": activity.checkin_open},
    )
    return activity


def name_key(name: str, unit: str) -> str:
    return f"{normalise_text(name).replace(' ', '')}|{normalise_text(unit).replace(' ', '')}"


def _attendee_clean(name, unit, member_card):
    errors = ErrorCollector()
    name = _text(name, 50, "name", "姓名", errors, required=True)
    unit = _text(unit, 100, "unit", "单位", errors)
    member = None
    card = normalise_text(member_card).upper()
    if card:
        member = Member.objects.filter(card_number=card, status=MemberStatus.ACTIVE).first()
        if member is None:
            errors.add("member_card", "未找到该会员卡号对应的在册会员，请核对。")
    errors.raise_if_any()
    return name, unit, member


def _attendee_add(activity: Activity, name, unit, member, *, by_staff: bool, ip_hash: str = ""):
    """(attendee, created) on a locked activity; the same name and unit is one attendee."""
    key = name_key(name, unit)
    existing = ActivityAttendee.objects.filter(activity=activity, name_key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            attendee = ActivityAttendee.objects.create(
                activity=activity,
                name=name,
                unit=unit,
                name_key=key,
                member=member,
                by_staff=by_staff,
                ip_hash=ip_hash,
            )
    except IntegrityError:
        return ActivityAttendee.objects.get(activity=activity, name_key=key), False
    Activity.objects.filter(pk=activity.pk).update(attendance=F("attendance") + 1)
    return attendee, True


def attendee_validate(*, name="", unit="", member_card="", **_other) -> None:
    _attendee_clean(name, unit, member_card)


@transaction.atomic
def attendee_add(*, actor, activity: Activity, name: str, unit: str = "", member_card: str = ""):
    """Staff add a name to the list (names mode): (attendee, created)."""
    activity = _locked(actor, activity)
    if activity.attendance_mode != AttendanceMode.NAMES:
        raise Conflict("按人数登记的活动不记名单。", code="activity_count_mode")
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict("已取消的活动不能签到。", code="activity_cancelled")
    name, unit, member = _attendee_clean(name, unit, member_card)
    attendee, created = _attendee_add(activity, name, unit, member, by_staff=True)
    if created:
        audit_record(
            action=AuditAction.UPDATED,
            user=actor,
            obj=activity,
            detail={"what": "attendee_add", "attendee": attendee.pk},
        )
    return attendee, created


def checkin_public(*, token: str, name: str, unit: str = "", member_card: str = "", ip=None):
    """A worker checks in by the activity's QR code: (attendee, created). Rate-limited per
    address (counted before the transaction, refusals included)."""
    if ip and not ip_allowed(ip):
        allowed, window = CHECKIN_PER_IP
        if hit_over_limit(f"outreach-checkin:{keyed_hash(f'ip:{ip}')}", allowed, window):
            raise RateLimited("提交过于频繁，请稍后再试。")
    return _checkin(token, name, unit, member_card, keyed_hash(f"ip:{ip}") if ip else "")


@transaction.atomic
def _checkin(token, name, unit, member_card, ip_hash):
    activity = (
        Activity.objects.select_for_update().filter(checkin_token=str(token or "")[:24]).first()
    )
    if activity is None:
        raise NotFound("签到二维码无效。")
    if not activity.checkin_open or activity.status == ActivityStatus.CANCELLED:
        raise ValidationFailed(CHECKIN_CLOSED)
    name, unit, member = _attendee_clean(name, unit, member_card)
    attendee, created = _attendee_add(activity, name, unit, member, by_staff=False, ip_hash=ip_hash)
    if created:
        audit_record(
            action=AuditAction.CREATED,
            obj=attendee,
            org=activity.org,
            detail={"what": "activity_checkin_public", "activity": activity.pk},
        )
    return attendee, created


def _photo_clean(activity: Activity, upload):
    errors = ErrorCollector()
    if activity.photos.count() >= PHOTO_MAX:
        errors.add("image", f"每个活动最多 {PHOTO_MAX} 张照片。")
    elif upload is not None:
        checked = errors.check(image_check, upload, max_bytes=PHOTO_MAX_BYTES, label="照片")
        errors.raise_if_any()
        return checked
    errors.raise_if_any()
    return None


def activity_photo_validate(*, activity: Activity, image=None, **_other) -> None:
    """The photo rules (how many an activity may have; a real picture of a bounded size)
    without writing, for the upload form's one round of errors."""
    _photo_clean(activity, image)


@transaction.atomic
def activity_photo_add(*, actor, activity: Activity, upload, caption: str = "") -> ActivityPhoto:
    activity = _locked(actor, activity)
    content, ext, dimensions = _photo_clean(activity, upload)
    photo = ActivityPhoto(
        activity=activity, caption=normalise_text(caption)[:100], uploaded_by=_user(actor)
    )
    image_store(photo, content, ext, dimensions)
    audit_record(
        action=AuditAction.UPDATED, user=actor, obj=activity, detail={"photo_added": photo.pk}
    )
    return photo


@transaction.atomic
def activity_photo_remove(*, actor, photo: ActivityPhoto) -> None:
    activity = _locked(actor, photo.activity)
    photo = ActivityPhoto.objects.filter(pk=photo.pk, activity=activity).first()
    if photo is None:
        raise NotFound()
    storage, name, pk = photo.image.storage, photo.image.name, photo.pk
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit_record(action=AuditAction.DELETED, user=actor, obj=activity, detail={"photo_removed": pk})

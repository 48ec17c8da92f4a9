"""Writes for caravans, stops, offers (quotas) and registrations (with the waiting list).

Every write is keyword-only, atomic, validated (Chinese messages, nothing written on a
refusal), scope-checked on the `outreach` module (out of scope answers as missing) and
audited. `actor=None` is the system (demo data) or, for `registration_create` with the portal
channel and `registration_cancel_public`, the worker on the portal.

Places: `registration_create` locks the offer's row, takes the next arrival number, and is
confirmed while places are left, else waitlisted; `registration_cancel` and
`offer_quota_set` move the earliest waiting arrivals up under the same lock. See
gonghui.outreach.caravans.models for why this never exceeds a quota.
"""

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core import geo
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit
from gonghui.core.scope import org_in_scope, scope_paths
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean, phone_clean
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Enterprise, Org, OrgLevel
from gonghui.outreach.caravans.models import (
    CONSENT_VERSION,
    QUOTA_REQUIRED,
    Caravan,
    CaravanKind,
    CaravanStatus,
    CaravanStop,
    HostKind,
    OnSiteRegistration,
    RegistrationChannel,
    RegistrationStatus,
    ServiceKind,
    StopOffer,
    StopPhoto,
    StopStatus,
    Trade,
)
from gonghui.outreach.images import image_check, image_store
from gonghui.sites.models import ServiceSite
from gonghui.sites.selectors import county_boundary, county_of

MODULE = "outreach"
QUOTA_MAX = 10_000
SERVED_MAX = 100_000
PAY_MAX = 1_000_000
STOP_MAX_HOURS = 24 * 7
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PER_STOP = 12
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
# Portal registrations: attempts per IP per hour (refused ones included), and per stop.
PORTAL_ATTEMPTS_PER_IP = (30, 3600)

CONSENT_NEEDED = "登记身份证号或手机号须经本人同意，请勾选“本人同意”。"
STOP_OVER = "该站次已结束，不能再登记。"
STOP_CANCELLED = "该站次已取消，不能登记。"
NOT_TRAINED = "本站次不提供该工种的免费培训。"
TOO_MANY = "提交过于频繁，请稍后再试。"


class RateLimited(ValidationFailed):
    code = "rate_limited"
    status = 429


# --- helpers ---------------------------------------------------------------------------------


def _require(actor, org, action: str = Action.EDIT) -> None:
    """Out of scope answers as if the record did not exist (404), never 403."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _text(value, limit: int, key: str, label: str, errors: ErrorCollector, *, required=False):
    text = normalise_text(value)
    if required and not text:
        errors.add(key, f"请填写{label}。")
    elif len(text) > limit:
        errors.add(key, f"{label}不能超过 {limit} 个字。")
    return text[:limit]


def _long_text(value, limit: int, key: str, label: str, errors: ErrorCollector) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        errors.add(key, f"{label}不能超过 {limit} 个字。")
    return text[:limit]


def _codes(values, choices, key: str, label: str, errors: ErrorCollector) -> list[str]:
    codes = [values] if isinstance(values, str) else [getattr(v, "value", v) for v in values or []]
    unknown = [c for c in codes if c not in choices.values]
    if unknown:
        errors.add(key, f"未知的{label}：{'、'.join(map(str, unknown))}。")
    # keep the order of the choices, once each
    return [c for c in choices.values if c in codes]


def _count(value, key: str, label: str, errors: ErrorCollector, *, low: int, high: int):
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.add(key, f"{label}请填写整数。")
        return None
    if number < low or number > high:
        errors.add(key, f"{label}应在 {low} 到 {high:,} 之间。")
        return None
    return number


def reference_new() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


# --- caravans --------------------------------------------------------------------------------

CARAVAN_FIELDS = (
    "name",
    "kind",
    "kind_label",
    "vehicle",
    "equipment",
    "trades",
    "services",
    "description",
)


def _caravan_clean(data: dict) -> dict:
    errors = ErrorCollector()
    out = {
        "name": _text(data.get("name"), 100, "name", "名称", errors, required=True),
        "kind": data.get("kind") or "",
        "kind_label": _text(data.get("kind_label"), 30, "kind_label", "自定类型", errors),
        "vehicle": _text(data.get("vehicle"), 100, "vehicle", "车辆", errors),
        "equipment": _long_text(data.get("equipment"), 2000, "equipment", "随车设备", errors),
        "description": _long_text(data.get("description"), 2000, "description", "简介", errors),
        "trades": _codes(data.get("trades"), Trade, "trades", "工种", errors),
        "services": _codes(data.get("services"), ServiceKind, "services", "服务项目", errors),
    }
    if out["kind"] not in CaravanKind.values:
        errors.add("kind", "请选择大篷车类型。")
    elif out["kind"] == CaravanKind.CUSTOM and not out["kind_label"]:
        errors.add("kind_label", "自定类型的大篷车请填写类型名称。")
    if out["kind"] != CaravanKind.CUSTOM:
        out["kind_label"] = ""
    if out["trades"] and ServiceKind.TRAINING not in out["services"]:
        # Trades it trains in mean it carries free training.
        out["services"] = [c for c in ServiceKind.values if c in {*out["services"], "training"}]
    if ServiceKind.TRAINING in out["services"] and not out["trades"]:
        errors.add("trades", "提供免费技能培训的大篷车请选择可培训的工种。")
    if not out["services"]:
        errors.add("services", "请至少选择一项服务项目。")
    errors.raise_if_any()
    return out


def caravan_validate(*, actor, caravan: Caravan | None = None, **fields) -> None:
    """The checks of caravan_create / caravan_update without writing (one round of errors)."""
    current = {f: getattr(caravan, f) for f in CARAVAN_FIELDS} if caravan is not None else {}
    _caravan_clean({**current, **fields})


@transaction.atomic
def caravan_create(
    *,
    actor,
    org: Org,
    name: str,
    kind: str,
    kind_label: str = "",
    vehicle: str = "",
    equipment: str = "",
    trades: Iterable[str] = (),
    services: Iterable[str] = (),
    description: str = "",
) -> Caravan:
    _require(actor, org)
    if not org.is_active:
        raise ValidationFailed(
            "请选择正常状态的工会组织。", fields={"org": ["请选择正常状态的工会组织。"]}
        )
    cleaned = _caravan_clean(
        dict(
            name=name,
            kind=kind,
            kind_label=kind_label,
            vehicle=vehicle,
            equipment=equipment,
            trades=list(trades),
            services=list(services),
            description=description,
        )
    )
    caravan = Caravan.objects.create(org=org, **cleaned)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=caravan,
        detail={"what": "caravan", "caravan_kind": caravan.kind},
    )
    return caravan


def _locked_caravan(actor, caravan: Caravan) -> Caravan:
    locked = Caravan.objects.select_for_update().select_related("org").filter(pk=caravan.pk).first()
    if locked is None:
        raise NotFound()
    _require(actor, locked.org)
    return locked


@transaction.atomic
def caravan_update(*, actor, caravan: Caravan, version: int | None = None, **changes) -> Caravan:
    unknown = set(changes) - set(CARAVAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    caravan = _locked_caravan(actor, caravan)
    if version is not None and version != caravan.version:
        raise Conflict("该大篷车信息已被他人修改，请刷新后重试。", code="stale_version")
    current = {f: getattr(caravan, f) for f in CARAVAN_FIELDS}
    cleaned = _caravan_clean({**current, **changes})
    changed = [f for f in CARAVAN_FIELDS if cleaned[f] != current[f]]
    if not changed:
        return caravan
    for key in changed:
        setattr(caravan, key, cleaned[key])
    caravan.version = F("version") + 1
    caravan.save()
    caravan.refresh_from_db()
    audit_record(action=AuditAction.UPDATED, user=actor, obj=caravan, detail={"changed": changed})
    return caravan


@transaction.atomic
def caravan_set_status(*, actor, caravan: Caravan, status: str) -> Caravan:
    if status not in CaravanStatus.values:
        raise ValidationFailed("状态不正确。", fields={"status": ["状态不正确。"]})
    caravan = _locked_caravan(actor, caravan)
    if caravan.status == status:
        raise Conflict(
            f"该大篷车已是“{caravan.get_status_display()}”状态。", code="status_unchanged"
        )
    before = caravan.status
    caravan.status = status
    caravan.version = F("version") + 1
    caravan.save(update_fields=["status", "version", "updated_at"])
    caravan.refresh_from_db()
    audit_record(
        action=AuditAction.DEACTIVATED if status == CaravanStatus.RETIRED else AuditAction.UPDATED,
        user=actor,
        obj=caravan,
        detail={"what": "caravan", "caravan_status": [before, status]},
    )
    return caravan


# --- stops -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferSpec:
    """A service a stop offers: a quota makes it registrable (job aid and training need one)."""

    service: str
    trade: str = ""
    label: str = ""
    quota: int | None = None


STOP_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "address",
    "lng",
    "lat",
    "township",
    "host_kind",
    "host_enterprise",
    "host_site",
    "host_name",
    "duty_note",
    "portal_open",
)


def _township_for(org: Org) -> Org | None:
    anchor = org if org.level == OrgLevel.TOWNSHIP else org.anchor
    return anchor if anchor is not None and anchor.is_township else None


def _duty_staff_check(users, org: Org, errors: ErrorCollector) -> list:
    users = list(users or [])
    outside = [
        u.display_name
        for u in users
        if not any(org.path.startswith(p) for p in scope_paths(u, MODULE, Action.EDIT))
    ]
    if outside:
        errors.add(
            "duty_staff",
            f"值班人员须是负责该站次的工会的工作人员：{'、'.join(outside)} 不是。",
        )
    return users


def _offer_clean(
    caravan: Caravan, spec: OfferSpec, errors: ErrorCollector, *, row: str | None = None
) -> OfferSpec | None:
    """One offer checked against the caravan (what it carries, the trades it trains) and the
    quota rules; every problem is reported. `row`: the offer is a row of a list (the stop's
    offers), its messages go under "offers" prefixed with the row, else under its fields."""

    def add(field: str, message: str) -> None:
        if row is None:
            errors.add(field, message)
        else:
            errors.add("offers", f"{row}：{message}")

    ok = True
    service = getattr(spec.service, "value", spec.service) or ""
    trade = getattr(spec.trade, "value", spec.trade) or ""
    label = normalise_text(spec.label)[:30]
    if service not in ServiceKind.values:
        add("service", "请选择服务项目。")
        ok = False
    elif service not in caravan.services:
        add("service", f"该大篷车不提供“{ServiceKind(service).label}”。")
        ok = False
    elif service == ServiceKind.TRAINING:
        if trade not in Trade.values:
            add("trade", "请选择培训工种。")
            ok = False
        elif trade not in caravan.trades:
            add("trade", f"该大篷车不能培训“{Trade(trade).label}”。")
            ok = False
    else:
        trade = ""
    quota = spec.quota
    if quota in ("", None):
        quota = None
        if service in QUOTA_REQUIRED:
            add("quota", f"“{ServiceKind(service).label}”须设定名额。")
            ok = False
    else:
        try:
            quota = int(quota)
        except (TypeError, ValueError):
            add("quota", "名额请填写整数。")
            ok = False
        else:
            if not 1 <= quota <= QUOTA_MAX:
                add("quota", f"名额应在 1 到 {QUOTA_MAX:,} 之间。")
                ok = False
    return OfferSpec(service, trade, label, quota) if ok else None


def _offers_clean(caravan: Caravan, offers, errors: ErrorCollector) -> list[OfferSpec]:
    specs = []
    seen = set()
    for index, raw in enumerate(offers or []):
        spec = raw if isinstance(raw, OfferSpec) else OfferSpec(**raw)
        row = f"第 {index + 1} 项"
        spec = _offer_clean(caravan, spec, errors, row=row)
        if spec is None:
            continue
        key = (spec.service, spec.trade, spec.label)
        if key in seen:
            errors.add("offers", f"{row}：与前面的服务项目重复。")
            continue
        seen.add(key)
        specs.append(spec)
    return specs


def _stop_clean(actor, caravan: Caravan | None, org: Org | None, data: dict, crs: str, stop=None):
    """Validated stop fields (point → GCJ-02, township, host), or ValidationFailed."""
    errors = ErrorCollector()
    out: dict = {}
    if caravan is None:
        errors.add("caravan", "请选择大篷车。")
    elif caravan.status != CaravanStatus.ACTIVE:
        errors.add("caravan", "该大篷车已停用，不能安排新的站次。")
    if org is None or not org.is_active:
        errors.add("org", "请选择负责该站次的工会组织。")
    elif caravan is not None and not (
        org.pk == caravan.org_id or org.path.startswith(caravan.org.path)
    ):
        errors.add("org", "负责的工会应是大篷车所属工会或其下级。")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts_at, datetime.datetime):
        errors.add("starts_at", "请填写开始时间。")
    if not isinstance(ends_at, datetime.datetime):
        errors.add("ends_at", "请填写结束时间。")
    if isinstance(starts_at, datetime.datetime) and isinstance(ends_at, datetime.datetime):
        if ends_at <= starts_at:
            errors.add("ends_at", "结束时间应晚于开始时间。")
        elif ends_at - starts_at > datetime.timedelta(hours=STOP_MAX_HOURS):
            errors.add("ends_at", "一个站次最长 7 天，请分成几个站次安排。")
    out["starts_at"], out["ends_at"] = starts_at, ends_at
    out["place"] = _text(data.get("place"), 100, "place", "地点", errors, required=True)
    out["address"] = _text(data.get("address"), 200, "address", "地址", errors)
    out["host_name"] = _text(data.get("host_name"), 150, "host_name", "承办单位", errors)
    out["duty_note"] = _text(data.get("duty_note"), 200, "duty_note", "其他值班人员", errors)
    out["portal_open"] = bool(data.get("portal_open", True))
    county = county_of(org) if org is not None else None
    moved = stop is None or (
        data.get("lng") != stop.lng or data.get("lat") != stop.lat or crs != geo.Crs.GCJ02
    )
    if moved:
        try:
            out["lng"], out["lat"] = geo.coordinate_parse(
                data.get("lng"), data.get("lat"), crs, within=county_boundary(county)
            )
        except geo.CoordinateError as exc:
            errors.add("coordinates", exc.message)
    else:
        out["lng"], out["lat"] = stop.lng, stop.lat
    township = data.get("township")
    if township is None and org is not None:
        township = _township_for(org)
    elif township is not None and (
        not isinstance(township, Org)
        or not township.is_township
        or (county is not None and not township.is_descendant_of(county))
    ):
        errors.add("township", "所在乡镇(街道)应为本县的乡镇(街道、园区)工会。")
    out["township"] = township
    host_kind = data.get("host_kind") or ""
    out["host_kind"] = host_kind
    out["host_enterprise"] = out["host_site"] = None
    if host_kind not in HostKind.values:
        errors.add("host_kind", "请选择承办场所类型。")
    elif host_kind == HostKind.ENTERPRISE:
        enterprise = data.get("host_enterprise")
        if not isinstance(enterprise, Enterprise):
            errors.add("host_enterprise", "请选择承办企业。")
        elif county is not None and not enterprise.org.path.startswith(county.path):
            errors.add("host_enterprise", "承办企业应是本县的用人单位。")
        else:
            out["host_enterprise"] = enterprise
            out["host_name"] = enterprise.name
    elif host_kind == HostKind.SITE:
        site = data.get("host_site")
        if not isinstance(site, ServiceSite):
            errors.add("host_site", "请选择承办的服务阵地。")
        elif county is not None and not site.org.path.startswith(county.path):
            errors.add("host_site", "承办阵地应是本县的服务阵地。")
        else:
            out["host_site"] = site
            out["host_name"] = site.name
    elif not out["host_name"]:
        errors.add("host_name", "请填写承办的村(社区)或场所名称。")
    if "duty_staff" in data and org is not None:
        out["duty_staff"] = _duty_staff_check(data["duty_staff"], org, errors)
    if "offers" in data and caravan is not None:
        out["offers"] = _offers_clean(caravan, data["offers"], errors)
        if not out["offers"] and not errors.fields.get("offers"):
            errors.add("offers", "请至少安排一项服务。")
    errors.raise_if_any()
    return out


def stop_validate(
    *, actor, caravan=None, org=None, stop: CaravanStop | None = None, crs=geo.Crs.GCJ02, **fields
) -> None:
    """The checks of stop_create / stop_update without writing (one round of errors)."""
    if stop is not None:
        current = {f: getattr(stop, f) for f in STOP_FIELDS}
        if "lng" not in fields and "lat" not in fields:
            crs = geo.Crs.GCJ02
        fields = {**current, **fields}
        caravan, org = stop.caravan, stop.org
    _stop_clean(actor, caravan, org, fields, crs, stop)


def _offers_create(stop: CaravanStop, specs: list[OfferSpec]) -> None:
    StopOffer.objects.bulk_create(
        StopOffer(stop=stop, service=s.service, trade=s.trade, label=s.label, quota=s.quota)
        for s in specs
    )


@transaction.atomic
def stop_create(
    *,
    actor,
    caravan: Caravan,
    org: Org,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str,
    lng,
    lat,
    host_kind: str,
    offers,
    crs: str = geo.Crs.GCJ02,
    address: str = "",
    township: Org | None = None,
    host_enterprise: Enterprise | None = None,
    host_site: ServiceSite | None = None,
    host_name: str = "",
    duty_staff=(),
    duty_note: str = "",
    portal_open: bool = True,
) -> CaravanStop:
    """Plan a stop of a caravan's route, with the services it offers there (OfferSpec list).
    The actor plans the caravan's route (edit scope on its org) for a union in its subtree."""
    _require(actor, caravan.org)
    _require(actor, org)
    cleaned = _stop_clean(
        actor,
        caravan,
        org,
        dict(
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            address=address,
            lng=lng,
            lat=lat,
            township=township,
            host_kind=host_kind,
            host_enterprise=host_enterprise,
            host_site=host_site,
            host_name=host_name,
            duty_note=duty_note,
            portal_open=portal_open,
            duty_staff=duty_staff,
            offers=offers,
        ),
        crs,
    )
    specs = cleaned.pop("offers")
    staff = cleaned.pop("duty_staff")
    stop = CaravanStop.objects.create(caravan=caravan, org=org, **cleaned)
    stop.duty_staff.set(staff)
    _offers_create(stop, specs)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=stop,
        detail={"what": "stop", "caravan": caravan.pk, "offers": len(specs)},
    )
    return stop


def _locked_stop(actor, stop: CaravanStop, action: str = Action.EDIT) -> CaravanStop:
    locked = (
        CaravanStop.objects.select_for_update(of=("self",))
        .select_related("org", "caravan", "caravan__org")
        .filter(pk=stop.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    _require(actor, locked.org, action)
    return locked


@transaction.atomic
def stop_update(
    *, actor, stop: CaravanStop, version: int | None = None, crs=geo.Crs.GCJ02, **changes
) -> CaravanStop:
    """Edit a planned stop (STOP_FIELDS and `duty_staff`); the offers have their own writes."""
    unknown = set(changes) - {*STOP_FIELDS, "duty_staff"}
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    stop = _locked_stop(actor, stop)
    if version is not None and version != stop.version:
        raise Conflict("该站次信息已被他人修改，请刷新后重试。", code="stale_version")
    if stop.status != StopStatus.PLANNED:
        raise Conflict("只能修改计划中的站次。", code="stop_not_planned")
    current = {f: getattr(stop, f) for f in STOP_FIELDS}
    if "lng" not in changes and "lat" not in changes:
        crs = geo.Crs.GCJ02
    cleaned = _stop_clean(actor, stop.caravan, stop.org, {**current, **changes}, crs, stop)
    staff = cleaned.pop("duty_staff", None)
    changed = [f for f in STOP_FIELDS if cleaned[f] != current[f]]
    if staff is not None and {u.pk for u in staff} != set(
        stop.duty_staff.values_list("pk", flat=True)
    ):
        stop.duty_staff.set(staff)
        changed.append("duty_staff")
    if not changed:
        return stop
    for key in changed:
        if key != "duty_staff":
            setattr(stop, key, cleaned[key])
    stop.version = F("version") + 1
    stop.save()
    stop.refresh_from_db()
    audit_record(action=AuditAction.UPDATED, user=actor, obj=stop, detail={"changed": changed})
    return stop


def _offers_locked(stop: CaravanStop) -> list[StopOffer]:
    return list(StopOffer.objects.select_for_update().filter(stop=stop).order_by("id"))


def _cancel_reason_clean(reason) -> str:
    errors = ErrorCollector()
    reason = _text(reason, 200, "reason", "取消原因", errors, required=True)
    errors.raise_if_any()
    return reason


def stop_cancel_validate(*, stop: CaravanStop | None = None, reason: str = "", **_other) -> None:
    """The checks of stop_cancel without writing (the cancel form's one round)."""
    _cancel_reason_clean(reason)


@transaction.atomic
def stop_cancel(*, actor, stop: CaravanStop, reason: str) -> CaravanStop:
    """Cancel a planned stop: its live registrations are cancelled (and their follow-ups
    closed); the records stay."""
    from gonghui.outreach.followups.services import followups_close

    reason = _cancel_reason_clean(reason)
    stop = _locked_stop(actor, stop)
    if stop.status != StopStatus.PLANNED:
        raise Conflict("只能取消计划中的站次。", code="stop_not_planned")
    offers = _offers_locked(stop)
    now = timezone.now()
    live = OnSiteRegistration.objects.filter(stop=stop).exclude(status=RegistrationStatus.CANCELLED)
    cancelled = list(live.values_list("pk", flat=True))
    live.update(status=RegistrationStatus.CANCELLED, cancelled_at=now, cancel_reason="站次取消")
    StopOffer.objects.filter(pk__in=[o.pk for o in offers]).update(confirmed=0, waiting=0)
    followups_close(registration_ids=cancelled)
    stop.status = StopStatus.CANCELLED
    stop.cancel_reason = reason
    stop.version = F("version") + 1
    stop.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
    stop.refresh_from_db()
    audit_record(
        action=AuditAction.DEACTIVATED,
        user=actor,
        obj=stop,
        detail={"what": "stop_cancel", "reason": reason, "registrations": len(cancelled)},
    )
    return stop


def stop_summary_validate(*, stop: CaravanStop, summary: str = "", served=None, **_other) -> None:
    """The checks of stop_summarise without writing; a cancelled stop is one of its messages
    (a form's check reports ValidationFailed only)."""
    try:
        _stop_summary_clean(stop, summary, served or {})
    except Conflict as exc:
        raise ValidationFailed(exc.message, fields={"__all__": [exc.message]}) from None


def _stop_summary_clean(stop: CaravanStop, summary: str, served: dict) -> tuple[str, dict]:
    errors = ErrorCollector()
    if stop.status == StopStatus.CANCELLED:
        raise Conflict("已取消的站次不能填写服务小结。", code="stop_cancelled")
    if stop.starts_at > timezone.now():
        errors.add("__all__", "站次尚未开始，不能填写服务小结。")
    text = _long_text(summary, 5000, "summary", "服务小结", errors)
    offers = {o.pk: o for o in stop.offers.all()}
    counts = {}
    for key, value in (served or {}).items():
        pk = int(key)
        offer = offers.get(pk)
        if offer is None:
            raise ValidationFailed(
                "服务项目不属于该站次。", fields={"served": ["服务项目不属于该站次。"]}
            )
        number = _count(value, f"served_{pk}", offer.title, errors, low=0, high=SERVED_MAX)
        if number is not None:
            counts[pk] = number
    errors.raise_if_any()
    return text, counts


@transaction.atomic
def stop_summarise(*, actor, stop: CaravanStop, summary: str, served: dict) -> CaravanStop:
    """Record the post-stop summary and the people served per offer ({offer id: count});
    the stop is then done (a done stop's summary may be corrected)."""
    stop = _locked_stop(actor, stop)
    text, counts = _stop_summary_clean(stop, summary, served)
    for pk, number in counts.items():
        StopOffer.objects.filter(pk=pk, stop=stop).update(served=number)
    before = stop.status
    stop.summary = text
    stop.status = StopStatus.DONE
    stop.summarised_at = timezone.now()
    stop.version = F("version") + 1
    stop.save(update_fields=["summary", "status", "summarised_at", "version", "updated_at"])
    stop.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=stop,
        detail={
            "what": "stop_summary",
            "stop_status": [before, stop.status],
            "served": sum(counts.values()),
        },
    )
    return stop


def _stop_photo_clean(stop: CaravanStop, upload):
    errors = ErrorCollector()
    if stop.photos.count() >= PHOTO_MAX_PER_STOP:
        errors.add("image", f"每个站次最多 {PHOTO_MAX_PER_STOP} 张照片。")
    elif upload is not None:
        checked = errors.check(image_check, upload, max_bytes=PHOTO_MAX_BYTES, label="照片")
        errors.raise_if_any()
        return checked
    errors.raise_if_any()
    return None


def stop_photo_validate(*, stop: CaravanStop, image=None, **_other) -> None:
    """The photo rules (how many a stop may have; a real picture of a bounded size) without
    writing, for the upload form's one round of errors."""
    _stop_photo_clean(stop, image)


@transaction.atomic
def stop_photo_add(*, actor, stop: CaravanStop, upload, caption: str = "") -> StopPhoto:
    stop = _locked_stop(actor, stop)
    content, ext, dimensions = _stop_photo_clean(stop, upload)
    photo = StopPhoto(stop=stop, caption=normalise_text(caption)[:100], uploaded_by=_user(actor))
    image_store(photo, content, ext, dimensions)
    audit_record(action=AuditAction.UPDATED, user=actor, obj=stop, detail={"photo_added": photo.pk})
    return photo


@transaction.atomic
def stop_photo_remove(*, actor, photo: StopPhoto) -> None:
    stop = _locked_stop(actor, photo.stop)
    photo = StopPhoto.objects.filter(pk=photo.pk, stop=stop).first()
    if photo is None:
        raise NotFound()
    storage, name, pk = photo.image.storage, photo.image.name, photo.pk
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit_record(action=AuditAction.DELETED, user=actor, obj=stop, detail={"photo_removed": pk})


# --- offers (quotas) --------------------------------------------------------------------------


def _offer_add_clean(stop: CaravanStop, service, trade, label, quota) -> OfferSpec:
    errors = ErrorCollector()
    spec = _offer_clean(stop.caravan, OfferSpec(service, trade, label, quota), errors)
    if (
        spec is not None
        and StopOffer.objects.filter(
            stop=stop, service=spec.service, trade=spec.trade, label=spec.label
        ).exists()
    ):
        errors.add("service", "该站次已有这项服务。")
    errors.raise_if_any()
    return spec


def offer_validate(
    *, stop: CaravanStop, service: str = "", trade: str = "", label: str = "", quota=None, **_o
) -> None:
    """The checks of offer_add without writing (the add form's one round of errors)."""
    _offer_add_clean(stop, service or "", trade or "", label or "", quota)


@transaction.atomic
def offer_add(
    *, actor, stop: CaravanStop, service: str, trade: str = "", label: str = "", quota=None
) -> StopOffer:
    stop = _locked_stop(actor, stop)
    if stop.status != StopStatus.PLANNED:
        raise Conflict("只能为计划中的站次增加服务项目。", code="stop_not_planned")
    spec = _offer_add_clean(stop, service, trade, label, quota)
    offer = StopOffer.objects.create(
        stop=stop, service=spec.service, trade=spec.trade, label=spec.label, quota=spec.quota
    )
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=stop,
        detail={"what": "offer_add", "service": offer.service, "quota": offer.quota},
    )
    return offer


def _promote(offer: StopOffer, count: int, now) -> list[OnSiteRegistration]:
    """Move the `count` earliest waiting arrivals of a locked offer up (in arrival order)."""
    from gonghui.outreach.followups.services import followups_schedule

    if count <= 0:
        return []
    waiting = list(
        OnSiteRegistration.objects.select_for_update()
        .filter(offer=offer, status=RegistrationStatus.WAITLISTED)
        .select_related("stop", "offer", "stop__org")
        .order_by("arrival")[:count]
    )
    if not waiting:
        return []
    OnSiteRegistration.objects.filter(pk__in=[r.pk for r in waiting]).update(
        status=RegistrationStatus.CONFIRMED, promoted_at=now
    )
    for registration in waiting:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        followups_schedule(registration=registration)
    offer.confirmed += len(waiting)
    offer.waiting -= len(waiting)
    return waiting


def _offer_locked(offer: StopOffer) -> StopOffer:
    locked = StopOffer.objects.select_for_update().filter(pk=offer.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _quota_clean(offer: StopOffer, quota) -> int:
    errors = ErrorCollector()
    number = _count(quota, "quota", "名额", errors, low=1, high=QUOTA_MAX)
    if offer.quota is None:
        errors.add("quota", "该服务项目不设名额。")
    elif number is None:
        if not errors.fields:
            errors.add("quota", "请填写名额。")
    elif number < offer.confirmed:
        errors.add("quota", f"名额不能少于已确认的 {offer.confirmed} 人。")
    errors.raise_if_any()
    return number


def offer_quota_validate(*, offer: StopOffer, quota=None, **_other) -> None:
    """The checks of offer_quota_set without writing (the quota form's one round)."""
    _quota_clean(offer, quota)


@transaction.atomic
def offer_quota_set(*, actor, offer: StopOffer, quota: int) -> StopOffer:
    """Change a registrable offer's quota: never below the confirmed places; a larger quota
    moves the earliest waiting registrations up."""
    stop = _locked_stop(actor, offer.stop)
    if stop.status == StopStatus.CANCELLED:
        raise Conflict("已取消的站次不能调整名额。", code="stop_cancelled")
    offer = _offer_locked(offer)
    number = _quota_clean(offer, quota)
    before = offer.quota
    offer.quota = number
    promoted = _promote(offer, number - offer.confirmed, timezone.now())
    offer.save(update_fields=["quota", "confirmed", "waiting"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=stop,
        detail={"what": "offer_quota", "quota": [before, number], "promoted": len(promoted)},
    )
    return offer


@transaction.atomic
def offer_remove(*, actor, offer: StopOffer) -> None:
    stop = _locked_stop(actor, offer.stop)
    offer = _offer_locked(offer)
    if offer.registrations.exists():
        raise Conflict("已有职工登记的服务项目不能删除，可调整名额。", code="offer_in_use")
    if stop.offers.count() <= 1:
        raise Conflict("站次至少保留一项服务。", code="offer_last")
    service = offer.service
    offer.delete()
    audit_record(
        action=AuditAction.DELETED,
        user=actor,
        obj=stop,
        detail={"what": "offer_remove", "service": service},
    )


# --- registrations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFound:
    id_number: str
    id_hash: str
    phone: str
    phone_hash: str
    member: Member | None
    person_key: str


def _stop_open(stop: CaravanStop, channel: str, errors: ErrorCollector, now) -> None:
    if stop.status == StopStatus.CANCELLED:
        errors.add("__all__", STOP_CANCELLED)
    elif stop.status == StopStatus.DONE or stop.ends_at <= now:
        errors.add("__all__", STOP_OVER)
    elif channel == RegistrationChannel.PORTAL and not stop.portal_open:
        errors.add("__all__", "该站次不接受网上预约，请到现场登记。")


def _offer_for(stop: CaravanStop, offer, service, trade, errors: ErrorCollector):
    if offer is not None:
        if offer.stop_id != stop.pk:
            errors.add("offer", "请选择本站次的服务项目。")
            return None
    else:
        service = getattr(service, "value", service) or ""
        trade = getattr(trade, "value", trade) or ""
        candidates = [o for o in stop.offers.all() if o.service == service and o.quota is not None]
        if service == ServiceKind.TRAINING:
            offer = next((o for o in candidates if o.trade == trade), None)
            if offer is None:
                errors.add("trade", NOT_TRAINED)
                return None
        else:
            offer = candidates[0] if candidates else None
    if offer is None:
        errors.add("offer", "请选择要登记的服务项目。")
        return None
    if offer.quota is None:
        errors.add("offer", "该服务项目不设名额，无需登记。")
        return None
    return offer


def _person(
    stop, consent, id_number, phone, member_card, errors: ErrorCollector
) -> PersonFound | None:
    id_number = normalise_text(id_number)
    phone = normalise_text(phone)
    if (id_number or phone) and not consent:
        errors.add("consent", CONSENT_NEEDED)
        return None
    number = id_hash = phone_clean_ = phone_hash = ""
    if id_number:
        try:
            number = id_number_clean(id_number).number
            id_hash = keyed_hash(number)
        except IdNumberError as exc:
            errors.add("id_number", str(exc))
    if phone:
        try:
            phone_clean_ = phone_clean(phone)
            phone_hash = keyed_hash(f"phone:{phone_clean_}")
        except ValueError as exc:
            errors.add("phone", str(exc))
    member = None
    card = normalise_text(member_card).upper()
    if card:
        member = Member.objects.filter(card_number=card, status=MemberStatus.ACTIVE).first()
        if member is None:
            errors.add("member_card", "未找到该会员卡号对应的在册会员，请核对。")
    if member is None and id_hash:
        member = Member.objects.filter(id_number_hash=id_hash, status=MemberStatus.ACTIVE).first()
    if errors.fields:
        return None
    if id_hash:
        key = f"id:{id_hash}"
    elif member is not None:
        key = f"member:{member.pk}"
    elif phone_hash:
        key = f"phone:{phone_hash}"
    else:
        key = ""
    return PersonFound(number, id_hash, phone_clean_, phone_hash, member, key)


def _duplicate(stop: CaravanStop, person: PersonFound) -> OnSiteRegistration | None:
    keys = {person.person_key} if person.person_key else set()
    if person.member is not None:
        keys.add(f"member:{person.member.pk}")
    if person.phone_hash:
        keys.add(f"phone:{person.phone_hash}")
    if not keys:
        return None
    return (
        OnSiteRegistration.objects.filter(stop=stop, person_key__in=keys)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def _registration_clean(
    *,
    stop: CaravanStop,
    offer,
    service,
    trade,
    channel: str,
    name,
    gender,
    consent: bool,
    id_number,
    phone,
    member_card,
    wish_job,
    wish_pay,
    wish_area,
    skills,
    note,
    now,
):
    errors = ErrorCollector()
    if channel not in RegistrationChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    _stop_open(stop, channel, errors, now)
    offer = _offer_for(stop, offer, service, trade, errors)
    data = {
        "name": _text(name, 50, "name", "姓名", errors, required=True),
        "gender": gender if gender in ("male", "female") else "",
        "wish_job": _text(wish_job, 50, "wish_job", "期望岗位", errors),
        "wish_area": _text(wish_area, 50, "wish_area", "期望工作地点", errors),
        "skills": _text(skills, 200, "skills", "现有技能", errors),
        "note": _text(note, 200, "note", "备注", errors),
        "wish_pay": _count(wish_pay, "wish_pay", "期望月薪", errors, low=0, high=PAY_MAX),
    }
    person = _person(stop, bool(consent), id_number, phone, member_card, errors)
    if person is not None and not errors.fields:
        existing = _duplicate(stop, person)
        if existing is not None:
            errors.add(
                "__all__",
                f"该职工已在本站次登记(登记号 {existing.reference}，"
                f"{existing.get_status_display()})，不能重复登记。",
            )
    errors.raise_if_any()
    return offer, person, data


def registration_validate(
    *,
    actor,
    stop: CaravanStop,
    offer: StopOffer | None = None,
    service: str = "",
    trade: str = "",
    channel: str = RegistrationChannel.ON_SITE,
    name: str = "",
    gender: str = "",
    consent: bool = False,
    id_number: str = "",
    phone: str = "",
    member_card: str = "",
    wish_job: str = "",
    wish_pay=None,
    wish_area: str = "",
    skills: str = "",
    note: str = "",
    **_other,
) -> None:
    """Every check of registration_create, without writing (one round of errors)."""
    _registration_clean(
        stop=stop,
        offer=offer,
        service=service,
        trade=trade,
        channel=channel,
        name=name,
        gender=gender,
        consent=consent,
        id_number=id_number,
        phone=phone,
        member_card=member_card,
        wish_job=wish_job,
        wish_pay=wish_pay,
        wish_area=wish_area,
        skills=skills,
        note=note,
        now=timezone.now(),
    )


def _portal_rate_check(ip: str | None) -> None:
    if not ip:
        return
    from gonghui.core.ratelimit import ip_allowed

    if ip_allowed(ip):
        return
    allowed, window = PORTAL_ATTEMPTS_PER_IP
    if hit_over_limit(f"outreach-register:{keyed_hash(f'ip:{ip}')}", allowed, window):
        raise RateLimited(TOO_MANY)


def registration_create(
    *,
    actor,
    stop: CaravanStop,
    offer: StopOffer | None = None,
    service: str = "",
    trade: str = "",
    channel: str = RegistrationChannel.ON_SITE,
    name: str,
    gender: str = "",
    is_migrant_worker: bool = False,
    consent: bool = False,
    id_number: str = "",
    phone: str = "",
    member_card: str = "",
    wish_job: str = "",
    wish_pay=None,
    wish_area: str = "",
    skills: str = "",
    note: str = "",
    ip: str | None = None,
) -> OnSiteRegistration:
    """Register a worker at a stop for one offer (given, or found by service and trade):
    confirmed while places are left, else on the waiting list. On site a staff member (edit
    scope on the stop's org) registers; on the portal the worker does (actor None, rate-
    limited per IP). The ID number and phone are stored only with `consent`; a member is
    linked by card number or by the ID; a household in the hardship archive is flagged to
    its archive."""
    if channel == RegistrationChannel.PORTAL:
        _portal_rate_check(ip)  # counted before the transaction: refusals count too
    elif actor is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    return _registration_create(
        actor=actor,
        stop=stop,
        offer=offer,
        service=service,
        trade=trade,
        channel=channel,
        name=name,
        gender=gender,
        is_migrant_worker=is_migrant_worker,
        consent=consent,
        id_number=id_number,
        phone=phone,
        member_card=member_card,
        wish_job=wish_job,
        wish_pay=wish_pay,
        wish_area=wish_area,
        skills=skills,
        note=note,
    )


@transaction.atomic
def _registration_create(*, actor, stop, channel, is_migrant_worker, **fields):
    from gonghui.outreach.followups.services import followups_schedule

    stop = CaravanStop.objects.select_related("org", "caravan").filter(pk=stop.pk).first()
    if stop is None:
        raise NotFound()
    if channel == RegistrationChannel.ON_SITE:
        _require(actor, stop.org)
    now = timezone.now()
    offer, person, data = _registration_clean(stop=stop, channel=channel, now=now, **fields)
    # The places: one writer at a time per offer.
    offer = _offer_locked(offer)
    arrival = offer.arrivals + 1
    confirmed = offer.confirmed < offer.quota
    status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED
    StopOffer.objects.filter(pk=offer.pk).update(
        arrivals=arrival,
        confirmed=offer.confirmed + (1 if confirmed else 0),
        waiting=offer.waiting + (0 if confirmed else 1),
    )
    archive = _archive_of(person)
    registration = OnSiteRegistration(
        org=stop.org,
        stop=stop,
        offer=offer,
        reference=reference_new(),
        arrival=arrival,
        status=status,
        channel=channel,
        registered_on=timezone.localdate(now),
        is_migrant_worker=bool(is_migrant_worker),
        consent=bool(fields.get("consent")),
        consent_at=now if fields.get("consent") else None,
        consent_version=CONSENT_VERSION if fields.get("consent") else "",
        id_number=person.id_number,
        id_number_hash=person.id_hash,
        phone=person.phone,
        phone_hash=person.phone_hash,
        person_key=person.person_key,
        member=person.member,
        archive=archive,
        recorded_by=_user(actor),
        **data,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # the same person, registered by a concurrent request
        message = "该职工已在本站次登记，不能重复登记。"
        raise ValidationFailed(message, fields={"__all__": [message]}) from exc
    if confirmed:
        followups_schedule(registration=registration)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=stop.org,
        obj=registration,
        detail={
            "what": "registration",
            "registration_status": status,
            "channel": channel,
            "offer": offer.pk,
            "consent": registration.consent,
        },
    )
    if archive is not None:
        _archive_flag(actor, archive, registration)
    return registration


def _archive_of(person: PersonFound):
    """The live hardship archive of the person's household (as worker or household member,
    by ID; or the member's own archive), or None."""
    from gonghui.assistance.archives.selectors import archive_of_person

    if not person.id_hash and person.member is None:
        return None
    return archive_of_person(
        id_hash=person.id_hash, member_id=person.member.pk if person.member else None
    )


def _archive_flag(actor, archive, registration: OnSiteRegistration) -> None:
    from gonghui.assistance.archives.services import archive_outreach_note

    archive_outreach_note(
        actor=actor,
        archive=archive,
        on=registration.registered_on,
        note=f"在{registration.stop.place}服务站次登记：{registration.offer.title}"
        f"(登记号 {registration.reference})",
        data={"registration": registration.pk, "stop": registration.stop_id},
    )


def waitlist_position(registration: OnSiteRegistration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        OnSiteRegistration.objects.filter(
            offer_id=registration.offer_id,
            status=RegistrationStatus.WAITLISTED,
            arrival__lt=registration.arrival,
        ).count()
        + 1
    )


def _cancel(actor, registration: OnSiteRegistration, reason: str, *, public: bool):
    from gonghui.outreach.followups.services import followups_close

    stop = CaravanStop.objects.select_related("org").filter(pk=registration.stop_id).first()
    if stop is None:
        raise NotFound()
    if not public:
        _require(actor, stop.org)
    reason = normalise_text(reason)[:200]
    if not public and not reason:
        raise ValidationFailed("请填写取消原因。", fields={"reason": ["请填写取消原因。"]})
    now = timezone.now()
    if stop.status != StopStatus.PLANNED or stop.ends_at <= now:
        raise Conflict("站次已结束或已取消，登记不能再取消。", code="stop_over")
    offer = _offer_locked(registration.offer)
    registration = OnSiteRegistration.objects.select_for_update().filter(pk=registration.pk).first()
    if registration is None:
        raise NotFound()
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict("该登记已取消。", code="already_cancelled")
    before = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.cancel_reason = reason or "本人取消"
    registration.version = F("version") + 1
    registration.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "version", "updated_at"]
    )
    registration.refresh_from_db()
    followups_close(registration_ids=[registration.pk])
    promoted = []
    if before == RegistrationStatus.CONFIRMED:
        offer.confirmed -= 1
        promoted = _promote(offer, 1, now)
    else:
        offer.waiting -= 1
    offer.save(update_fields=["confirmed", "waiting"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=stop.org,
        obj=registration,
        detail={
            "what": "registration_cancel",
            "registration_status": [before, RegistrationStatus.CANCELLED],
            "reason": registration.cancel_reason,
            "promoted": [r.pk for r in promoted],
        },
    )
    return registration


@transaction.atomic
def registration_cancel(*, actor, registration: OnSiteRegistration, reason: str):
    """Cancel a live registration before the stop ends; a confirmed place goes to the first
    one waiting for the same offer."""
    return _cancel(actor, registration, reason, public=False)


@transaction.atomic
def registration_cancel_public(*, reference: str) -> OnSiteRegistration:
    """The worker cancels their own portal registration by its reference (登记号)."""
    registration = OnSiteRegistration.objects.filter(
        reference=normalise_text(reference).upper()
    ).first()
    if registration is None or registration.channel != RegistrationChannel.PORTAL:
        raise NotFound("未找到该登记号。")
    return _cancel(None, registration, "本人取消", public=True)

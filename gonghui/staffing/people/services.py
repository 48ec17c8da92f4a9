"""Writes of the staffing module's people: posts, worker records, training, and clearing a
contract's review flag. Every write is scope-checked and audited; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import (
    ErrorCollector,
    ValidationFailed,
)
from gonghui.core.modules import Action
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing.pay import selectors as pay_selectors
from gonghui.staffing.people.models import (
    Certificate,
    Education,
    FundingSource,
    Post,
    SocialWorker,
    Training,
    WorkerStatus,
)
from gonghui.staffing.shared import changed_fields, int_in, require_scope


def post_validate(
    *,
    org: Org | None,
    name: str,
    note: str = "",
    post: Post | None = None,
    is_active: bool = True,
) -> None:
    """Every problem of a post at once (writes nothing). A post someone holds cannot be
    stopped (停用): the holder moves off it first (worker edit)."""
    errors = ErrorCollector()
    name = (name or "").strip()
    if not name:
        errors.add("name", "请填写岗位名称。")
    elif len(name) > 60:
        errors.add("name", "岗位名称不能超过 60 个字。")
    if len((note or "").strip()) > 200:
        errors.add("note", "说明不能超过 200 个字。")
    if org is not None and org.level not in (OrgLevel.TOWNSHIP, OrgLevel.COUNTY):
        errors.add("org", "社工岗位设在县总工会或乡镇(街道、园区)工会。")
    if post is not None and not is_active and SocialWorker.objects.filter(post=post).exists():
        errors.add("is_active", "该岗位有社工在岗，不能停用；请先调整社工的岗位。")
    errors.raise_if_any()


@transaction.atomic
def post_create(*, actor, org: Org, name: str, note: str = "") -> Post:
    require_scope(actor, org)
    post_validate(org=org, name=name, note=note)
    post = Post.objects.create(org=org, name=name.strip(), note=(note or "").strip())
    audit_record(action=AuditAction.CREATED, user=actor, obj=post, detail={"what": "staffing_post"})
    return post


@transaction.atomic
def post_update(*, actor, post: Post, name: str, note: str = "", is_active: bool = True) -> Post:
    """Rename a post, change its note, or stop (停用) / restart it."""
    fresh = Post.objects.select_for_update().select_related("org").get(pk=post.pk)
    require_scope(actor, fresh.org)
    post_validate(org=None, name=name, note=note, post=fresh, is_active=is_active)
    values = {"name": name.strip(), "note": (note or "").strip(), "is_active": bool(is_active)}
    changed = changed_fields(fresh, values)
    if changed:
        fresh.save()
        audit_record(
            action=AuditAction.UPDATED,
            user=actor,
            obj=fresh,
            detail={"what": "staffing_post", "changed": changed},
        )
    return fresh


WORKER_FIELDS = (
    "name",
    "phone",
    "education",
    "certificates",
    "agency",
    "hired_on",
    "contract_start",
    "contract_end",
    "funding_source",
    "county_share",
    "grade",
    "band",
    "band_since",
)


def worker_validate(*, data: dict, county: Org | None = None) -> None:
    """Every problem of a worker record at once (writes nothing)."""
    errors = ErrorCollector()
    if not (data.get("name") or "").strip():
        errors.add("name", "请填写姓名。")
    phone = (data.get("phone") or "").strip()
    if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        errors.add("phone", "手机号须为 11 位数字。")
    if data.get("education") not in Education.values:
        errors.add("education", "请选择学历。")
    unknown = [c for c in data.get("certificates") or [] if c not in Certificate.values]
    if unknown:
        errors.add("certificates", "职业资格证书不在可选范围内。")
    if not (data.get("agency") or "").strip():
        errors.add("agency", "请填写用人(派遣)单位。")
    for field, label in (
        ("hired_on", "入职日期"),
        ("contract_start", "合同开始日期"),
        ("contract_end", "合同到期日期"),
        ("band_since", "现档次起始日期"),
    ):
        if not isinstance(data.get(field), dt.date):
            errors.add(field, f"请填写{label}。")
    start, end = data.get("contract_start"), data.get("contract_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end <= start:
        errors.add("contract_end", "合同到期日期须晚于开始日期。")
    if data.get("funding_source", FundingSource.SHARED) not in FundingSource.values:
        errors.add("funding_source", "请选择经费来源。")
    share = errors.check(
        int_in, data.get("county_share", 50), "county_share", "县级承担比例", 0, 100
    )
    source = data.get("funding_source")
    if share is not None:
        if source == FundingSource.COUNTY and share != 100:
            errors.add("county_share", "经费来源为县总工会经费时，县级承担比例须为 100%。")
        if source == FundingSource.TOWNSHIP and share != 0:
            errors.add("county_share", "经费来源为乡镇(街道)财政时，县级承担比例须为 0%。")
    grade = errors.check(int_in, data.get("grade", 1), "grade", "岗级", 1, 20)
    band = errors.check(int_in, data.get("band", 1), "band", "档次", 1, 20)
    if county is not None and grade is not None and band is not None:
        table = pay_selectors.pay_table(county)
        if table and (grade, band) not in table:
            errors.add("band", f"本县薪酬表中没有{grade}岗{band}档。")
    errors.raise_if_any()


def _post_check(post: Post | None, org: Org, worker: SocialWorker | None) -> None:
    if post is None:
        return
    if not post.is_active:
        raise ValidationFailed("该岗位已停用。", fields={"post": ["该岗位已停用。"]})
    if not org.path.startswith(post.org.path):
        message = "岗位须设在社工服务的工会或其上级工会。"
        raise ValidationFailed(message, fields={"post": [message]})
    holder = SocialWorker.objects.filter(post=post).exclude(pk=getattr(worker, "pk", None))
    if holder.exists():
        raise ValidationFailed("该岗位已有人在岗。", fields={"post": ["该岗位已有人在岗。"]})


def _clean(data: dict) -> dict:
    values = {k: data[k] for k in WORKER_FIELDS if k in data}
    for key in ("name", "phone", "agency"):
        if key in values:
            values[key] = (values[key] or "").strip()
    for key in ("county_share", "grade", "band"):
        if key in values:
            values[key] = int(values[key])
    values["certificates"] = sorted(set(values.get("certificates") or []))
    return values


@transaction.atomic
def worker_create(*, actor, org: Org, user=None, post: Post | None = None, **data) -> SocialWorker:
    require_scope(actor, org)
    worker_validate(data=data, county=pay_selectors.county_of(org))
    _post_check(post, org, None)
    worker = SocialWorker(org=org, user=user, post=post, **_clean(data))
    worker.save()
    audit_record(
        action=AuditAction.CREATED, user=actor, obj=worker, detail={"what": "staffing_worker"}
    )
    return worker


_KEEP = object()  # worker_update: leave the linked account as it is


@transaction.atomic
def worker_update(
    *,
    actor,
    worker: SocialWorker,
    post: Post | None = None,
    status: str | None = None,
    user=_KEEP,
    **data,
) -> SocialWorker:
    require_scope(actor, worker.org)
    merged = {k: getattr(worker, k) for k in WORKER_FIELDS} | data
    worker_validate(data=merged, county=pay_selectors.county_of(worker.org))
    _post_check(post, worker.org, worker)
    values = _clean(merged) | {"post": post}
    if user is not _KEEP:
        if (
            user is not None
            and SocialWorker.objects.filter(user=user).exclude(pk=worker.pk).exists()
        ):
            message = "该账号已关联其他社工。"
            raise ValidationFailed(message, fields={"username": [message]})
        values["user"] = user
    if status is not None:
        if status not in WorkerStatus.values:
            raise ValidationFailed("状态不正确。", fields={"status": ["状态不正确。"]})
        values["status"] = status
        if status == WorkerStatus.LEFT:
            values["post"] = None
    changed = changed_fields(worker, values)
    if changed:
        worker.save()
        audit_record(
            action=AuditAction.UPDATED,
            user=actor,
            obj=worker,
            detail={"what": "staffing_worker", "changed": [c for c in changed if c != "phone"]},
        )
    return worker


@transaction.atomic
def training_add(*, actor, worker: SocialWorker, course: str, day, hours) -> Training:
    require_scope(actor, worker.org)
    errors = ErrorCollector()
    course = (course or "").strip()
    if not course:
        errors.add("course", "请填写培训课程。")
    if not isinstance(day, dt.date):
        errors.add("day", "请填写培训日期。")
    elif day > timezone.localdate():
        errors.add("day", "培训日期不能晚于今天。")
    try:
        hours = Decimal(str(hours))
        if not hours.is_finite() or not Decimal("0.5") <= hours <= 200:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add("hours", "学时须在 0.5–200 之间。")
    errors.raise_if_any()
    record = Training.objects.create(
        org=worker.org, worker=worker, course=course[:100], day=day, hours=hours
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=worker,
        detail={"what": "staffing_training", "course": course[:100], "training_hours": str(hours)},
    )
    return record


@transaction.atomic
def contract_review_clear(*, actor, worker: SocialWorker) -> SocialWorker:
    require_scope(actor, worker.org, Action.APPROVE)
    if worker.contract_review:
        worker.contract_review = False
        worker.save(update_fields=["contract_review", "updated_at"])
        audit_record(
            action=AuditAction.UPDATED,
            user=actor,
            obj=worker,
            detail={"what": "staffing_worker", "contract_review": False},
        )
    return worker

"""Writes of the staffing module: posts, workers, rules, training, appraisals, ratings and
objections. Every write is scope-checked and audited; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record, audit_record_many
from gonghui.core import metrics
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import (
    Conflict,
    ErrorCollector,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit, ip_allowed
from gonghui.core.scope import org_in_scope
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing import rules, selectors
from gonghui.staffing.models import (
    Appraisal,
    AppraisalKind,
    AppraisalResult,
    AppraisalStatus,
    Certificate,
    Education,
    FundingSource,
    Objection,
    PayGrade,
    Post,
    RaterGroup,
    Rating,
    RatingInvite,
    SocialWorker,
    StaffingScheme,
    Training,
    WorkerStatus,
)

MODULE = "staffing"
MAX_INVITES = 200
RATING_PAGE_HITS_PER_MINUTE = 30


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


def rating_rate_check(ip: str | None) -> None:
    """Count one hit of the public rating page from this address (keyed hash: the address
    itself is not kept); RateLimited past the minute's limit."""
    if not ip or ip_allowed(ip):
        return
    if hit_over_limit(f"staffing-rate:{keyed_hash(f'ip:{ip}')}", RATING_PAGE_HITS_PER_MINUTE, 60):
        raise RateLimited("提交过于频繁。")


TOKEN_BYTES = 24


def _require_scope(actor, org, action: str = Action.EDIT) -> None:
    """Out of scope looks like missing (the views answer 404 before this)."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _changed(obj, values: dict) -> list[str]:
    changed = []
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.append(key)
    return changed


# --- rules (per county) -----------------------------------------------------------------------


def _int_in(value, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{label}须为整数。", fields={field: [f"{label}须为整数。"]}
        ) from None
    if not low <= number <= high:
        message = f"{label}须在 {low}–{high} 之间。"
        raise ValidationFailed(message, fields={field: [message]})
    return number


def scheme_validate(
    *,
    computed_share,
    rater_weights: dict,
    targets: list,
    cutoff_excellent,
    cutoff_competent,
    cutoff_basic,
    bonus: dict,
    training_min_hours=40,
    objection_days=7,
    promotion_years=2,
    promotion_results=2,
    **_ignored,
) -> None:
    """Every problem of a county's rules at once (writes nothing)."""
    errors = ErrorCollector()
    errors.check(_int_in, computed_share, "computed_share", "实绩考核占比", 0, 100)
    weights = {}
    for group in RaterGroup.values:
        weights[group] = errors.check(
            _int_in, (rater_weights or {}).get(group, 0), f"weight_{group}", "评议权重", 0, 100
        )
    if None not in weights.values() and sum(weights.values()) != 100:
        errors.add(
            "rater_weights",
            f"各类评议人的权重合计须为 100%，现为 {sum(weights.values())}%。",
        )
    target_weights = 0
    seen = set()
    for index, line in enumerate(targets or []):
        code = str(line.get("measure", "")).strip()
        if not code:
            errors.add("targets", f"第 {index + 1} 项实绩指标没有填写指标编码。")
            continue
        if code in seen:
            errors.add("targets", f"实绩指标“{code}”重复。")
        seen.add(code)
        target = errors.check(_int_in, line.get("target"), "targets", "目标值", 1, 1_000_000)
        weight = errors.check(_int_in, line.get("weight"), "targets", "指标权重", 0, 100)
        if target is not None and weight is not None:
            target_weights += weight
    if targets and target_weights != 100:
        errors.add("targets", f"实绩指标的权重合计须为 100%，现为 {target_weights}%。")
    cuts = []
    for field, label, value in (
        ("cutoff_excellent", "优秀分数线", cutoff_excellent),
        ("cutoff_competent", "称职分数线", cutoff_competent),
        ("cutoff_basic", "基本称职分数线", cutoff_basic),
    ):
        cuts.append(errors.check(_score, value, field, label))
    if None not in cuts and not cuts[0] > cuts[1] > cuts[2]:
        errors.add("cutoff_competent", "分数线须依次降低：优秀 > 称职 > 基本称职。")
    for result in AppraisalResult.values:
        errors.check(
            _int_in, (bonus or {}).get(result, 0), f"bonus_{result}", "考核奖励", 0, 100_000
        )
    errors.check(_int_in, training_min_hours, "training_min_hours", "年度培训最低学时", 0, 1000)
    errors.check(_int_in, objection_days, "objection_days", "异议期", 1, 90)
    errors.check(_int_in, promotion_years, "promotion_years", "晋档最低年限", 0, 20)
    errors.check(_int_in, promotion_results, "promotion_results", "连续称职以上年度数", 0, 10)
    errors.raise_if_any()


def _score(value, field: str = "score", label: str = "评分") -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        message = f"{label}须为数字。"
        raise ValidationFailed(message, fields={field: [message]}) from None
    if not number.is_finite() or not rules.SCORE_MIN <= number <= rules.SCORE_MAX:
        message = f"{label}须在 0–100 分之间。"
        raise ValidationFailed(message, fields={field: [message]})
    if number != number.quantize(rules.CENT):
        message = f"{label}最多保留两位小数。"
        raise ValidationFailed(message, fields={field: [message]})
    return number


@transaction.atomic
def scheme_save(*, actor, county: Org, **values) -> StaffingScheme:
    if county.level != OrgLevel.COUNTY:
        raise ValidationFailed("管理规则只能由县级总工会设置。")
    _require_scope(actor, county)
    scheme_validate(**values)
    values = {k: v for k, v in values.items() if k in _SCHEME_FIELDS}
    values["rater_weights"] = {g: int(values["rater_weights"].get(g, 0)) for g in RaterGroup.values}
    values["targets"] = [
        {
            "measure": str(t["measure"]).strip(),
            "target": int(t["target"]),
            "weight": int(t["weight"]),
        }
        for t in values["targets"]
    ]
    values["bonus"] = {r: int(values["bonus"].get(r, 0)) for r in AppraisalResult.values}
    scheme = StaffingScheme.objects.select_for_update().filter(org=county).first()
    created = scheme is None
    scheme = scheme or StaffingScheme(org=county)
    changed = _changed(scheme, values)
    scheme.save()
    audit_record(
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        user=actor,
        obj=scheme,
        detail={"what": "staffing_scheme", "changed": changed},
    )
    return scheme


_SCHEME_FIELDS = {
    "computed_share",
    "rater_weights",
    "targets",
    "cutoff_excellent",
    "cutoff_competent",
    "cutoff_basic",
    "bonus",
    "training_min_hours",
    "objection_days",
    "promotion_years",
    "promotion_needs_certificate",
    "promotion_results",
}


@transaction.atomic
def pay_grade_set(*, actor, county: Org, grade: int, band: int, monthly_pay) -> PayGrade:
    if county.level != OrgLevel.COUNTY:
        raise ValidationFailed("薪酬等级只能由县级总工会设置。")
    _require_scope(actor, county)
    errors = ErrorCollector()
    grade = errors.check(_int_in, grade, "grade", "岗级", 1, 20)
    band = errors.check(_int_in, band, "band", "档次", 1, 20)
    try:
        pay = Decimal(str(monthly_pay))
        if not pay.is_finite() or pay <= 0 or pay > 1_000_000:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add("monthly_pay", "月薪须为大于 0 的金额。")
        pay = None
    errors.raise_if_any()
    cell, created = PayGrade.objects.update_or_create(
        org=county, grade=grade, band=band, defaults={"monthly_pay": rules.q2(pay)}
    )
    audit_record(
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        user=actor,
        obj=cell,
        detail={
            "what": "staffing_pay_grade",
            "pay_grade": grade,
            "pay_band": band,
            "monthly_pay": str(pay),
        },
    )
    return cell


# --- posts ------------------------------------------------------------------------------------


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
    _require_scope(actor, org)
    post_validate(org=org, name=name, note=note)
    post = Post.objects.create(org=org, name=name.strip(), note=(note or "").strip())
    audit_record(action=AuditAction.CREATED, user=actor, obj=post, detail={"what": "staffing_post"})
    return post


@transaction.atomic
def post_update(*, actor, post: Post, name: str, note: str = "", is_active: bool = True) -> Post:
    """Rename a post, change its note, or stop (停用) / restart it."""
    fresh = Post.objects.select_for_update().select_related("org").get(pk=post.pk)
    _require_scope(actor, fresh.org)
    post_validate(org=None, name=name, note=note, post=fresh, is_active=is_active)
    values = {"name": name.strip(), "note": (note or "").strip(), "is_active": bool(is_active)}
    changed = _changed(fresh, values)
    if changed:
        fresh.save()
        audit_record(
            action=AuditAction.UPDATED,
            user=actor,
            obj=fresh,
            detail={"what": "staffing_post", "changed": changed},
        )
    return fresh


# --- workers ----------------------------------------------------------------------------------

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
        _int_in, data.get("county_share", 50), "county_share", "县级承担比例", 0, 100
    )
    source = data.get("funding_source")
    if share is not None:
        if source == FundingSource.COUNTY and share != 100:
            errors.add("county_share", "经费来源为县总工会经费时，县级承担比例须为 100%。")
        if source == FundingSource.TOWNSHIP and share != 0:
            errors.add("county_share", "经费来源为乡镇(街道)财政时，县级承担比例须为 0%。")
    grade = errors.check(_int_in, data.get("grade", 1), "grade", "岗级", 1, 20)
    band = errors.check(_int_in, data.get("band", 1), "band", "档次", 1, 20)
    if county is not None and grade is not None and band is not None:
        table = selectors.pay_table(county)
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
    _require_scope(actor, org)
    worker_validate(data=data, county=selectors.county_of(org))
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
    _require_scope(actor, worker.org)
    merged = {k: getattr(worker, k) for k in WORKER_FIELDS} | data
    worker_validate(data=merged, county=selectors.county_of(worker.org))
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
    changed = _changed(worker, values)
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
    _require_scope(actor, worker.org)
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


# --- appraisals -------------------------------------------------------------------------------


def period_of(kind: str, year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    """The dates of a year, or of quarter 1–4 of it."""
    if kind == AppraisalKind.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise ValidationFailed("请选择季度(1–4)。", fields={"quarter": ["请选择季度(1–4)。"]})
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


QUARTERS_PER_YEAR = 4


def measure_lines(
    scheme: StaffingScheme, orgs: Sequence[Org], period: metrics.Period, *, periods: int = 1
) -> dict[int, list[rules.MeasureLine]]:
    """The computed part's lines for many orgs at once: one grouped query per measure,
    whatever the number of orgs. Targets are per quarter (`periods` quarters: 4 for a
    year). Measures not registered (their app has not landed) are skipped."""
    lines: dict[int, list[rules.MeasureLine]] = {org.pk: [] for org in orgs}
    for target in scheme.targets:
        code = target["measure"]
        try:
            measure = metrics.measure_get(code)
        except metrics.MetricError:
            continue
        figures = metrics.evaluate(code, orgs=orgs, period=period)
        for org in orgs:
            value = figures[org.pk].value or 0
            url = measure.drilldown(org, period) if measure.drilldown else ""
            lines[org.pk].append(
                rules.MeasureLine(
                    measure=code,
                    name=measure.name,
                    unit=getattr(measure, "unit", ""),
                    count=int(value),
                    target=int(target["target"]) * periods,
                    weight=int(target["weight"]),
                    url=url,
                )
            )
    return lines


def _evidence(lines: list[rules.MeasureLine]) -> list[dict]:
    return [
        {
            "measure": line.measure,
            "name": line.name,
            "unit": line.unit,
            "count": line.count,
            "target": line.target,
            "weight": line.weight,
            "url": line.url,
        }
        for line in lines
    ]


@transaction.atomic
def appraisals_open(
    *, actor, workers: Sequence[SocialWorker], kind: str, year: int, quarter: int | None = None
) -> list[Appraisal]:
    """Open the appraisal of a period for many workers: the computed part is evaluated for
    all their orgs in one set-based pass. Workers already appraised for the period are
    refused (nothing written)."""
    if kind not in AppraisalKind.values:
        raise ValidationFailed("请选择考核类型。", fields={"kind": ["请选择考核类型。"]})
    _int_in(year, "year", "年度", 2000, 2100)
    quarter = int(quarter or 0) if kind == AppraisalKind.QUARTER else 0
    start, end = period_of(kind, int(year), quarter)
    workers = list(workers)
    if not workers:
        raise ValidationFailed("没有可考核的社工。")
    for worker in workers:
        _require_scope(actor, worker.org)
        if worker.status != WorkerStatus.ACTIVE:
            raise ValidationFailed(f"{worker.name}已离职，不能考核。")
    taken = set(
        Appraisal.objects.filter(
            worker__in=workers, kind=kind, year=year, quarter=quarter
        ).values_list("worker__name", flat=True)
    )
    if taken:
        raise Conflict(f"{'、'.join(sorted(taken))}本期考核已开启，不能重复开启。")
    by_scheme: dict[int, tuple[StaffingScheme, list[SocialWorker]]] = {}
    schemes = _schemes_for([w.org for w in workers])
    for worker in workers:
        scheme = schemes[worker.org_id]
        by_scheme.setdefault(scheme.org_id, (scheme, []))[1].append(worker)
    period = metrics.Period(start, end)
    created = []
    for scheme, group in by_scheme.values():
        orgs = list({w.org_id: w.org for w in group}.values())
        periods = QUARTERS_PER_YEAR if kind == AppraisalKind.YEAR else 1
        lines = measure_lines(scheme, orgs, period, periods=periods)
        for worker in group:
            worker_lines = lines[worker.org_id]
            created.append(
                Appraisal(
                    org=worker.org,
                    org_anchor_id=worker.org.anchor_id,
                    worker=worker,
                    kind=kind,
                    year=year,
                    quarter=quarter,
                    period_start=start,
                    period_end=end,
                    evidence=_evidence(worker_lines),
                    computed_score=rules.computed_score(worker_lines),
                )
            )
    Appraisal.objects.bulk_create(created)
    # One event per appraisal, in bulk (the same detail audit_record would write).
    detail = {"what": "staffing_appraisal", "appraisal_kind": kind}
    audit_record_many(
        action=AuditAction.CREATED, user=actor, objects=created, detail_of=lambda a: detail
    )
    return created


def _schemes_for(orgs: Sequence[Org]) -> dict[int, StaffingScheme]:
    """{org id: its county's rules} for many orgs in two queries (defaults, unsaved, for a
    county without its own)."""
    ancestry = {org.pk: [*org.ancestor_ids(), org.pk] for org in orgs}
    wanted = {pk for ids in ancestry.values() for pk in ids}
    counties = {o.pk: o for o in Org.objects.filter(pk__in=wanted, level=OrgLevel.COUNTY)}
    saved = {s.org_id: s for s in StaffingScheme.objects.filter(org__in=list(counties))}
    found = {}
    for org in orgs:
        county_id = next((pk for pk in reversed(ancestry[org.pk]) if pk in counties), None)
        if county_id is None:
            found[org.pk] = StaffingScheme(org=org)
        else:
            found[org.pk] = saved.get(county_id) or StaffingScheme(org=counties[county_id])
    return found


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invites_issue(*, actor, appraisal: Appraisal, count: int) -> list[str]:
    """One-time links for anonymous worker ratings. The tokens are returned once and only
    their hashes kept; nobody is recorded as their recipient."""
    _require_scope(actor, appraisal.org)
    if appraisal.status != AppraisalStatus.RATING:
        raise Conflict("考核已公布，不能再发放评议链接。")
    count = _int_in(count, "count", "链接数量", 1, MAX_INVITES)
    tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in range(count)]
    RatingInvite.objects.bulk_create(
        RatingInvite(appraisal=appraisal, token_hash=_token_hash(t)) for t in tokens
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_rating", "invites": count},
    )
    return tokens


@transaction.atomic
def rating_submit(*, actor, appraisal: Appraisal, group: str, score) -> Rating:
    """A named rating (township chair, deputy chair, county supervisor). The same person
    rates an appraisal once."""
    _require_scope(actor, appraisal.org)
    errors = ErrorCollector()
    if group not in RaterGroup.values or group == RaterGroup.WORKERS:
        errors.add("group", "请选择评议人类别(职工评议通过匿名链接进行)。")
    value = errors.check(_score, score)
    errors.raise_if_any()
    if appraisal.status != AppraisalStatus.RATING:
        raise Conflict("考核已公布，不能再评议。")
    if appraisal.worker.user_id is not None and appraisal.worker.user_id == actor.pk:
        raise ValidationFailed("不能评议自己的考核。")
    if Rating.objects.filter(appraisal=appraisal, rater=actor).exists():
        raise Conflict("您已评议过这次考核，不能重复评议。")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                appraisal=appraisal, group=group, rater=actor, score=value
            )
    except IntegrityError:
        raise Conflict("您已评议过这次考核，不能重复评议。") from None
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_rating", "rater_group": group, "rating_score": str(value)},
    )
    return rating


def invite_lookup(token: str) -> Appraisal:
    """The appraisal an unused one-time link rates; NotFound for a link unknown or used."""
    invite = (
        RatingInvite.objects.select_related("appraisal__worker", "appraisal__org")
        .filter(token_hash=_token_hash(token or ""), used=False)
        .first()
    )
    if invite is None or invite.appraisal.status != AppraisalStatus.RATING:
        raise NotFound("评议链接无效、已使用或评议已结束。")
    return invite.appraisal


@transaction.atomic
def rating_submit_anonymous(*, token: str, score) -> None:
    """A worker's anonymous rating through a one-time link. The link is spent and the score
    added to the appraisal's tally: no row of its own, no rater, no time, no link back; the
    audit event names the appraisal only (no score, no address), so no one — admins
    included — can tell who gave which score."""
    value = _score(score)
    invite = (
        RatingInvite.objects.select_for_update()
        .select_related("appraisal")
        .filter(token_hash=_token_hash(token or ""), used=False)
        .first()
    )
    if invite is None or invite.appraisal.status != AppraisalStatus.RATING:
        raise Conflict("评议链接无效、已使用或评议已结束，每个链接只能评议一次。")
    invite.used = True
    invite.save(update_fields=["used"])
    Appraisal.objects.filter(pk=invite.appraisal_id).update(
        worker_ratings=F("worker_ratings") + 1, worker_score_sum=F("worker_score_sum") + value
    )
    audit_record(
        action=AuditAction.CREATED,
        obj=invite.appraisal,
        ip="",
        detail={"what": "staffing_anonymous_rating"},
    )


def rating_totals(appraisal: Appraisal) -> dict[str, tuple[Decimal, int]]:
    """{group: (sum, count)}: the named ratings and the workers' tally."""
    totals = rules.group_totals(list(appraisal.ratings.values_list("group", "score")))
    if appraisal.worker_ratings:
        totals[RaterGroup.WORKERS] = (appraisal.worker_score_sum, appraisal.worker_ratings)
    return totals


@transaction.atomic
def appraisal_publish(*, actor, appraisal: Appraisal, today: dt.date | None = None) -> Appraisal:
    """Fix the result: ratings weighted by the county's rules, the cut-offs give the grade;
    the objection period opens. A second 不称职 in the year flags the worker's contract."""
    _require_scope(actor, appraisal.org, Action.APPROVE)
    appraisal = Appraisal.objects.select_for_update().select_related("worker").get(pk=appraisal.pk)
    if appraisal.status != AppraisalStatus.RATING:
        raise Conflict("考核已公布。")
    scheme = selectors.scheme_for(appraisal.org)
    rated = rules.rated_score(scheme.rater_weights, rating_totals(appraisal))
    total = rules.total_score(appraisal.computed_score, rated, scheme.computed_share)
    today = today or timezone.localdate()
    appraisal.rated_score = rated
    appraisal.total = total
    appraisal.result = rules.result_for(
        total,
        excellent=scheme.cutoff_excellent,
        competent=scheme.cutoff_competent,
        basic=scheme.cutoff_basic,
    )
    appraisal.status = AppraisalStatus.PUBLISHED
    appraisal.published_at = timezone.now()
    appraisal.objection_until = today + dt.timedelta(days=scheme.objection_days)
    appraisal.save()
    RatingInvite.objects.filter(appraisal=appraisal, used=False).delete()
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        obj=appraisal,
        detail={
            "what": "staffing_appraisal",
            "total_score": str(total),
            "appraisal_result": appraisal.result,
        },
    )
    _contract_review_check(actor, appraisal)
    return appraisal


def _contract_review_check(actor, appraisal: Appraisal) -> None:
    if appraisal.result != AppraisalResult.UNFIT:
        return
    worker = appraisal.worker
    year = appraisal.period_end.year
    if selectors.unfit_count(worker, year) >= 2 and not worker.contract_review:
        worker.contract_review = True
        worker.contract_review_reason = f"{year}年内两次考核不称职"
        worker.save(update_fields=["contract_review", "contract_review_reason", "updated_at"])
        audit_record(
            action=AuditAction.UPDATED,
            user=actor,
            obj=worker,
            detail={"what": "staffing_worker", "contract_review": True},
        )


@transaction.atomic
def contract_review_clear(*, actor, worker: SocialWorker) -> SocialWorker:
    _require_scope(actor, worker.org, Action.APPROVE)
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


@transaction.atomic
def objection_submit(
    *, actor, appraisal: Appraisal, text: str, today: dt.date | None = None
) -> Objection:
    """The worker objects to their own published appraisal, once, within the period."""
    if appraisal.worker.user_id is None or appraisal.worker.user_id != getattr(actor, "pk", None):
        raise NotFound()
    if appraisal.status != AppraisalStatus.PUBLISHED:
        raise NotFound()
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写异议内容。", fields={"text": ["请填写异议内容。"]})
    if len(text) > 2000:
        raise ValidationFailed(
            "异议内容不超过 2000 字。", fields={"text": ["异议内容不超过 2000 字。"]}
        )
    today = today or timezone.localdate()
    if appraisal.objection_until is None or today > appraisal.objection_until:
        raise Conflict(f"异议期已于 {appraisal.objection_until} 结束，不能再提出异议。")
    if Objection.objects.filter(appraisal=appraisal).exists():
        raise Conflict("您已对这次考核提出过异议。")
    objection = Objection.objects.create(appraisal=appraisal, text=text)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_objection"},
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, appraisal: Appraisal, answer: str) -> Objection:
    _require_scope(actor, appraisal.org, Action.APPROVE)
    objection = Objection.objects.select_for_update().filter(appraisal=appraisal).first()
    if objection is None:
        raise NotFound("这次考核没有异议。")
    if objection.answered_at is not None:
        raise Conflict("异议已答复。")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("请填写答复。", fields={"answer": ["请填写答复。"]})
    objection.answer = answer[:2000]
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_objection_answer"},
    )
    return objection

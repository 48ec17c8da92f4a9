"""Writes for innovation studios: application, naming (with its level) and revocation,
members, quarterly reports, outcomes, the county's standards checklist and the yearly
appraisal (computed from what was logged, studios/appraisal.py)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Enterprise, Org
from gonghui.workforce.choices import MODULE
from gonghui.workforce.county import county_of, require_county_admin
from gonghui.workforce.studios.appraisal import appraisal_compute
from gonghui.workforce.studios.models import (
    InnovationStudio,
    OutcomeKind,
    StandardBasis,
    StandardItem,
    StudioAppraisal,
    StudioKind,
    StudioLevel,
    StudioMember,
    StudioOutcome,
    StudioReport,
    StudioRole,
    StudioStatus,
)
from gonghui.workforce.studios.selectors import standards_default, standards_for


def today() -> datetime.date:
    return timezone.localdate()


def _require(actor, org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _audit(obj, *, actor, action, **detail) -> None:
    audit_record(action=action, user=actor, obj=obj, detail=detail)


def _text(errors, value, field, label, max_length, required=True) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, f"请填写{label}。")
    elif len(text) > max_length:
        errors.add(field, f"{label}不能超过 {max_length} 个字。")
    return text


def _amount(errors, value, field, label, high=Decimal("100000000")) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add(field, f"{label}请填写数字。")
        return Decimal(0)
    if not number.is_finite() or not Decimal(0) <= number <= high:
        errors.add(field, f"{label}应在 0 到 {high:,.0f} 之间。")
        return Decimal(0)
    if number != number.quantize(Decimal("0.01")):
        errors.add(field, f"{label}最多保留两位小数。")
    return number


def _count(errors, value, field, label, low=0, high=100000) -> int:
    try:
        number = int(value if value not in (None, "") else 0)
        if not low <= number <= high:
            raise ValueError
    except (TypeError, ValueError):
        errors.add(field, f"{label}应为 {low} 到 {high} 之间的整数。")
        return 0
    return number


# --- studios ------------------------------------------------------------------------------


def studio_validate(
    *, actor, lead: Member | None, host: Enterprise | None, studio=None, **fields
) -> dict:
    errors = ErrorCollector()
    name = _text(errors, fields.get("name"), "name", "工作室名称", 150)
    kind = fields.get("kind") or ""
    if kind not in StudioKind.values:
        errors.add("kind", "请从列表中选择类型。")
    if host is None:
        errors.add("host", "请选择依托单位。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, host.org):
        errors.add("host", "依托单位不在您的管理范围内。")
    if lead is None:
        errors.add("lead", "请选择领衔人。")
    elif lead.status != MemberStatus.ACTIVE:
        errors.add("lead", f"{lead.name}已退会。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.VIEW, lead.org):
        errors.add("lead", "领衔人不在您的管理范围内。")
    founded_on = fields.get("founded_on")
    if not isinstance(founded_on, datetime.date):
        errors.add("founded_on", "请填写成立日期。")
    elif founded_on > today():
        errors.add("founded_on", "成立日期不能晚于今天。")
    cleaned = {
        "name": name,
        "kind": kind,
        "founded_on": founded_on,
        "site": _text(errors, fields.get("site"), "site", "场所", 200, required=False),
        "area_m2": _count(errors, fields.get("area_m2"), "area_m2", "面积", high=1000000),
        "equipment": _text(
            errors, fields.get("equipment"), "equipment", "设备设施", 3000, required=False
        ),
        "topics": _text(errors, fields.get("topics"), "topics", "攻关方向", 3000, required=False),
        "funds": _amount(errors, fields.get("funds"), "funds", "年度经费"),
    }
    if host is not None and name:
        clash = InnovationStudio.objects.filter(host=host, name=name)
        if studio is not None:
            clash = clash.exclude(pk=studio.pk)
        if clash.exists():
            errors.add("name", f"{host.name}已有名为“{name}”的工作室。")
    errors.raise_if_any()
    return cleaned


@transaction.atomic
def studio_create(
    *, actor, lead: Member | None, host: Enterprise | None, **fields
) -> InnovationStudio:
    """Apply for a studio (申报); its lead joins as its first member."""
    cleaned = studio_validate(actor=actor, lead=lead, host=host, **fields)
    studio = InnovationStudio.objects.create(org=host.org, lead=lead, host=host, **cleaned)
    StudioMember.objects.create(
        studio=studio, member=lead, role=StudioRole.LEAD, joined_on=cleaned["founded_on"]
    )
    _audit(studio, actor=actor, action=AuditAction.CREATED, what="studio", kind=studio.kind)
    return studio


@transaction.atomic
def studio_update(*, actor, studio: InnovationStudio, **fields) -> InnovationStudio:
    _require(actor, studio.org)
    keys = ("name", "kind", "founded_on", "site", "area_m2", "equipment", "topics", "funds")
    values = {key: getattr(studio, key) for key in keys}
    values.update(fields)
    cleaned = studio_validate(
        actor=actor, lead=studio.lead, host=studio.host, studio=studio, **values
    )
    changed = [k for k, v in cleaned.items() if getattr(studio, k) != v]
    for key, value in cleaned.items():
        setattr(studio, key, value)
    studio.save()
    _audit(studio, actor=actor, action=AuditAction.UPDATED, changed=changed)
    return studio


@transaction.atomic
def studio_name(
    *, actor, studio: InnovationStudio, level: str, named_on=None, note: str = ""
) -> InnovationStudio:
    """Name (命名) the studio at a level, or raise its level (approve permission)."""
    _require(actor, studio.org, Action.APPROVE)
    errors = ErrorCollector()
    if level not in StudioLevel.values or level == StudioLevel.NONE:
        errors.add("level", "请选择命名级别。")
    if studio.status == StudioStatus.REVOKED:
        errors.add("__all__", "工作室已撤销，不能命名。")
    day = named_on or today()
    if not isinstance(day, datetime.date) or day > today():
        errors.add("named_on", "命名日期不能晚于今天。")
    note = _text(errors, note, "note", "说明", 200, required=False)
    errors.raise_if_any()
    before = [studio.status, studio.level]
    studio.status, studio.level, studio.named_on, studio.status_note = (
        StudioStatus.NAMED,
        level,
        day,
        note,
    )
    studio.save()
    _audit(
        studio,
        actor=actor,
        action=AuditAction.APPROVED,
        what="studio_name",
        level=[before[1], level],
    )
    return studio


@transaction.atomic
def studio_revoke(*, actor, studio: InnovationStudio, reason: str) -> InnovationStudio:
    _require(actor, studio.org, Action.APPROVE)
    errors = ErrorCollector()
    if studio.status == StudioStatus.REVOKED:
        errors.add("__all__", "工作室已撤销。")
    reason = _text(errors, reason, "reason", "撤销原因", 200)
    errors.raise_if_any()
    studio.status, studio.status_note = StudioStatus.REVOKED, reason
    studio.save()
    _audit(studio, actor=actor, action=AuditAction.DEACTIVATED, what="studio_revoke")
    return studio


@transaction.atomic
def studio_member_add(
    *, actor, studio: InnovationStudio, member: Member | None, role: str, joined_on
) -> StudioMember:
    _require(actor, studio.org)
    errors = ErrorCollector()
    if member is None:
        errors.add("member", "请选择会员。")
    elif member.status != MemberStatus.ACTIVE:
        errors.add("member", f"{member.name}已退会。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.VIEW, member.org):
        errors.add("member", "该会员不在您的管理范围内。")
    elif StudioMember.objects.filter(studio=studio, member=member, left_on__isnull=True).exists():
        errors.add("member", f"{member.name}已是工作室成员。")
    if role not in (StudioRole.CORE, StudioRole.MEMBER):
        errors.add("role", "请选择角色。")
    if not isinstance(joined_on, datetime.date):
        errors.add("joined_on", "请填写加入日期。")
    errors.raise_if_any()
    row = StudioMember.objects.create(studio=studio, member=member, role=role, joined_on=joined_on)
    _audit(studio, actor=actor, action=AuditAction.CREATED, what="studio_member", studio_role=role)
    return row


@transaction.atomic
def studio_member_leave(*, actor, row: StudioMember, left_on) -> StudioMember:
    _require(actor, row.studio.org)
    if row.role == StudioRole.LEAD:
        raise ValidationFailed("领衔人不能退出工作室。")
    if row.left_on is not None:
        raise ValidationFailed("该成员已退出。")
    if not isinstance(left_on, datetime.date) or left_on < row.joined_on:
        raise ValidationFailed(
            "退出日期不能早于加入日期。", fields={"left_on": ["退出日期不能早于加入日期。"]}
        )
    row.left_on = left_on
    row.save()
    _audit(row.studio, actor=actor, action=AuditAction.UPDATED, what="studio_member_leave")
    return row


@transaction.atomic
def report_add(*, actor, studio: InnovationStudio, **fields) -> StudioReport:
    _require(actor, studio.org)
    errors = ErrorCollector()
    year = _count(errors, fields.get("year"), "year", "年度", 2000, today().year)
    quarter = _count(errors, fields.get("quarter"), "quarter", "季度", 1, 4)
    activities = _count(errors, fields.get("activities"), "activities", "开展活动次数", 0, 10000)
    participants = _count(
        errors, fields.get("participants"), "participants", "参与人次", 0, 1000000
    )
    summary = _text(errors, fields.get("summary"), "summary", "活动情况", 3000)
    submitted_on = fields.get("submitted_on") or today()
    if not isinstance(submitted_on, datetime.date) or submitted_on > today():
        errors.add("submitted_on", "报送日期不能晚于今天。")
    if (
        year
        and quarter
        and StudioReport.objects.filter(studio=studio, year=year, quarter=quarter).exists()
    ):
        errors.add("quarter", f"{year} 年第 {quarter} 季度的报告已报送。")
    errors.raise_if_any()
    report = StudioReport.objects.create(
        studio=studio,
        year=year,
        quarter=quarter,
        activities=activities,
        participants=participants,
        summary=summary,
        submitted_on=submitted_on,
    )
    _audit(studio, actor=actor, action=AuditAction.CREATED, what="studio_report", quarter=quarter)
    return report


@transaction.atomic
def outcome_add(*, actor, studio: InnovationStudio, **fields) -> StudioOutcome:
    _require(actor, studio.org)
    errors = ErrorCollector()
    kind = fields.get("kind") or ""
    if kind not in OutcomeKind.values:
        errors.add("kind", "请从列表中选择成果类型。")
    title = _text(errors, fields.get("title"), "title", "成果名称", 200)
    achieved_on = fields.get("achieved_on")
    if not isinstance(achieved_on, datetime.date):
        errors.add("achieved_on", "请填写取得日期。")
    elif achieved_on > today():
        errors.add("achieved_on", "取得日期不能晚于今天。")
    quantity = _count(errors, fields.get("quantity") or 1, "quantity", "数量", 1, 10000)
    benefit = _amount(errors, fields.get("benefit"), "benefit", "效益")
    errors.raise_if_any()
    outcome = StudioOutcome.objects.create(
        studio=studio,
        kind=kind,
        title=title,
        achieved_on=achieved_on,
        quantity=quantity,
        benefit=benefit,
    )
    _audit(studio, actor=actor, action=AuditAction.CREATED, what="studio_outcome", kind=kind)
    return outcome


# --- the county's standards and the appraisal -----------------------------------------------


def _standards_ensure(county: Org) -> None:
    """Save the default checklist the first time the county's checklist is written to or
    used for an appraisal (reads show it unsaved: selectors.standards_for)."""
    if not StandardItem.objects.filter(org=county).exists():
        StandardItem.objects.bulk_create(standards_default(county), ignore_conflicts=True)


@transaction.atomic
def standard_item_set(
    *,
    actor,
    county: Org,
    code: str,
    name: str,
    max_score,
    basis: str,
    target=0,
    requirement: str = "",
    sort_order=100,
    is_active: bool = True,
) -> StandardItem:
    """Add or change one item of the county's checklist (its admins only)."""
    require_county_admin(actor, county)
    _standards_ensure(county)
    errors = ErrorCollector()
    code = _text(errors, code, "code", "编码", 20)
    if code and not code.replace("_", "").isalnum():
        errors.add("code", "编码只能由字母、数字和下划线组成。")
    name = _text(errors, name, "name", "项目名称", 30)
    requirement = _text(errors, requirement, "requirement", "标准要求", 200, required=False)
    points = _count(errors, max_score, "max_score", "分值", 1, 100)
    if basis not in StandardBasis.values:
        errors.add("basis", "请从列表中选择评分依据。")
    goal = _amount(errors, target, "target", "满分所需")
    if basis != StandardBasis.MANUAL and goal <= 0 and "target" not in errors.fields:
        errors.add("target", "按记录计分的项目须填写满分所需的数量。")
    order = _count(errors, sort_order, "sort_order", "排序", 0, 1000)
    errors.raise_if_any()
    item, created = StandardItem.objects.update_or_create(
        org=county,
        code=code,
        defaults={
            "name": name,
            "requirement": requirement,
            "max_score": points,
            "basis": basis,
            "target": goal,
            "sort_order": order,
            "is_active": bool(is_active),
        },
    )
    _audit(
        item,
        actor=actor,
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        what="studio_standard",
        basis=basis,
        max_score=points,
    )
    return item


def appraisal_preview(studio: InnovationStudio, year: int, manual: dict | None = None):
    """The appraisal as it would be computed now (writes nothing: the default checklist
    stays unsaved until a studio is appraised)."""
    items = standards_for(county_of(studio.org))
    return appraisal_compute(studio, year, items, manual or {})


@transaction.atomic
def studio_appraise(
    *, actor, studio: InnovationStudio, year, manual_scores: dict
) -> StudioAppraisal:
    """The yearly appraisal (approve permission): manual items scored by the appraiser,
    the rest computed from the studio's records; kept with its evidence."""
    _require(actor, studio.org, Action.APPROVE)
    errors = ErrorCollector()
    year = _count(errors, year, "year", "年度", 2000, today().year)
    county = county_of(studio.org)
    if county is not None:
        _standards_ensure(county)
    items = standards_for(county)
    manual: dict[str, Decimal] = {}
    for item in items:
        if item.basis != StandardBasis.MANUAL:
            continue
        raw = manual_scores.get(item.code)
        if raw in (None, ""):
            errors.add(item.code, f"请为“{item.name}”打分。")
            continue
        try:
            value = Decimal(str(raw).strip())
            if not value.is_finite() or not Decimal(0) <= value <= item.max_score:
                raise ValueError
        except (ArithmeticError, ValueError):
            errors.add(item.code, f"“{item.name}”的得分应在 0 到 {item.max_score} 之间。")
            continue
        manual[item.code] = value
    if studio.status != StudioStatus.NAMED:
        errors.add("__all__", "只有已命名的工作室参加年度考评。")
    errors.raise_if_any()
    result = appraisal_compute(studio, year, items, manual)
    appraisal, _created = StudioAppraisal.objects.update_or_create(
        studio=studio,
        year=year,
        defaults={
            "items": [i.as_dict() for i in result.items],
            "total": result.total,
            "max_total": result.max_total,
            "result": result.result,
            "appraised_by": actor,
            "appraised_at": timezone.now(),
        },
    )
    _audit(
        studio,
        actor=actor,
        action=AuditAction.APPROVED,
        what="studio_appraise",
        year=year,
        result=result.result,
    )
    return appraisal

"""Writes to hardship archives (DESIGN §4). Keyword-only, atomic, scope-checked, audited.

Every write bumps `version`, records an ArchiveStep (the archive's trail) and an audit event
(field names and codes only: no personal data in the audit log). Figures that decide the
category (household size, income, essential expenditure, causes) are re-assessed whenever
they change; each calculation is kept as an ArchiveAssessment with the county figures in
force on its date. A refused step changes nothing (the transaction rolls back).

`actor=None` is the system (seeders, imports running as a job owner already checked).
Standards and thresholds are set in standards.py (`standard_set`, `thresholds_set`).
"""

import datetime
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F

from gonghui.assistance.archives import lifecycle
from gonghui.assistance.archives.attachments import attachment_check
from gonghui.assistance.category import HouseholdFigures, money
from gonghui.assistance.choices import (
    HOUSEHOLD_HOLDING_STATUSES,
    MAX_SECONDARY_CAUSES,
    ApplicationSource,
    ArchiveStatus,
    AssessmentSource,
    AttachmentKind,
    DisabilityLevel,
    HardshipCategory,
    HardshipCause,
    HealthStatus,
    Housing,
    Relation,
    ReviewKind,
    ReviewOutcome,
    SchoolStage,
    StepAction,
    WorkStatus,
)
from gonghui.assistance.models import (
    ArchiveAssessment,
    ArchiveAttachment,
    ArchiveReview,
    ArchiveStep,
    HardshipArchive,
    HouseholdMember,
    SpotCheckDraw,
)
from gonghui.assistance.standards.selectors import assess, county_of, thresholds_in_force, today
from gonghui.assistance.standards.services import (  # noqa: F401  (re-exported: one place for writes)
    standard_set,
    thresholds_set,
)
from gonghui.audit.services import AuditAction, AuditResult, audit_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_roots
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean, phone_clean
from gonghui.members.models import HukouType, Member, MemberStatus
from gonghui.orgs.models import Org, OrgLevel

MODULE = "assistance"
MAX_HOUSEHOLD = 20
MAX_ANNUAL = Decimal("10000000")  # ten million yuan a year: anything above is a typo
MAX_MONTHLY = Decimal("1000000")
_BANK_ACCOUNT = re.compile(r"^\d{8,30}$")

ARCHIVE_EDITABLE_FIELDS = (
    "name",
    "id_number",
    "phone",
    "employer_name",
    "address",
    "health_status",
    "health_detail",
    "disability_level",
    "disability_detail",
    "work_status",
    "housing",
    "hukou_type",
    "is_migrant_worker",
    "is_single_parent",
    "is_zero_employment",
    "household_size",
    "annual_income",
    "medical_expense",
    "schooling_expense",
    "disability_expense",
    "main_cause",
    "secondary_causes",
    "bank_name",
    "bank_account",
)
# What a new archive assumes for the choices the form pre-selects.
ARCHIVE_DEFAULTS = {
    "health_status": HealthStatus.HEALTHY,
    "disability_level": DisabilityLevel.NONE,
    "work_status": WorkStatus.EMPLOYED,
    "housing": Housing.OWNED,
    "medical_expense": 0,
    "schooling_expense": 0,
    "disability_expense": 0,
}
# The inputs of the category: a change to any of them is re-assessed.
FIGURE_FIELDS = (
    "household_size",
    "annual_income",
    "medical_expense",
    "schooling_expense",
    "disability_expense",
    "main_cause",
    "secondary_causes",
)
SENSITIVE_FIELDS = ("id_number", "phone", "bank_account", "health_detail", "disability_detail")
HOUSEHOLD_MEMBER_FIELDS = (
    "relation",
    "name",
    "id_number",
    "health_status",
    "monthly_income",
    "school_stage",
    "school_or_employer",
)
HOUSEHOLD_MEMBER_DEFAULTS = {
    "health_status": HealthStatus.HEALTHY,
    "school_stage": SchoolStage.NONE,
    "monthly_income": 0,
}
ONE_PER_HOUSEHOLD = "该职工已有困难职工档案，一户只能建一份档案。"
ONE_PER_HOUSEHOLD_MEMBER = "此人已登记在另一困难家庭的档案中，一户只能建一份档案。"


# --- permission ------------------------------------------------------------------------------


def _require(actor, org: Org, action: str = Action.EDIT) -> None:
    """Out of scope answers as if the record did not exist (404), never 403."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def is_county_approver(actor, org: Org) -> bool:
    """`approve` held at the county federation (or above) whose area holds org."""
    if actor is None:
        return True
    county = county_of(org)
    return any(
        county.path.startswith(root.path) for root in scope_roots(actor, MODULE, Action.APPROVE)
    )


def _require_needs(actor, archive: HardshipArchive, needs: str) -> None:
    if needs == lifecycle.Needs.EDIT:
        _require(actor, archive.org, Action.EDIT)
        return
    _require(actor, archive.org, Action.VIEW)
    if not is_county_approver(actor, archive.org):
        raise PermissionDenied("此步骤须由县总工会有审批权限的工作人员办理。")


# --- validation --------------------------------------------------------------------------


def _money(value, field: str, label: str, errors: dict, *, limit: Decimal = MAX_ANNUAL):
    if value in (None, ""):
        value = 0
    try:
        number = Decimal(str(normalise_text(value)).replace(",", ""))
    except (InvalidOperation, ValueError):
        errors[field] = [f"{label}应为金额数字，如 12000 或 12000.50。"]
        return None
    if not number.is_finite():
        errors[field] = [f"{label}应为金额数字。"]
        return None
    if number < 0:
        errors[field] = [f"{label}不能为负数。"]
        return None
    if number > limit:
        errors[field] = [f"{label}不能超过 {money(limit)} 元，请核对是否多填了位数。"]
        return None
    if number != number.quantize(Decimal("0.01")):
        errors[field] = [f"{label}最多保留两位小数(分)。"]
        return None
    return number.quantize(Decimal("0.01"))


def _choice(data: dict, key: str, choices, label: str, errors: dict, *, required=True) -> None:
    value = data.get(key) or ""
    if (value or required) and value not in choices.values:
        errors[key] = [f"请选择{label}。"]
    data[key] = value


def _causes(data: dict, errors: dict) -> None:
    main = data.get("main_cause") or ""
    if main not in HardshipCause.values:
        errors["main_cause"] = ["请选择主要致困原因。"]
    secondary = data.get("secondary_causes") or []
    if isinstance(secondary, str):
        secondary = [c for c in secondary.split(",") if c]
    secondary = [c for c in secondary if c]
    if len(secondary) > MAX_SECONDARY_CAUSES:
        errors["secondary_causes"] = ["次要致困原因最多选择三项。"]
    elif any(c not in HardshipCause.values for c in secondary):
        errors["secondary_causes"] = ["次要致困原因不在规定的十项之内。"]
    elif len(set(secondary)) != len(secondary) or main in secondary:
        errors["secondary_causes"] = ["次要致困原因不能重复，也不能与主要原因相同。"]
    data["main_cause"] = main
    data["secondary_causes"] = list(secondary)


def _live_archives():
    return HardshipArchive.objects.filter(status__in=HOUSEHOLD_HOLDING_STATUSES)


def _household_clash(id_hash: str, *, archive: HardshipArchive | None, as_worker: bool):
    """Another live archive the person already belongs to (as worker or recorded member)."""
    others = _live_archives()
    if archive is not None and archive.pk:
        others = others.exclude(pk=archive.pk)
    worker_clash = others.filter(id_number_hash=id_hash).first()
    if worker_clash is not None:
        return worker_clash, ONE_PER_HOUSEHOLD if as_worker else ONE_PER_HOUSEHOLD_MEMBER
    member_clash = (
        HouseholdMember.objects.filter(
            id_number_hash=id_hash, archive__status__in=HOUSEHOLD_HOLDING_STATUSES
        )
        .exclude(archive_id=archive.pk if archive is not None and archive.pk else None)
        .select_related("archive")
        .first()
    )
    if member_clash is not None:
        return member_clash.archive, ONE_PER_HOUSEHOLD_MEMBER
    return None, ""


def _clash_message(actor, other: HardshipArchive, base: str) -> str:
    """Name the other archive only to someone who may see it."""
    if actor is None or org_in_scope(actor, MODULE, Action.VIEW, other.org):
        return f"{base}(已有：{other.name}家庭，{other.org.name}，{other.get_status_display()})"
    return base + "如有疑问请联系县总工会。"


def _clean_archive(
    actor, data: dict, org: Org, instance: HardshipArchive | None
) -> tuple[dict, Member | None]:
    """Validate and normalise the archive fields; returns (model values, linked member)."""
    errors: dict[str, list[str]] = {}
    data = dict(data)
    data["name"] = normalise_text(data.get("name"))
    if not data["name"]:
        errors["name"] = ["请填写职工姓名。"]
    elif len(data["name"]) > 50:
        errors["name"] = ["姓名不能超过 50 个字。"]
    member = None
    try:
        info = id_number_clean(data.get("id_number"))
    except IdNumberError as exc:
        errors["id_number"] = [str(exc)]
    else:
        data["id_number"] = info.number
        data["id_number_hash"] = keyed_hash(info.number)
        data["id_last4"] = info.number[-4:]
        data["gender"], data["birth_date"] = info.gender, info.birth_date
        other, base = _household_clash(data["id_number_hash"], archive=instance, as_worker=True)
        if other is not None:
            errors["id_number"] = [_clash_message(actor, other, base)]
        member = (
            Member.objects.filter(id_number_hash=data["id_number_hash"], status=MemberStatus.ACTIVE)
            .select_related("org", "employer")
            .first()
        )
        id_changed = instance is None or instance.id_number_hash != data["id_number_hash"]
        if (
            id_changed
            and member is not None
            and org is not None
            and county_of(member.org).pk != county_of(org).pk
        ):
            errors["id_number"] = [
                f"该职工是{county_of(member.org).name}所属工会的会员，应由其所在县总工会建档。"
            ]
    try:
        data["phone"] = phone_clean(data.get("phone"))
    except ValueError as exc:
        errors["phone"] = [str(exc)]
    else:
        data["phone_hash"] = keyed_hash(data["phone"]) if data["phone"] else ""
    data["employer_name"] = normalise_text(data.get("employer_name"))[:150]
    data["address"] = normalise_text(data.get("address"))[:200]
    if not data["employer_name"] and member is not None and member.employer is not None:
        data["employer_name"] = member.employer.name[:150]
    _choice(data, "health_status", HealthStatus, "健康状况", errors)
    _choice(data, "disability_level", DisabilityLevel, "残疾情况", errors)
    _choice(data, "work_status", WorkStatus, "就业状况", errors)
    _choice(data, "housing", Housing, "住房情况", errors)
    _choice(data, "hukou_type", HukouType, "户籍类型", errors)
    for key, label in (("health_detail", "健康状况说明"), ("disability_detail", "残疾情况说明")):
        data[key] = normalise_text(data.get(key))
        if len(data[key]) > 500:
            errors[key] = [f"{label}不能超过 500 个字。"]
    for key in ("is_migrant_worker", "is_single_parent", "is_zero_employment"):
        data[key] = bool(data.get(key))
    size = data.get("household_size")
    try:
        size = int(size)
    except (TypeError, ValueError):
        errors["household_size"] = ["请填写家庭人口数。"]
    else:
        if not 1 <= size <= MAX_HOUSEHOLD:
            errors["household_size"] = [f"家庭人口应为 1 到 {MAX_HOUSEHOLD} 人(含职工本人)。"]
        elif instance is not None and instance.pk:
            recorded = instance.household_members.count()
            if size < recorded + 1:
                errors["household_size"] = [
                    f"已登记 {recorded} 名家庭成员，家庭人口(含职工本人)不能少于 {recorded + 1} 人。"
                ]
        data["household_size"] = size
    for key, label in (
        ("annual_income", "家庭年可支配收入"),
        ("medical_expense", "年医疗支出"),
        ("schooling_expense", "年教育支出"),
        ("disability_expense", "年残疾康复支出"),
    ):
        data[key] = _money(data.get(key), key, label, errors)
    _causes(data, errors)
    data["bank_name"] = normalise_text(data.get("bank_name"))[:100]
    account = re.sub(r"[\s-]", "", normalise_text(data.get("bank_account")))
    if account and not _BANK_ACCOUNT.match(account):
        errors["bank_account"] = ["银行账号应为 8 到 30 位数字。"]
    elif account and not data["bank_name"]:
        errors["bank_name"] = ["填写银行账号时请同时填写开户银行。"]
    data["bank_account"] = account
    data["bank_account_last4"] = account[-4:]
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    return data, member


def archive_validate(
    *, actor, org: Org | None = None, archive: HardshipArchive | None = None, **fields
) -> None:
    """The field checks of archive_create / archive_update, without writing: raises
    ValidationFailed with every field's message (for a form whose own fields failed, and
    for the portal's application before anything is written)."""
    if archive is not None:
        fields, org = {**_current(archive), **fields}, archive.org
    else:
        fields = {**ARCHIVE_DEFAULTS, **fields}
    _clean_archive(actor, fields, org, archive)


def household_member_validate(*, actor, archive: HardshipArchive, **fields) -> None:
    """The field checks of household_member_add, without writing. `archive` may be an unsaved
    one (an application being checked: only its `id_number_hash` is read)."""
    _clean_household_member(actor, {**HOUSEHOLD_MEMBER_DEFAULTS, **fields}, archive, None)


def _apply(archive: HardshipArchive, data: dict) -> None:
    secondary = list(data.pop("secondary_causes", archive.secondary_causes))
    secondary += [""] * (MAX_SECONDARY_CAUSES - len(secondary))
    (
        archive.secondary_cause_1,
        archive.secondary_cause_2,
        archive.secondary_cause_3,
    ) = secondary[:MAX_SECONDARY_CAUSES]
    for key, value in data.items():
        setattr(archive, key, value)


def _current(archive: HardshipArchive) -> dict:
    values = {f: getattr(archive, f) for f in ARCHIVE_EDITABLE_FIELDS if f != "secondary_causes"}
    values["secondary_causes"] = archive.secondary_causes
    return values


def _figures(archive: HardshipArchive) -> HouseholdFigures:
    return HouseholdFigures(
        annual_income=archive.annual_income,
        household_size=archive.household_size,
        medical_expense=archive.medical_expense,
        schooling_expense=archive.schooling_expense,
        disability_expense=archive.disability_expense,
        causes=tuple(archive.causes),
    )


def _business_date(archive: HardshipArchive | None, on: datetime.date | None, label="日期"):
    """The date a step takes effect: today by default, never later, never before the last step."""
    day = on or today()
    if not isinstance(day, datetime.date):
        raise ValidationFailed(f"请填写{label}。", fields={"on": [f"请填写{label}。"]})
    if day > today():
        raise ValidationFailed(f"{label}不能晚于今天。", fields={"on": [f"{label}不能晚于今天。"]})
    if archive is not None and archive.pk:
        # Edits, uploads and household changes are dated when recorded; only the lifecycle
        # steps form the dated sequence a new step must not precede.
        lifecycle_steps = archive.steps.filter(action__in=[*lifecycle.TRANSITIONS, "apply"])
        last = lifecycle_steps.order_by("-on", "-id").values_list("on", flat=True).first()
        if last is not None and day < last:
            message = f"{label}不能早于上一步骤的日期({last:%Y-%m-%d})。"
            raise ValidationFailed(message, fields={"on": [message]})
    return day


# --- trail ---------------------------------------------------------------------------------


def _assess(
    archive: HardshipArchive, *, source: str, on: datetime.date, actor
) -> ArchiveAssessment:
    """Calculate the category with the figures in force on `on`; keep it and mirror it."""
    assessed = assess(_figures(archive), org=archive.org, on=on)
    result = assessed.result
    row = ArchiveAssessment.objects.create(
        archive=archive,
        assessed_on=on,
        source=source,
        household_size=archive.household_size,
        annual_income=archive.annual_income,
        medical_expense=archive.medical_expense,
        schooling_expense=archive.schooling_expense,
        disability_expense=archive.disability_expense,
        causes=list(archive.causes),
        standard=assessed.standard,
        thresholds=assessed.thresholds if assessed.thresholds.pk else None,
        per_capita_monthly_net=result.per_capita_monthly_net,
        category=result.category,
        meets_entry_test=result.meets_entry_test,
        explanation=result.explanation,
        recorded_by=actor if _is_user(actor) else None,
    )
    archive.category = result.category
    archive.category_explanation = result.explanation
    archive.category_assessed_on = on
    return row


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _step(
    archive: HardshipArchive,
    *,
    action: str,
    actor,
    on: datetime.date,
    from_status: str = "",
    note: str = "",
    data: dict | None = None,
) -> ArchiveStep:
    return ArchiveStep.objects.create(
        archive=archive,
        action=action,
        from_status=from_status,
        to_status=archive.status,
        actor=actor if _is_user(actor) else None,
        org=archive.org,
        on=on,
        note=(note or "")[:300],
        data=data or {},
    )


def _audit(
    archive: HardshipArchive,
    *,
    actor,
    action=AuditAction.UPDATED,
    result: str = AuditResult.SUCCESS,
    **detail,
) -> None:
    audit_record(
        action=action, user=actor, org=archive.org, obj=archive, result=result, detail=detail
    )


def _save(archive: HardshipArchive) -> HardshipArchive:
    archive.version = F("version") + 1
    try:
        with transaction.atomic():
            archive.save()
    except IntegrityError as exc:  # a concurrent archive for the same worker won
        raise ValidationFailed(
            ONE_PER_HOUSEHOLD, fields={"id_number": [ONE_PER_HOUSEHOLD]}
        ) from exc
    archive.refresh_from_db()
    return archive


def _locked(archive: HardshipArchive) -> HardshipArchive:
    return (
        HardshipArchive.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=archive.pk)
    )


def _check_version(archive: HardshipArchive, version: int | None) -> None:
    if version is not None and int(version) != archive.version:
        raise Conflict("该档案已被他人修改，请刷新后重试。", code="stale_version")


def _category_note(before: str, after: str) -> str:
    if before == after:
        return ""
    return f"困难类别：{HardshipCategory(before).label} → {HardshipCategory(after).label}"


# --- create ----------------------------------------------------------------------------------


def _create(
    *, actor, org: Org, source: str, applied_on: datetime.date | None, fields: dict
) -> HardshipArchive:
    if not org.is_active:
        raise ValidationFailed("所选工会组织已撤销。", fields={"org": ["所选工会组织已撤销。"]})
    if org.level < OrgLevel.COUNTY:
        raise ValidationFailed(
            "困难职工档案应建在县级及以下工会。", fields={"org": ["请选择县级及以下工会。"]}
        )
    unknown = set(fields) - set(ARCHIVE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not archive fields: {sorted(unknown)}")
    day = _business_date(None, applied_on, "申请日期")
    data, member = _clean_archive(actor, {**ARCHIVE_DEFAULTS, **fields}, org, None)
    archive = HardshipArchive(org=org, source=source, applied_on=day, member=member)
    _apply(archive, data)
    # Calculated before the row exists so a county without a standard refuses cleanly.
    assess(_figures(archive), org=org, on=day)
    try:
        with transaction.atomic():
            archive.category_assessed_on = day
            archive.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            ONE_PER_HOUSEHOLD, fields={"id_number": [ONE_PER_HOUSEHOLD]}
        ) from exc
    row = _assess(archive, source=AssessmentSource.APPLY, on=day, actor=actor)
    archive.save(update_fields=["category", "category_explanation", "category_assessed_on"])
    _step(
        archive,
        action=StepAction.APPLY,
        actor=actor,
        on=day,
        note=ApplicationSource(source).label,
        data={"category": row.category, "assessment": row.pk},
    )
    return archive


@transaction.atomic
def archive_create(
    *,
    actor,
    org: Org,
    applied_on: datetime.date | None = None,
    source: str = ApplicationSource.UNION,
    **fields,
) -> HardshipArchive:
    """A union applies on a worker's behalf: a new archive at `applied`, category calculated.

    Fields: see ARCHIVE_EDITABLE_FIELDS (`secondary_causes` a list of up to three codes).
    """
    _require(actor, org)
    if source not in ApplicationSource.values:
        raise ValueError(f"unknown source {source}")
    archive = _create(actor=actor, org=org, source=source, applied_on=applied_on, fields=fields)
    _audit(archive, actor=actor, action=AuditAction.CREATED, source=source)
    return archive


def public_application_orgs():
    """Unions a worker may address an application to: active, township level or below."""
    from gonghui.orgs.models import OrgStatus

    return Org.objects.filter(status=OrgStatus.ACTIVE, level__gte=OrgLevel.TOWNSHIP)


@transaction.atomic
def archive_apply_public(*, org_id, ip: str | None = None, **fields) -> HardshipArchive:
    """A worker's own application from the portal (no login). The portal rate-limits.

    `org_id`: the union the worker addresses (their grassroots union or township union).
    Messages never reveal another household's archive.
    """
    try:
        org = public_application_orgs().get(pk=int(org_id))
    except (TypeError, ValueError, Org.DoesNotExist) as exc:
        raise ValidationFailed(
            "请选择您所在的工会。", fields={"org": ["请选择您所在的工会。"]}
        ) from exc
    try:
        archive = _create(
            actor=None, org=org, source=ApplicationSource.PORTAL, applied_on=None, fields=fields
        )
    except ValidationFailed as exc:
        for field in ("id_number",):
            if any("一户只能建一份档案" in m for m in exc.fields.get(field, [])):
                exc.fields[field] = ["该身份证号已有困难职工档案或正在办理中，请联系所在工会。"]
        raise
    audit_record(
        action=AuditAction.CREATED,
        org=org,
        obj=archive,
        ip=ip,
        username="职工网上申请",
        detail={"source": ApplicationSource.PORTAL},
    )
    return archive


# --- update -----------------------------------------------------------------------------------


@transaction.atomic
def archive_update(
    *, actor, archive: HardshipArchive, version: int | None = None, **changes
) -> HardshipArchive:
    """Edit the archive's fields; figures that changed are re-assessed (dated today)."""
    archive = _locked(archive)
    _require(actor, archive.org)
    if archive.status == ArchiveStatus.REJECTED:
        raise ValidationFailed("未予建档的档案不能修改；如情况变化，请重新申请。")
    _check_version(archive, version)
    unknown = set(changes) - set(ARCHIVE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = _current(archive)
    data, member = _clean_archive(actor, {**current, **changes}, archive.org, archive)
    changed = [f for f in ARCHIVE_EDITABLE_FIELDS if data[f] != current[f]]
    if not changed:
        return archive
    _apply(archive, data)
    if "id_number" in changed or archive.member_id is None:
        archive.member = member
    step_data: dict = {"changed": changed}
    note = "修改：" + "、".join(_label(f) for f in changed)
    if set(changed) & set(FIGURE_FIELDS):
        before = archive.category
        day = today()
        row = _assess(archive, source=AssessmentSource.UPDATE, on=day, actor=actor)
        step_data.update(category=row.category, assessment=row.pk)
        if _category_note(before, row.category):
            note += "；" + _category_note(before, row.category)
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.UPDATE,
        actor=actor,
        on=today(),
        from_status=archive.status,
        note=note,
        data=step_data,
    )
    _audit(archive, actor=actor, changed=changed)
    return archive


def _label(field: str) -> str:
    if field == "secondary_causes":
        return "次要致困原因"
    return str(HardshipArchive._meta.get_field(field).verbose_name)


# --- transitions ------------------------------------------------------------------------------


def _begin(actor, archive: HardshipArchive, action: str, on, label="日期"):
    """Lock, check the step is legal now and the actor may take it; the business date."""
    archive = _locked(archive)
    transition = lifecycle.TRANSITIONS[action]
    needs = transition.needs
    if action == StepAction.REJECT:
        needs = lifecycle.reject_needs(archive.status)
    _require_needs(actor, archive, needs)
    reason = lifecycle.refusal(archive.status, action)
    if reason:
        raise Conflict(reason, code="out_of_order")
    return archive, _business_date(archive, on, label)


def _transition_audit(
    archive,
    *,
    actor,
    action: str,
    from_status: str,
    result: str = AuditResult.SUCCESS,
    **detail,
) -> None:
    audit_action = AuditAction.APPROVED if action in ("approve", "exit") else AuditAction.UPDATED
    _audit(
        archive,
        actor=actor,
        action=audit_action,
        result=result,
        step=action,
        from_status=from_status,
        to_status=archive.status,
        **detail,
    )


@transaction.atomic
def archive_check(
    *, actor, archive: HardshipArchive, on: datetime.date | None = None, note: str = ""
) -> HardshipArchive:
    """基层核实: the grassroots union confirms the application's facts."""
    archive, day = _begin(actor, archive, StepAction.CHECK, on, "核实日期")
    before = archive.status
    archive.status = ArchiveStatus.GRASSROOTS_CHECKED
    archive = _save(archive)
    _step(archive, action=StepAction.CHECK, actor=actor, on=day, from_status=before, note=note)
    _transition_audit(archive, actor=actor, action="check", from_status=before)
    return archive


@transaction.atomic
def archive_visit(
    *,
    actor,
    archive: HardshipArchive,
    authorisation: ArchiveAttachment,
    on: datetime.date | None = None,
    visitors: str = "",
    findings: str = "",
) -> HardshipArchive:
    """入户核查: the home visit, with the household's signed authorisation on file."""
    archive, day = _begin(actor, archive, StepAction.VISIT, on, "入户核查日期")
    if (
        authorisation is None
        or authorisation.archive_id != archive.pk
        or authorisation.kind != AttachmentKind.AUTHORISATION
    ):
        message = "请先上传该家庭签字的授权书(附件类型选“签字授权书”)，再登记入户核查。"
        raise ValidationFailed(message, fields={"authorisation": [message]})
    visitors = normalise_text(visitors)
    if not visitors:
        raise ValidationFailed(
            "请填写入户核查人员。", fields={"visitors": ["请填写入户核查人员。"]}
        )
    before = archive.status
    archive.status = ArchiveStatus.VISITED
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.VISIT,
        actor=actor,
        on=day,
        from_status=before,
        note=normalise_text(findings)[:300],
        data={"authorisation": authorisation.pk, "visitors": visitors[:200]},
    )
    _transition_audit(archive, actor=actor, action="visit", from_status=before)
    return archive


@transaction.atomic
def archive_approve(
    *, actor, archive: HardshipArchive, on: datetime.date | None = None, note: str = ""
) -> HardshipArchive:
    """县总审批: the county approves; the category is recalculated on the approval date and
    the household must meet the entry test then."""
    archive, day = _begin(actor, archive, StepAction.APPROVE, on, "审批日期")
    before = archive.status
    row = _assess(archive, source=AssessmentSource.APPROVE, on=day, actor=actor)
    if not row.meets_entry_test:
        raise ValidationFailed(
            "按审批日适用的低保标准测算，该家庭不符合建档条件，不能审批：\n" + row.explanation,
            code="not_eligible",
        )
    archive.status = ArchiveStatus.APPROVED
    archive.approved_on = day
    archive.approved_by = actor if _is_user(actor) else None
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.APPROVE,
        actor=actor,
        on=day,
        from_status=before,
        note=note,
        data={"category": row.category, "assessment": row.pk, "relapse": archive.relapse_count},
    )
    _transition_audit(
        archive, actor=actor, action="approve", from_status=before, category=row.category
    )
    return archive


def archive_number_for(archive: HardshipArchive, day: datetime.date) -> str:
    """County division code (6 digits, 000000 when unknown) + year + id: unique, stable."""
    county = county_of(archive.org)
    code = county.division_code[:6] if county.division_code[:6].isdigit() else "000000"
    return f"{code}{day.year}{archive.pk:07d}"


@transaction.atomic
def archive_file(
    *, actor, archive: HardshipArchive, on: datetime.date | None = None
) -> HardshipArchive:
    """建档: the approved archive is filed, numbered, and its yearly re-check scheduled."""
    archive, day = _begin(actor, archive, StepAction.FILE, on, "建档日期")
    before = archive.status
    thresholds = thresholds_in_force(county_of(archive.org), day)
    archive.status = ArchiveStatus.ARCHIVED
    if not archive.archive_number:
        archive.archive_number = archive_number_for(archive, day)
    archive.archived_on = day
    archive.next_review_due = lifecycle.add_months(day, thresholds.review_interval_months)
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.FILE,
        actor=actor,
        on=day,
        from_status=before,
        data={"archive_number": archive.archive_number},
    )
    _transition_audit(archive, actor=actor, action="file", from_status=before)
    return archive


@transaction.atomic
def archive_reject(
    *, actor, archive: HardshipArchive, reason: str, on: datetime.date | None = None
) -> HardshipArchive:
    """不予建档, before approval. The worker may apply again later (a new archive)."""
    reason = normalise_text(reason)
    if not reason:
        raise ValidationFailed("请填写不予建档的原因。", fields={"reason": ["请填写原因。"]})
    archive, day = _begin(actor, archive, StepAction.REJECT, on)
    before = archive.status
    archive.status = ArchiveStatus.REJECTED
    archive.rejected_reason = reason[:200]
    archive = _save(archive)
    _step(archive, action=StepAction.REJECT, actor=actor, on=day, from_status=before, note=reason)
    _transition_audit(
        archive, actor=actor, action="reject", from_status=before, result=AuditResult.FAILURE
    )
    return archive


def _figure_changes(archive: HardshipArchive, actor, figures: dict) -> list[str]:
    """Apply new figures (a review or a relapse records this year's income); changed names."""
    unknown = set(figures) - set(FIGURE_FIELDS)
    if unknown:
        raise ValueError(f"not figures: {sorted(unknown)}")
    if not figures:
        return []
    current = _current(archive)
    data, _member = _clean_archive(actor, {**current, **figures}, archive.org, archive)
    changed = [f for f in FIGURE_FIELDS if data[f] != current[f]]
    _apply(archive, {f: data[f] for f in changed})
    return changed


@transaction.atomic
def archive_review(
    *,
    actor,
    archive: HardshipArchive,
    kind: str = ReviewKind.YEARLY,
    findings: str = "",
    on: datetime.date | None = None,
    **figures,
) -> ArchiveReview:
    """年度复核 / 抽查 of an archived household, with this year's figures (FIGURE_FIELDS).

    The outcome follows from the calculation on the review date: still eligible (same or
    another category) or no longer eligible (which starts the exit clock). A yearly review
    schedules the next one; a spot check must be of an archive drawn for that year.
    """
    if kind not in ReviewKind.values:
        raise ValidationFailed("请选择复核类型。", fields={"kind": ["请选择复核类型。"]})
    archive, day = _begin(actor, archive, StepAction.REVIEW, on, "复核日期")
    draw = None
    if kind == ReviewKind.SPOT:
        draw = SpotCheckDraw.objects.filter(org=county_of(archive.org), year=day.year).first()
        if draw is None or archive.pk not in draw.drawn:
            raise ValidationFailed(
                f"该档案不在 {day.year} 年的抽查名单中，请按年度复核办理。",
                fields={"kind": ["该档案未被抽中。"]},
            )
    before_category = archive.category
    changed = _figure_changes(archive, actor, figures)
    row = _assess(archive, source=AssessmentSource.REVIEW, on=day, actor=actor)
    if not row.meets_entry_test:
        outcome = ReviewOutcome.NOT_ELIGIBLE
    elif row.category != before_category:
        outcome = ReviewOutcome.RECATEGORISED
    else:
        outcome = ReviewOutcome.CONTINUE
    review = ArchiveReview.objects.create(
        archive=archive,
        kind=kind,
        reviewed_on=day,
        reviewer=actor if _is_user(actor) else None,
        outcome=outcome,
        findings=normalise_text(findings)[:2000],
        assessment=row,
        draw=draw,
    )
    if archive.last_review_on is None or day > archive.last_review_on:
        archive.last_review_on = day
    if kind == ReviewKind.YEARLY:
        interval = thresholds_in_force(county_of(archive.org), day).review_interval_months
        archive.next_review_due = lifecycle.add_months(day, interval)
    archive = _save(archive)
    note = f"{ReviewKind(kind).label}：{ReviewOutcome(outcome).label}"
    if _category_note(before_category, row.category):
        note += "；" + _category_note(before_category, row.category)
    _step(
        archive,
        action=StepAction.REVIEW,
        actor=actor,
        on=day,
        from_status=archive.status,
        note=note,
        data={
            "review": review.pk,
            "kind": kind,
            "outcome": outcome,
            "assessment": row.pk,
            "changed": changed,
        },
    )
    _transition_audit(
        archive,
        actor=actor,
        action="review",
        from_status=archive.status,
        kind=kind,
        outcome=outcome,
    )
    return review


def exit_readings(archive: HardshipArchive) -> list[lifecycle.Reading]:
    """The income history the exit rule reads: every assessment of the archive."""
    return [
        lifecycle.Reading(on, met)
        for on, met in archive.assessments.order_by("assessed_on", "id").values_list(
            "assessed_on", "meets_entry_test"
        )
    ]


def exit_status(archive: HardshipArchive, on: datetime.date | None = None) -> lifecycle.ExitCheck:
    """Whether the archive could exit on a date (for pages: show the earliest exit date)."""
    day = on or today()
    months = thresholds_in_force(county_of(archive.org), day).exit_months
    return lifecycle.exit_check(exit_readings(archive), on=day, months=months)


@transaction.atomic
def archive_exit(
    *, actor, archive: HardshipArchive, reason: str, on: datetime.date | None = None
) -> HardshipArchive:
    """解困脱困 (the county's decision) once the entry test has not been met for ≥ the
    county's exit_months (6 by default), judged on the recorded income history; then the
    household is watched for watch_years."""
    reason = normalise_text(reason)
    if not reason:
        raise ValidationFailed("请填写脱困说明。", fields={"reason": ["请填写脱困说明。"]})
    archive, day = _begin(actor, archive, StepAction.EXIT, on, "脱困日期")
    thresholds = thresholds_in_force(county_of(archive.org), day)
    check = lifecycle.exit_check(exit_readings(archive), on=day, months=thresholds.exit_months)
    if not check.allowed:
        raise ValidationFailed(check.message, code="exit_too_early")
    before = archive.status
    archive.status = ArchiveStatus.EXITED
    archive.exited_on = day
    archive.exit_reason = reason[:200]
    archive.watch_until = lifecycle.add_years(day, thresholds.watch_years)
    archive.next_review_due = None
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.EXIT,
        actor=actor,
        on=day,
        from_status=before,
        note=reason,
        data={
            "not_met_since": check.not_met_since.isoformat(),
            "exit_months": thresholds.exit_months,
            "watch_until": archive.watch_until.isoformat(),
        },
    )
    _transition_audit(archive, actor=actor, action="exit", from_status=before)
    return archive


@transaction.atomic
def archive_watch(
    *, actor, archive: HardshipArchive, on: datetime.date | None = None, note: str = ""
) -> HardshipArchive:
    """纳入脱困监测: the union takes the exited household into its watch list."""
    archive, day = _begin(actor, archive, StepAction.WATCH, on)
    before = archive.status
    archive.status = ArchiveStatus.WATCHED
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.WATCH,
        actor=actor,
        on=day,
        from_status=before,
        note=note,
        data={"watch_until": archive.watch_until.isoformat() if archive.watch_until else ""},
    )
    _transition_audit(archive, actor=actor, action="watch", from_status=before)
    return archive


@transaction.atomic
def archive_relapse(
    *,
    actor,
    archive: HardshipArchive,
    note: str = "",
    on: datetime.date | None = None,
    **figures,
) -> HardshipArchive:
    """返困: an exited or watched household meets the entry test again. The same archive is
    reopened at `applied` (checked, visited and approved again); figures as now."""
    archive, day = _begin(actor, archive, StepAction.RELAPSE, on, "返困日期")
    before = archive.status
    changed = _figure_changes(archive, actor, figures)
    row = _assess(archive, source=AssessmentSource.RELAPSE, on=day, actor=actor)
    if not row.meets_entry_test:
        raise ValidationFailed(
            "按当前收入和支出测算，该家庭不符合困难标准，不能认定返困：\n" + row.explanation,
            code="not_eligible",
        )
    exited_on = archive.exited_on
    archive.status = ArchiveStatus.APPLIED
    archive.relapse_count += 1
    archive.last_relapse_on = day
    archive.exited_on = None
    archive.exit_reason = ""
    archive.watch_until = None
    archive.approved_on = None
    archive.approved_by = None
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.RELAPSE,
        actor=actor,
        on=day,
        from_status=before,
        note=note,
        data={
            "category": row.category,
            "assessment": row.pk,
            "exited_on": exited_on.isoformat() if exited_on else "",
            "changed": changed,
        },
    )
    _transition_audit(archive, actor=actor, action="relapse", from_status=before)
    return archive


# --- spot-check draw --------------------------------------------------------------------------


@transaction.atomic
def spot_check_draw(
    *, actor, county: Org, year: int, share=None, seed: str | None = None
) -> SpotCheckDraw:
    """Draw at least the county's spot-check share (30%) of its archived households for the
    year's spot checks, at random and reproducibly (see lifecycle.spot_check_sample), and
    record the draw. One draw per county and year."""
    if county.level != OrgLevel.COUNTY:
        raise NotFound()
    _require(actor, county, Action.VIEW)
    if not is_county_approver(actor, county):
        raise PermissionDenied("抽查名单须由县总工会有审批权限的工作人员抽取。")
    floor = thresholds_in_force(county, today()).spot_check_share
    try:
        share = floor if share in (None, "") else Decimal(str(share))
    except InvalidOperation as exc:
        raise ValidationFailed("抽查比例应为 0 到 1 之间的小数，如 0.3。") from exc
    if not floor <= share <= 1:
        message = f"抽查比例不得低于 {floor * 100:.0f}%，也不能超过 100%。"
        raise ValidationFailed(message, fields={"share": [message]})
    if not isinstance(year, int) or not 2000 <= year <= today().year + 1:
        raise ValidationFailed("请填写正确的年度。", fields={"year": ["请填写正确的年度。"]})
    if SpotCheckDraw.objects.filter(org=county, year=year).exists():
        raise Conflict(f"{county.name} {year} 年的抽查名单已抽取，不能重复抽取。")
    population = list(
        HardshipArchive.objects.filter(
            status=ArchiveStatus.ARCHIVED,
            org__in=Org.objects.filter(path__startswith=county.path).values("id"),
        ).values_list("id", flat=True)
    )
    if not population:
        raise ValidationFailed("本县目前没有在档的困难职工档案，无需抽查。")
    seed = seed or secrets.token_hex(16)
    drawn = lifecycle.spot_check_sample(population, share=share, seed=seed)
    try:
        with transaction.atomic():
            draw = SpotCheckDraw.objects.create(
                org=county,
                year=year,
                share=share,
                seed=seed,
                population=sorted(population),
                drawn=drawn,
                drawn_by=actor if _is_user(actor) else None,
            )
    except IntegrityError as exc:
        raise Conflict(f"{county.name} {year} 年的抽查名单已抽取，不能重复抽取。") from exc
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=county,
        obj=draw,
        detail={
            "what": "spot_check_draw",
            "year": year,
            "share": str(share),
            "population": len(population),
            "drawn": len(drawn),
            "seed": seed,
        },
    )
    return draw


# --- household members ------------------------------------------------------------------------


def _clean_household_member(actor, data: dict, archive: HardshipArchive, instance) -> dict:
    errors: dict[str, list[str]] = {}
    data = dict(data)
    _choice(data, "relation", Relation, "与职工关系", errors)
    _choice(data, "health_status", HealthStatus, "健康状况", errors)
    _choice(data, "school_stage", SchoolStage, "就学阶段", errors)
    data["name"] = normalise_text(data.get("name"))
    if not data["name"]:
        errors["name"] = ["请填写姓名。"]
    elif len(data["name"]) > 50:
        errors["name"] = ["姓名不能超过 50 个字。"]
    data["school_or_employer"] = normalise_text(data.get("school_or_employer"))[:150]
    data["monthly_income"] = _money(
        data.get("monthly_income"), "monthly_income", "月收入", errors, limit=MAX_MONTHLY
    )
    raw_id = normalise_text(data.get("id_number"))
    data["id_number"], data["id_number_hash"], data["birth_date"] = "", "", None
    if raw_id:
        try:
            info = id_number_clean(raw_id)
        except IdNumberError as exc:
            errors["id_number"] = [str(exc)]
        else:
            id_hash = keyed_hash(info.number)
            data.update(id_number=info.number, id_number_hash=id_hash, birth_date=info.birth_date)
            if id_hash == archive.id_number_hash:
                errors["id_number"] = ["职工本人无需登记为家庭成员。"]
            else:
                other, base = _household_clash(id_hash, archive=archive, as_worker=False)
                if other is not None:
                    errors["id_number"] = [_clash_message(actor, other, base)]
                # An archive not yet saved (an application being checked) has no members.
                twin = (
                    archive.household_members.filter(id_number_hash=id_hash)
                    if archive.pk
                    else HouseholdMember.objects.none()
                )
                if instance is not None:
                    twin = twin.exclude(pk=instance.pk)
                if twin.exists():
                    errors["id_number"] = ["该家庭成员已登记。"]
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    return data


def _household_begin(actor, archive: HardshipArchive) -> HardshipArchive:
    archive = _locked(archive)
    _require(actor, archive.org)
    if archive.status == ArchiveStatus.REJECTED:
        raise ValidationFailed("未予建档的档案不能修改。")
    return archive


def _household_changed(archive, *, actor, note: str, data: dict) -> HardshipArchive:
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.HOUSEHOLD,
        actor=actor,
        on=today(),
        from_status=archive.status,
        note=note,
        data=data,
    )
    _audit(archive, actor=actor, household=data)
    return archive


@transaction.atomic
def household_member_add(
    *, actor, archive: HardshipArchive, version: int | None = None, **fields
) -> HouseholdMember:
    """Record a household member. The household size (含职工本人) must already count them."""
    archive = _household_begin(actor, archive)
    _check_version(archive, version)
    unknown = set(fields) - set(HOUSEHOLD_MEMBER_FIELDS)
    if unknown:
        raise ValueError(f"not household member fields: {sorted(unknown)}")
    data = _clean_household_member(actor, {**HOUSEHOLD_MEMBER_DEFAULTS, **fields}, archive, None)
    recorded = archive.household_members.count()
    if recorded + 2 > archive.household_size:
        message = (
            f"家庭人口为 {archive.household_size} 人(含职工本人)，已登记 {recorded} 名家庭成员；"
            "请先修改家庭人口数，再添加成员。"
        )
        raise ValidationFailed(message, fields={"__all__": [message]})
    person = HouseholdMember.objects.create(archive=archive, **data)
    _household_changed(
        archive,
        actor=actor,
        note=f"添加家庭成员：{person.name}({person.get_relation_display()})",
        data={"added": person.pk},
    )
    return person


@transaction.atomic
def household_member_update(*, actor, person: HouseholdMember, **changes) -> HouseholdMember:
    archive = _household_begin(actor, person.archive)
    person = HouseholdMember.objects.select_for_update().get(pk=person.pk, archive=archive)
    unknown = set(changes) - set(HOUSEHOLD_MEMBER_FIELDS)
    if unknown:
        raise ValueError(f"not household member fields: {sorted(unknown)}")
    current = {f: getattr(person, f) for f in HOUSEHOLD_MEMBER_FIELDS}
    data = _clean_household_member(actor, {**current, **changes}, archive, person)
    changed = [f for f in HOUSEHOLD_MEMBER_FIELDS if data[f] != current[f]]
    if not changed:
        return person
    for key, value in data.items():
        setattr(person, key, value)
    person.save()
    labels = "、".join(str(HouseholdMember._meta.get_field(f).verbose_name) for f in changed)
    _household_changed(
        archive,
        actor=actor,
        note=f"修改家庭成员 {person.name}：{labels}",
        data={"updated": person.pk, "changed": changed},
    )
    return person


@transaction.atomic
def household_member_remove(*, actor, person: HouseholdMember, reason: str = "") -> None:
    archive = _household_begin(actor, person.archive)
    person = HouseholdMember.objects.select_for_update().get(pk=person.pk, archive=archive)
    name, relation = person.name, person.get_relation_display()
    person.delete()
    note = f"删除家庭成员：{name}({relation})"
    if normalise_text(reason):
        note += f"，原因：{normalise_text(reason)}"
    _household_changed(archive, actor=actor, note=note, data={"removed": name})


# --- attachments -----------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, actor, archive: HardshipArchive, kind: str, file, note: str = ""
) -> ArchiveAttachment:
    """Attach evidence, a photo or the signed authorisation (PDF/image ≤ 10 MB, by content)."""
    archive = _locked(archive)
    _require(actor, archive.org)
    if archive.status == ArchiveStatus.REJECTED:
        raise ValidationFailed("未予建档的档案不能上传附件。")
    checked = attachment_check(file, kind)
    attachment = ArchiveAttachment(
        archive=archive,
        kind=kind,
        stored_name=checked.stored_name,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=normalise_text(note)[:200],
        uploaded_by=actor if _is_user(actor) else None,
    )
    # Saved last, after every check: only a database failure can orphan the file.
    attachment.file.save(checked.stored_name, File(file), save=False)
    attachment.save()
    archive = _save(archive)
    _step(
        archive,
        action=StepAction.ATTACH,
        actor=actor,
        on=today(),
        from_status=archive.status,
        note=f"{attachment.get_kind_display()}：{attachment.original_name}"[:300],
        data={"attachment": attachment.pk, "kind": kind},
    )
    _audit(archive, actor=actor, attachment=attachment.pk, kind=kind)
    return attachment

"""Writes of legal aid: applications (portal or staff), acceptance or refusal with reason,
assignment to a lawyer or staff member in scope, progress notes, outcome, the applicant's
feedback; the lawyers' roster and the county's settings."""

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q

from gonghui.audit.services import sensitive_view_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.core.workdays import working_days_after
from gonghui.members.idnumber import IdNumberError, id_number_clean, phone_clean
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgStatus, township_q
from gonghui.rights.attachments import file_check
from gonghui.rights.legalaid.models import (
    OPEN_STATUSES,
    AidKind,
    AidLawyer,
    AidOutcome,
    AidSource,
    AidStatus,
    CaseAttachment,
    CaseNote,
    LegalAidCase,
    LegalAidSettings,
)
from gonghui.rights.shared import (
    MAX_AMOUNT,
    MODULE,
    AuditAction,
    audit,
    bump,
    not_in_future,
    require_scope,
    required,
    today,
    version_check,
)

SENSITIVE_FIELDS = ["applicant_id_number", "applicant_phone", "health_details", "minor_details"]


def county_settings(org: Org | None) -> LegalAidSettings:
    if org is None:
        return LegalAidSettings()
    ids = [*org.ancestor_ids(), org.pk]
    county = Org.objects.filter(pk__in=ids, level=OrgLevel.COUNTY).values_list("pk", flat=True)
    found = LegalAidSettings.objects.filter(org_id__in=list(county)).first()
    return found or LegalAidSettings()


def _amount(value, errors: ErrorCollector, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors.add(field, f"{label}请填写数字。")
        return None
    if amount < 0 or amount > MAX_AMOUNT:
        errors.add(field, f"{label}应在 0 至 1 亿元之间。")
    return amount


def application_validate(
    *,
    applicant_name: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    employer_name: str | None = None,
    kind: str | None = None,
    facts: str | None = None,
    amount_claimed=None,
    org: Org | None = None,
    evidence_file=None,
    income_proof_file=None,
    **_ignored,
) -> dict:
    """Check an application; the cleaned ID number and phone, or ValidationFailed (all)."""
    errors = ErrorCollector()
    for field, upload in (
        ("evidence_file", evidence_file),
        ("income_proof_file", income_proof_file),
    ):
        if upload is not None:
            try:
                file_check(upload, field=field)
            except ValidationFailed as exc:
                errors.add(field, exc.message)
    required(
        errors,
        {"applicant_name": applicant_name, "employer_name": employer_name, "facts": facts},
        {"applicant_name": "申请人姓名", "employer_name": "用人单位名称", "facts": "事实与请求"},
    )
    cleaned: dict = {}
    try:
        cleaned["id_number"] = id_number_clean(id_number or "").number
    except IdNumberError as exc:
        errors.add("id_number", str(exc))
    try:
        cleaned["phone"] = phone_clean(phone or "")
        if not cleaned["phone"]:
            errors.add("phone", "请填写手机号码。")
    except ValueError as exc:
        errors.add("phone", str(exc))
    if kind not in AidKind.values:
        errors.add("kind", "请选择援助类型。")
    if org is None:
        errors.add("org", "请选择受理的工会。")
    _amount(amount_claimed, errors, "amount_claimed", "涉及金额")
    if (
        "id_number" in cleaned
        and LegalAidCase.objects.filter(
            applicant_id_hash=keyed_hash(cleaned["id_number"]), status__in=OPEN_STATUSES
        ).exists()
    ):
        errors.add("id_number", "该身份证号已有正在办理的法律援助申请，请查询办理进度。")
    errors.raise_if_any()
    return cleaned


def _number(on: datetime.date) -> str:
    return f"FY{on:%Y%m%d}{secrets.randbelow(10**6):06d}"


def _create(
    *,
    actor,
    source: str,
    org: Org,
    applicant_name: str,
    id_number: str,
    phone: str,
    employer_name: str,
    kind: str,
    facts: str,
    enterprise: Enterprise | None,
    amount_claimed,
    health_details: str,
    minor_details: str,
    has_income_proof: bool,
    applied_on: datetime.date,
    evidence_file=None,
    income_proof_file=None,
) -> LegalAidCase:
    cleaned = application_validate(
        evidence_file=evidence_file,
        income_proof_file=income_proof_file,
        applicant_name=applicant_name,
        id_number=id_number,
        phone=phone,
        employer_name=employer_name,
        kind=kind,
        facts=facts,
        amount_claimed=amount_claimed,
        org=org,
    )
    number = cleaned["id_number"]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = LegalAidCase.objects.create(
                    org=org,
                    number=_number(applied_on),
                    source=source,
                    applied_on=applied_on,
                    applicant_name=applicant_name.strip(),
                    applicant_id_number=number,
                    applicant_id_hash=keyed_hash(number),
                    applicant_id_last4=number[-4:],
                    applicant_phone=cleaned["phone"],
                    applicant_phone_hash=keyed_hash(cleaned["phone"]),
                    enterprise=enterprise,
                    employer_name=employer_name.strip(),
                    kind=kind,
                    facts=facts.strip(),
                    amount_claimed=Decimal(str(amount_claimed))
                    if amount_claimed not in (None, "")
                    else None,
                    has_income_proof=bool(has_income_proof),
                    health_details=(health_details or "").strip(),
                    minor_details=(minor_details or "").strip(),
                    has_health_details=bool((health_details or "").strip()),
                    involves_minor=bool((minor_details or "").strip()),
                )
            break
        except IntegrityError:  # a case number drawn twice: draw again
            continue
    else:  # pragma: no cover - a million numbers a day
        raise ValidationFailed("系统繁忙，请稍后再试。")
    audit(actor, AuditAction.CREATED, case, what="legal_aid_case", source=source, kind=kind)
    return case


@transaction.atomic
def case_apply_public(
    *,
    township: Org | None,
    applicant_name: str,
    id_number: str,
    phone: str,
    employer_name: str,
    kind: str,
    facts: str,
    amount_claimed=None,
    health_details: str = "",
    minor_details: str = "",
    has_income_proof: bool = False,
    evidence_file=None,
    income_proof_file=None,
) -> LegalAidCase:
    """A worker's application on the portal, to the township (street) union they chose, with
    up to two files (evidence, proof of low income), checked before anything is written."""
    if (
        township is not None
        and not Org.objects.filter(township_q(), pk=township.pk, status=OrgStatus.ACTIVE).exists()
    ):
        township = None
    enterprise = _employer_match(employer_name, township)
    case = _create(
        actor=None,
        source=AidSource.PORTAL,
        org=enterprise.org if enterprise is not None else township,
        applicant_name=applicant_name,
        id_number=id_number,
        phone=phone,
        employer_name=employer_name or "",
        kind=kind,
        facts=facts,
        enterprise=enterprise,
        amount_claimed=amount_claimed,
        health_details=health_details,
        minor_details=minor_details,
        has_income_proof=has_income_proof or income_proof_file is not None,
        applied_on=today(),
        evidence_file=evidence_file,
        income_proof_file=income_proof_file,
    )
    for upload in (evidence_file, income_proof_file):
        if upload is not None:
            _attach(actor=None, case=case, upload=upload)
    return case


def _employer_match(name: str, township: Org | None) -> Enterprise | None:
    """The registered employer of that exact name in the township, when there is one."""
    if not name or township is None:
        return None
    found = list(
        Enterprise.objects.filter(name=name.strip(), org__path__startswith=township.path)[:2]
    )
    return found[0] if len(found) == 1 else None


@transaction.atomic
def case_register(
    *,
    actor,
    org: Org,
    applicant_name: str,
    id_number: str,
    phone: str,
    kind: str,
    facts: str,
    employer_name: str = "",
    enterprise: Enterprise | None = None,
    amount_claimed=None,
    health_details: str = "",
    minor_details: str = "",
    has_income_proof: bool = False,
    applied_on: datetime.date | None = None,
) -> LegalAidCase:
    """An application taken at the union's window (staff)."""
    if enterprise is not None:
        org = enterprise.org
        employer_name = employer_name or enterprise.name
    require_scope(actor, org)
    if applied_on is not None and applied_on > today():
        raise ValidationFailed(
            "申请日期不能晚于今天。", fields={"applied_on": ["申请日期不能晚于今天。"]}
        )
    return _create(
        actor=actor,
        source=AidSource.STAFF,
        org=org,
        applicant_name=applicant_name,
        id_number=id_number,
        phone=phone,
        employer_name=employer_name,
        kind=kind,
        facts=facts,
        enterprise=enterprise,
        amount_claimed=amount_claimed,
        health_details=health_details,
        minor_details=minor_details,
        has_income_proof=has_income_proof,
        applied_on=applied_on or today(),
    )


def _locked(case: LegalAidCase, actor, version=None) -> LegalAidCase:
    case = LegalAidCase.objects.select_for_update().get(pk=case.pk)
    require_scope(actor, case.org)
    version_check(case, version)
    return case


@transaction.atomic
def case_decide(
    *,
    actor,
    case: LegalAidCase,
    accept: bool,
    on: datetime.date,
    reason: str = "",
    version: int | None = None,
) -> LegalAidCase:
    """Accept (受理) or refuse (不予受理, with the reason the applicant will read)."""
    case = _locked(case, actor, version)
    errors = ErrorCollector()
    if case.status != AidStatus.APPLIED:
        errors.add("__all__", "该申请已作出受理决定。")
    if on is None:
        errors.add("on", "请填写决定日期。")
    elif on < case.applied_on:
        errors.add("on", "决定日期不能早于申请日期。")
    not_in_future(errors, on, "on", "决定日期")
    if not accept and not (reason or "").strip():
        errors.add("reason", "不予受理须写明理由。")
    if accept and county_settings(case.org).income_proof_required and not case.has_income_proof:
        errors.add("__all__", "本县要求提交经济困难证明，申请人尚未提交，暂不能受理。")
    errors.raise_if_any()
    case.status = AidStatus.ACCEPTED if accept else AidStatus.REFUSED
    case.decided_on = on
    case.refusal_reason = "" if accept else reason.strip()[:300]
    bump(case)
    case.save()
    audit(actor, AuditAction.APPROVED, case, what="legal_aid_decide", accepted=accept)
    return case


def assignee_choices(case: LegalAidCase):
    """Staff who may take the case (rights.edit over its org) and the lawyers serving it."""
    from gonghui.accounts.models import RoleAssignment

    ancestors = [*case.org.ancestor_ids(), case.org_id]
    users = {}
    for assignment in RoleAssignment.objects.filter(
        org_id__in=ancestors, user__is_active=True, org__status=OrgStatus.ACTIVE
    ).select_related("user", "role"):
        if assignment.role.grants(MODULE, Action.EDIT):
            users[assignment.user_id] = assignment.user
    lawyers = AidLawyer.objects.filter(org_id__in=ancestors, is_active=True).order_by("name")
    return sorted(users.values(), key=lambda u: u.pk), list(lawyers)


@transaction.atomic
def case_assign(
    *,
    actor,
    case: LegalAidCase,
    on: datetime.date,
    user=None,
    lawyer: AidLawyer | None = None,
    handled_elsewhere: str = "",
    version: int | None = None,
) -> LegalAidCase:
    """Assign to a staff member whose scope covers the case, or a roster lawyer serving the
    case's area; the deadline counts working days from the day of assignment."""
    case = _locked(case, actor, version)
    errors = ErrorCollector()
    if case.status not in (AidStatus.ACCEPTED, AidStatus.ASSIGNED):
        errors.add("__all__", "只有已受理的案件可以指派承办人。")
    if (user is None) == (lawyer is None):
        errors.add("assignee", "请选择一名承办人(工作人员或律师)。")
    elif user is not None and not (
        user.is_active and org_in_scope(user, MODULE, Action.EDIT, case.org)
    ):
        errors.add("assignee", f"“{user.display_name}”的数据范围不包括本案件所属组织，不能承办。")
    elif lawyer is not None and not (
        lawyer.is_active and case.org.path.startswith(lawyer.org.path)
    ):
        errors.add("assignee", f"律师“{lawyer.name}”不在本案件所属地区的援助律师名册中。")
    if on is None:
        errors.add("on", "请填写指派日期。")
    elif case.decided_on and on < case.decided_on:
        errors.add("on", "指派日期不能早于受理日期。")
    not_in_future(errors, on, "on", "指派日期")
    errors.raise_if_any()
    settings_row = county_settings(case.org)
    case.assigned_user = user
    case.assigned_lawyer = lawyer
    case.assigned_on = on
    case.deadline = working_days_after(on, settings_row.deadline_working_days)
    case.handled_elsewhere = (handled_elsewhere or "").strip()[:100]
    case.status = AidStatus.ASSIGNED
    bump(case)
    case.save()
    audit(
        actor,
        AuditAction.UPDATED,
        case,
        what="legal_aid_assign",
        assignee=(user.display_name if user is not None else str(lawyer)),
    )
    return case


@transaction.atomic
def case_note_add(*, actor, case: LegalAidCase, noted_on: datetime.date, text: str) -> CaseNote:
    case = _locked(case, actor)
    errors = ErrorCollector()
    if case.status not in (AidStatus.ACCEPTED, AidStatus.ASSIGNED):
        errors.add("__all__", "只有办理中的案件可以登记进展。")
    if noted_on is None:
        errors.add("noted_on", "请填写日期。")
    elif noted_on < case.applied_on:
        errors.add("noted_on", "日期不能早于申请日期。")
    not_in_future(errors, noted_on, "noted_on", "日期")
    if not (text or "").strip():
        errors.add("text", "请填写办理进展。")
    errors.raise_if_any()
    note = CaseNote.objects.create(
        case=case,
        noted_on=noted_on,
        text=text.strip(),
        author=actor if actor is not None and actor.is_authenticated else None,
    )
    audit(actor, AuditAction.UPDATED, case, what="legal_aid_note")
    return note


@transaction.atomic
def case_close(
    *,
    actor,
    case: LegalAidCase,
    closed_on: datetime.date,
    outcome: str,
    amount_recovered=0,
    judgement: str = "",
    version: int | None = None,
) -> LegalAidCase:
    case = _locked(case, actor, version)
    errors = ErrorCollector()
    if case.status != AidStatus.ASSIGNED:
        errors.add("__all__", "只有已指派承办的案件可以结案。")
    if outcome not in AidOutcome.values:
        errors.add("outcome", "请选择结案结果。")
    if closed_on is None:
        errors.add("closed_on", "请填写结案日期。")
    elif case.assigned_on and closed_on < case.assigned_on:
        errors.add("closed_on", "结案日期不能早于指派日期。")
    not_in_future(errors, closed_on, "closed_on", "结案日期")
    amount = _amount(amount_recovered, errors, "amount_recovered", "挽回金额") or Decimal(0)
    errors.raise_if_any()
    case.status = AidStatus.CLOSED
    case.closed_on = closed_on
    case.outcome = outcome
    case.amount_recovered = amount
    case.judgement = (judgement or "").strip()[:300]
    bump(case)
    case.save()
    audit(
        actor,
        AuditAction.UPDATED,
        case,
        what="legal_aid_close",
        outcome=outcome,
        amount=str(amount),
    )
    return case


@transaction.atomic
def case_attachment_add(*, actor, case: LegalAidCase, upload) -> CaseAttachment:
    require_scope(actor, case.org)
    return _attach(actor=actor, case=case, upload=upload)


def _attach(*, actor, case: LegalAidCase, upload) -> CaseAttachment:
    checked = file_check(upload)
    attachment = CaseAttachment(
        case=case,
        name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    attachment.file.save(checked.stored_name, upload, save=False)
    attachment.save()
    audit(actor, AuditAction.CREATED, case, what="legal_aid_attachment", size=checked.size)
    return attachment


def case_unmask(*, actor, case: LegalAidCase, reason: str) -> LegalAidCase:
    """Show the case's personal and sensitive details in full: view-sensitive, a reason, audited."""
    if not org_in_scope(actor, MODULE, Action.VIEW_SENSITIVE, case.org):
        raise NotFound()
    if not (reason or "").strip():
        raise ValidationFailed("查看完整信息须填写事由。", fields={"reason": ["请填写事由。"]})
    sensitive_view_record(actor=actor, obj=case, fields=SENSITIVE_FIELDS, reason=reason.strip())
    return case


def case_attachment_open(*, actor, case: LegalAidCase, attachment_id: int) -> CaseAttachment:
    """A case's material to serve: applicants' papers (income proof, medical records) are
    personal data, so every serving is audited like an unmask."""
    attachment = CaseAttachment.objects.filter(pk=attachment_id, case=case).first()
    if attachment is None:
        raise NotFound()
    sensitive_view_record(
        actor=actor, obj=case, fields=[f"attachment:{attachment.pk}"], reason="下载法律援助材料"
    )
    return attachment


# --- the applicant's side (portal) ----------------------------------------------------------


def cases_of_applicant(*, id_number: str, phone: str) -> list[LegalAidCase]:
    """The applicant's cases, found by ID number AND phone (both must match)."""
    try:
        number = id_number_clean(id_number or "").number
        mobile = phone_clean(phone or "")
    except (IdNumberError, ValueError):
        return []
    if not mobile:
        return []
    return list(
        LegalAidCase.objects.filter(
            applicant_id_hash=keyed_hash(number), applicant_phone_hash=keyed_hash(mobile)
        )
        .select_related("org")
        .defer("applicant_id_number", "applicant_phone", "health_details", "minor_details")
        .order_by("-id")[:10]
    )


@transaction.atomic
def case_feedback_public(
    *, id_number: str, phone: str, number: str, score: int, text: str = ""
) -> LegalAidCase:
    """The applicant rates a closed case (1–5), once."""
    cases = {c.number: c for c in cases_of_applicant(id_number=id_number, phone=phone)}
    case = cases.get((number or "").strip())
    if case is None:
        raise NotFound()
    errors = ErrorCollector()
    if case.status != AidStatus.CLOSED:
        errors.add("__all__", "案件结案后才能评价。")
    if case.feedback_score is not None:
        errors.add("__all__", "您已评价过该案件。")
    if score not in (1, 2, 3, 4, 5):
        errors.add("score", "请选择 1 至 5 分。")
    errors.raise_if_any()
    LegalAidCase.objects.filter(pk=case.pk).update(
        feedback_score=score, feedback_text=(text or "").strip()[:300]
    )
    case.refresh_from_db()
    audit(None, AuditAction.UPDATED, case, what="legal_aid_feedback", score=score)
    return case


# --- roster and settings --------------------------------------------------------------------


@transaction.atomic
def lawyer_create(
    *, actor, org: Org, name: str, firm: str, licence_no: str = "", phone: str = ""
) -> AidLawyer:
    require_scope(actor, org)
    errors = ErrorCollector()
    if org.level > OrgLevel.TOWNSHIP:
        errors.add("org", "援助律师应登记在县(市、区)或乡镇(街道)工会。")
    required(errors, {"name": name, "firm": firm}, {"name": "姓名", "firm": "律师事务所"})
    mobile = ""
    try:
        mobile = phone_clean(phone or "")
    except ValueError as exc:
        errors.add("phone", str(exc))
    errors.raise_if_any()
    lawyer = AidLawyer.objects.create(
        org=org,
        name=name.strip(),
        firm=firm.strip(),
        licence_no=(licence_no or "").strip(),
        phone=mobile,
    )
    audit(actor, AuditAction.CREATED, lawyer, what="lawyer")
    return lawyer


@transaction.atomic
def legal_aid_settings_save(
    *, actor, county: Org, income_proof_required: bool, deadline_working_days: int
) -> LegalAidSettings:
    require_scope(actor, county)
    if not 1 <= int(deadline_working_days or 0) <= 250:
        raise ValidationFailed(
            "办结期限应为 1 至 250 个工作日。",
            fields={"deadline_working_days": ["办结期限应为 1 至 250 个工作日。"]},
        )
    row, _ = LegalAidSettings.objects.update_or_create(
        org=county,
        defaults={
            "income_proof_required": income_proof_required,
            "deadline_working_days": deadline_working_days,
        },
    )
    audit(actor, AuditAction.UPDATED, row, what="legal_aid_settings")
    return row


def open_case_q() -> Q:
    return Q(status__in=OPEN_STATUSES)

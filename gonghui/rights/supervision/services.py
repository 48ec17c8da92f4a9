"""Writes of labour-law supervision: appoint supervisors, record inspections (what they find
is registered as wage findings, which run the same 一函两书 ladder)."""

import datetime

from django.db import transaction

from gonghui.core.errors import ErrorCollector
from gonghui.core.scope import org_in_scope
from gonghui.members.idnumber import phone_clean
from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.shared import (
    AuditAction,
    audit,
    not_in_future,
    require_scope,
    required,
)
from gonghui.rights.supervision.models import Inspection, InspectionResult, Supervisor


def supervisor_validate(
    *, actor, org=None, name=None, appointed_on=None, term_ends_on=None, phone="", **_ignored
):
    errors = ErrorCollector()
    required(
        errors,
        {"name": name, "appointed_on": appointed_on},
        {"name": "姓名", "appointed_on": "聘任日期"},
    )
    if org is None:
        errors.add("org", "请选择聘任的工会。")
    elif actor is not None and not org_in_scope(actor, "rights", "edit", org):
        errors.add("org", "所选组织不在您的数据范围内。")
    if appointed_on and term_ends_on and term_ends_on <= appointed_on:
        errors.add("term_ends_on", "聘期届满日期应晚于聘任日期。")
    not_in_future(errors, appointed_on, "appointed_on", "聘任日期")
    try:
        phone_clean(phone or "")
    except ValueError as exc:
        errors.add("phone", str(exc))
    errors.raise_if_any()


@transaction.atomic
def supervisor_appoint(
    *,
    actor,
    org: Org,
    name: str,
    appointed_on: datetime.date,
    phone: str = "",
    certificate_no: str = "",
    term_ends_on: datetime.date | None = None,
) -> Supervisor:
    supervisor_validate(
        actor=actor,
        org=org,
        name=name,
        appointed_on=appointed_on,
        term_ends_on=term_ends_on,
        phone=phone,
    )
    require_scope(actor, org)
    supervisor = Supervisor.objects.create(
        org=org,
        name=name.strip(),
        phone=phone_clean(phone or ""),
        certificate_no=(certificate_no or "").strip(),
        appointed_on=appointed_on,
        term_ends_on=term_ends_on,
    )
    audit(actor, AuditAction.CREATED, supervisor, what="supervisor")
    return supervisor


@transaction.atomic
def supervisor_retire(*, actor, supervisor: Supervisor) -> Supervisor:
    require_scope(actor, supervisor.org)
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active", "updated_at"])
    audit(actor, AuditAction.DEACTIVATED, supervisor, what="supervisor_retire")
    return supervisor


def inspection_validate(
    *,
    actor,
    enterprise: Enterprise | None = None,
    supervisors: list[Supervisor] | None = None,
    inspected_on: datetime.date | None = None,
    subject: str | None = None,
    result: str | None = None,
    **_ignored,
) -> None:
    errors = ErrorCollector()
    required(
        errors,
        {"inspected_on": inspected_on, "subject": subject},
        {"inspected_on": "检查日期", "subject": "检查内容"},
    )
    if enterprise is None:
        errors.add("enterprise", "请选择被检查单位。")
    elif actor is not None and not org_in_scope(actor, "rights", "edit", enterprise.org):
        errors.add("enterprise", "该单位不在您的数据范围内。")
    if not supervisors:
        errors.add("supervisors", "请选择参加检查的监督员。")
    elif enterprise is not None:
        for supervisor in supervisors:
            if not supervisor.is_active:
                errors.add("supervisors", f"监督员“{supervisor.name}”已不在任。")
            elif not enterprise.org.path.startswith(supervisor.org.path):
                errors.add("supervisors", f"监督员“{supervisor.name}”不负责该单位所在地区。")
    if result not in InspectionResult.values:
        errors.add("result", "请选择检查结论。")
    not_in_future(errors, inspected_on, "inspected_on", "检查日期")
    errors.raise_if_any()


@transaction.atomic
def inspection_record(
    *,
    actor,
    enterprise: Enterprise,
    supervisors: list[Supervisor],
    inspected_on: datetime.date,
    subject: str,
    result: str,
    summary: str = "",
) -> Inspection:
    inspection_validate(
        actor=actor,
        enterprise=enterprise,
        supervisors=supervisors,
        inspected_on=inspected_on,
        subject=subject,
        result=result,
    )
    require_scope(actor, enterprise.org)
    inspection = Inspection.objects.create(
        org=enterprise.org,
        enterprise=enterprise,
        inspected_on=inspected_on,
        subject=subject.strip(),
        result=result,
        summary=(summary or "").strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    inspection.supervisors.set(supervisors)
    audit(actor, AuditAction.CREATED, inspection, what="inspection", result=result)
    return inspection

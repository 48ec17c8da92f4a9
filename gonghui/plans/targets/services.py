"""Writes of annual plans and targets: scope-checked, audited, every bad input refused in
Chinese with nothing written."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction

from gonghui.audit.services import audit_record
from gonghui.core import metrics
from gonghui.core.errors import ErrorCollector, NotFound
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.plans.targets.models import (
    AnnualPlan,
    Basis,
    Comparator,
    ManualStatus,
    Target,
    TargetEvidence,
)

MODULE = "plans"


def _require_org(actor, org) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
        raise NotFound()


# --- plans -------------------------------------------------------------------------------------


def plan_validate(*, org, year, title) -> None:
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择组织。")
    if not title or not str(title).strip():
        errors.add("title", "请填写计划名称。")
    if year is None or not 2000 <= int(year) <= 2100:
        errors.add("year", "年度应在 2000 到 2100 之间。")
    elif org is not None and AnnualPlan.objects.filter(org=org, year=year).exists():
        errors.add("year", f"{org.name}已有 {year} 年度的工作计划。")
    errors.raise_if_any()


@transaction.atomic
def plan_create(
    *, actor, org, year: int, title: str, source_document: str = "", note: str = ""
) -> AnnualPlan:
    if org is not None:
        _require_org(actor, org)
    plan_validate(org=org, year=year, title=title)
    plan = AnnualPlan.objects.create(
        org=org, year=year, title=title.strip(), source_document=source_document, note=note
    )
    audit_record(
        action="created",
        user=actor,
        obj=plan,
        detail={"what": "annual_plan", "year": year},
    )
    return plan


# --- targets -----------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def target_validate(
    *,
    plan: AnnualPlan | None,
    org,
    name: str,
    measure_code: str,
    comparator: str,
    value,
    starts_on: dt.date | None,
    deadline: dt.date | None,
    allow_unregistered: bool = False,
) -> None:
    """Every problem with a target at once (ValidationFailed); writes nothing."""
    errors = ErrorCollector()
    if not name or not str(name).strip():
        errors.add("name", "请填写目标名称。")
    if org is None:
        errors.add("org", "请选择责任组织。")
    elif plan is not None and not org.path.startswith(plan.org.path):
        errors.add("org", "责任组织应是计划所属组织或其下级组织。")
    if comparator not in Comparator.values:
        errors.add("comparator", "请选择比较方式。")
    if starts_on and deadline and deadline < starts_on:
        errors.add("deadline", "截止日期早于统计起始日期。")
    amount = _decimal(value)
    if measure_code:
        try:
            measure = metrics.measure_get(measure_code)
        except metrics.MetricError as exc:
            measure = None
            if not allow_unregistered:
                errors.add("measure_code", str(exc))
        if amount is None:
            errors.add("value", "请填写目标值(数字)。")
        elif amount < 0:
            errors.add("value", "目标值不能为负数。")
        elif measure is not None:
            if measure.unit == "%":
                if amount > 100:
                    errors.add("value", f"指标“{measure.name}”以 % 计，目标值应在 0 到 100 之间。")
            elif amount != amount.to_integral_value() and measure.unit in {
                "人",
                "个",
                "家",
                "件",
                "次",
                "对",
                "户",
                "场",
            }:
                errors.add("value", f"指标“{measure.name}”以“{measure.unit}”计，目标值应为整数。")
    elif amount is not None:
        errors.add("value", "手工填报的目标不设目标值；需要统计的目标请选择统计指标。")
    errors.raise_if_any()


def measure_is_rate(code: str) -> bool | None:
    """True for a rate, False for a count, None when no measure has that code."""
    try:
        return metrics.measure_get(code).is_ratio
    except metrics.MetricError:
        return None


@transaction.atomic
def target_create(
    *,
    actor,
    plan: AnnualPlan,
    org,
    name: str,
    measure_code: str = "",
    comparator: str = Comparator.AT_LEAST,
    value=None,
    basis: str = Basis.PERIOD,
    starts_on: dt.date | None = None,
    deadline: dt.date | None = None,
    lead_unit: str = "",
    co_units: str = "",
    allow_unregistered: bool = False,
) -> Target:
    """A target of the plan. `allow_unregistered`: a code whose module has not landed yet is
    kept (the target shows 指标未接入 until it does) — for plans drafted from a work report."""
    _require_org(actor, plan.org)
    if org is not None:
        _require_org(actor, org)
    starts_on = starts_on or dt.date(plan.year, 1, 1)
    deadline = deadline or dt.date(plan.year, 12, 31)
    target_validate(
        plan=plan,
        org=org,
        name=name,
        measure_code=measure_code,
        comparator=comparator,
        value=value,
        starts_on=starts_on,
        deadline=deadline,
        allow_unregistered=allow_unregistered,
    )
    position = plan.targets.filter(parent=None).count() + 1
    target = Target.objects.create(
        plan=plan,
        org=org,
        name=name.strip(),
        measure_code=measure_code,
        comparator=comparator,
        value=_decimal(value),
        basis=basis if basis in Basis.values else Basis.PERIOD,
        starts_on=starts_on,
        deadline=deadline,
        lead_unit=lead_unit,
        co_units=co_units,
        position=position,
    )
    audit_record(
        action="created",
        user=actor,
        obj=target,
        detail={
            "what": "target",
            "measure_code": measure_code,
            "comparator": comparator,
            "target_value": str(target.value) if target.value is not None else "",
        },
    )
    return target


def target_split_validate(*, target: Target, shares: dict) -> dict:
    """The shares {org: value} checked; returns them as Decimals. Raises ValidationFailed."""
    errors = ErrorCollector()
    if target.parent_id is not None:
        errors.add("__all__", "分解后的目标不能再分解。")
    if target.is_manual:
        errors.add("__all__", "手工填报的目标没有目标值，不能按数分解。")
    parsed: dict = {}
    for org, raw in shares.items():
        amount = _decimal(raw)
        if amount is None or amount < 0:
            errors.add(f"share_{org.pk}", f"{org.name}的分解数请填写不小于 0 的数字。")
            continue
        if org.pk == target.org_id or not org.path.startswith(target.org.path):
            errors.add(f"share_{org.pk}", f"{org.name}不是{target.org.name}的下级组织。")
            continue
        parsed[org] = amount
    if not parsed and not errors.fields:
        errors.add("__all__", "请至少为一个下级组织填写分解数。")
    rate = measure_is_rate(target.measure_code) if target.measure_code else None
    if parsed and not errors.fields and not rate and target.value is not None:
        total = sum(parsed.values(), Decimal(0))
        if total != target.value:
            errors.add(
                "__all__",
                f"各下级组织的分解数之和为 {total.normalize():f}，与{target.org.name}的目标值 "
                f"{target.value.normalize():f} 不一致。",
            )
    errors.raise_if_any()
    return parsed


@transaction.atomic
def target_split(*, actor, target: Target, shares: dict) -> list[Target]:
    """Break a target down to lower orgs (replaces the earlier breakdown). For a count the
    shares must add up to the target's value; a rate's shares are each org's own threshold."""
    _require_org(actor, target.org)
    parsed = target_split_validate(target=target, shares=shares)
    for org in parsed:
        _require_org(actor, org)
    target.shares.all().delete()
    children = [
        Target.objects.create(
            plan_id=target.plan_id,
            parent=target,
            org=org,
            name=target.name,
            measure_code=target.measure_code,
            comparator=target.comparator,
            basis=target.basis,
            value=amount,
            starts_on=target.starts_on,
            deadline=target.deadline,
            lead_unit=org.name,
            position=target.position,
        )
        for org, amount in sorted(parsed.items(), key=lambda item: item[0].path)
    ]
    audit_record(
        action="updated",
        user=actor,
        obj=target,
        detail={
            "what": "target",
            "shares": ", ".join(f"{o.pk}:{a.normalize():f}" for o, a in parsed.items()),
        },
    )
    return children


# Evidence files: the extension and the first bytes must agree (a renamed .exe stays out).
EVIDENCE_KINDS = {
    ".pdf": b"%PDF-",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _evidence_file_error(upload) -> str | None:
    """What is wrong with an evidence upload (Chinese), None when it may be kept."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in EVIDENCE_KINDS:
        return "佐证文件只能是 PDF、JPG、PNG、Word(.docx)或 Excel(.xlsx)文件。"
    if not upload.size:
        return "所选文件是空的，请检查后重新选择。"
    if upload.size > EVIDENCE_MAX_BYTES:
        return f"佐证文件过大({upload.size / 1024 / 1024:.1f} MB)，不能超过 10 MB。"
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(EVIDENCE_KINDS[extension]):
        return "文件内容与扩展名不符，请确认后重新上传。"
    return None


@transaction.atomic
def target_manual_report(
    *,
    actor,
    target: Target,
    manual_status: str,
    text: str,
    document: str = "",
    recorded_on: dt.date,
    upload=None,
) -> TargetEvidence:
    """A manual target's status with the evidence of it (and the evidence file, if any)."""
    _require_org(actor, target.org)
    errors = ErrorCollector()
    if not target.is_manual:
        errors.add("__all__", "该目标由统计指标自动计算，不能手工填报完成情况。")
    if manual_status not in ManualStatus.values:
        errors.add("manual_status", "请选择完成情况。")
    if not text or not text.strip():
        errors.add("text", "请填写佐证说明。")
    if upload is not None and (problem := _evidence_file_error(upload)) is not None:
        errors.add("file", problem)
    errors.raise_if_any()
    file_name = ""
    if upload is not None:
        file_name = os.path.basename(upload.name)[-150:]
        upload.name = f"{secrets.token_hex(16)}{os.path.splitext(file_name)[1].lower()}"
    before = target.manual_status
    target.manual_status = manual_status
    target.save(update_fields=["manual_status", "updated_at"])
    evidence = TargetEvidence.objects.create(
        target=target,
        recorded_on=recorded_on,
        text=text.strip(),
        document=document,
        file=upload,
        file_name=file_name,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    detail = {"what": "target", "manual_status": [before, manual_status], "evidence": text}
    if file_name:
        detail["file"] = file_name
    audit_record(action="updated", user=actor, obj=target, detail=detail)
    return evidence

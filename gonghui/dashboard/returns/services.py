"""Writes of the annual statistical return: create from a snapshot of the registry as of
09-30, refresh while in draft, enter the items no measure counts, submit (checks must pass);
a submitted return is frozen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import audit_record
from gonghui.core import metrics
from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.dashboard.returns.items import ITEM_BY_CODE, ITEMS, reporting_period, run_checks
from gonghui.dashboard.returns.models import AnnualReturn, ReturnStatus

MODULE = "plans"
FROZEN = "该年报已上报，数据已冻结，不能修改。"


def _require_org(actor, org) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
        raise NotFound()


def _number(value):
    if value is None:
        return None
    if isinstance(value, int):
        return value
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def snapshot(org, year: int) -> tuple[dict, dict]:
    """(values, sources) of every item for the org's subtree: one registry evaluation per
    measure; items without a registered measure are left for entry by hand."""
    start, end = reporting_period(year)
    values, sources = {}, {}
    for item in ITEMS:
        if not item.measure:
            values[item.code], sources[item.code] = None, "manual"
            continue
        try:
            metrics.measure_get(item.measure)
        except metrics.MetricError:
            values[item.code], sources[item.code] = None, "pending"
            continue
        period = metrics.Period(start, end) if item.basis == "period" else metrics.Period.as_of(end)
        figure = metrics.evaluate(item.measure, orgs=[org], period=period)[org.pk]
        values[item.code], sources[item.code] = _number(figure.value), "measure"
    return values, sources


def return_validate(*, org, year) -> None:
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择组织。")
    if year is None or not 2000 <= int(year) <= 2100:
        errors.add("year", "统计年度应在 2000 到 2100 之间。")
    elif org is not None and AnnualReturn.objects.filter(org=org, year=year).exists():
        errors.add("year", f"{org.name}已有 {year} 年度的统计年报。")
    errors.raise_if_any()


@transaction.atomic
def return_create(*, actor, org, year: int) -> AnnualReturn:
    if org is not None:
        _require_org(actor, org)
    return_validate(org=org, year=year)
    values, sources = snapshot(org, year)
    annual = AnnualReturn.objects.create(
        org=org, year=year, values=values, sources=sources, snapshot_at=timezone.now()
    )
    audit_record(
        action="created", user=actor, obj=annual, detail={"what": "annual_return", "year": year}
    )
    return annual


def _not_frozen(annual: AnnualReturn) -> None:
    if annual.status == ReturnStatus.SUBMITTED:
        raise ValidationFailed(FROZEN, fields={"__all__": [FROZEN]})


@transaction.atomic
def return_refresh(*, actor, annual: AnnualReturn) -> AnnualReturn:
    """Take the measures' figures again (entries by hand are kept)."""
    _require_org(actor, annual.org)
    annual = AnnualReturn.objects.select_for_update().get(pk=annual.pk)
    _not_frozen(annual)
    values, sources = snapshot(annual.org, annual.year)
    for code, source in sources.items():
        if source == "measure":
            annual.values[code] = values[code]
        elif annual.sources.get(code) == "measure":
            annual.values[code] = None
        annual.sources[code] = source
    annual.snapshot_at = timezone.now()
    annual.save(update_fields=["values", "sources", "snapshot_at", "updated_at"])
    audit_record(
        action="updated",
        user=actor,
        obj=annual,
        detail={"what": "annual_return", "year": annual.year},
    )
    return annual


def manual_validate(*, annual: AnnualReturn, entries: dict) -> dict:
    """Entries {item code: raw} checked; returns them parsed. Only items no measure counts."""
    errors = ErrorCollector()
    if annual.status == ReturnStatus.SUBMITTED:
        errors.add("__all__", FROZEN)
    parsed = {}
    for code, raw in entries.items():
        item = ITEM_BY_CODE.get(code)
        if item is None:
            continue
        if annual.sources.get(code) == "measure":
            errors.add(code, f"“{item.name}”由统计指标取数，不能手工填写。")
            continue
        if raw in (None, ""):
            parsed[code] = None
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            errors.add(code, f"“{item.name}”请填写数字。")
            continue
        if value < 0:
            errors.add(code, f"“{item.name}”不能为负数。")
        elif item.unit != "元" and value != value.to_integral_value():
            errors.add(code, f"“{item.name}”应为整数。")
        else:
            parsed[code] = _number(value)
    errors.raise_if_any()
    return parsed


@transaction.atomic
def return_manual_set(*, actor, annual: AnnualReturn, entries: dict) -> AnnualReturn:
    _require_org(actor, annual.org)
    annual = AnnualReturn.objects.select_for_update().get(pk=annual.pk)
    parsed = manual_validate(annual=annual, entries=entries)
    annual.values.update(parsed)
    annual.save(update_fields=["values", "updated_at"])
    audit_record(
        action="updated",
        user=actor,
        obj=annual,
        detail={
            "what": "annual_return",
            "year": annual.year,
            "return_items": ",".join(sorted(parsed)),
        },
    )
    return annual


@transaction.atomic
def return_submit(*, actor, annual: AnnualReturn, now: dt.datetime | None = None) -> AnnualReturn:
    """Submit and freeze: every item filled and every logic check passed."""
    _require_org(actor, annual.org)
    annual = AnnualReturn.objects.select_for_update().get(pk=annual.pk)
    _not_frozen(annual)
    errors = ErrorCollector()
    missing = [
        ITEM_BY_CODE[c].name for c, v in annual.values.items() if v is None and c in ITEM_BY_CODE
    ]
    if missing:
        errors.add("__all__", f"尚有 {len(missing)} 项未填写：{'、'.join(missing)}。")
    for failure in run_checks(annual.values):
        errors.add("__all__", failure.message)
    errors.raise_if_any("年报未通过审核，不能上报。")
    annual.status = ReturnStatus.SUBMITTED
    annual.submitted_at = now or timezone.now()
    annual.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    annual.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit_record(
        action="updated",
        user=actor,
        obj=annual,
        detail={"what": "annual_return", "status": [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED]},
    )
    return annual

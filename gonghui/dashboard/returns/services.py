"""Writes of the annual statistical return: create from a snapshot of the registry as of
09-30, refresh while in draft, enter the items no measure counts, submit (checks must pass);
a submitted return is frozen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from gonghui.audit.models import AuditAction
from gonghui.audit.services import audit_record
from gonghui.core import metrics
from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.dashboard.returns.items import (
    GRASSROOTS,
    ITEM_BY_CODE,
    items_for,
    reporting_period,
    run_checks,
)
from gonghui.dashboard.returns.models import AnnualReturn, ReturnStatus
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "plans"
COMPUTED = ("measure", "grassroots")  # sources no one types in
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


def _registered(code: str) -> bool:
    try:
        metrics.measure_get(code)
    except metrics.MetricError:
        return False
    return True


def _period(item, year: int) -> metrics.Period:
    start, end = reporting_period(year)
    return metrics.Period(start, end) if item.basis == "period" else metrics.Period.as_of(end)


def measured(orgs, year: int, items, *, within=None) -> dict[int, dict]:
    """{org id: {item code: value}} of the items a registered measure counts, for many orgs at
    once: one registry evaluation per measure (`within`, a common ancestor already loaded,
    makes the query one subtree instead of one per org), the counts over one table fused into
    one query (`metrics.evaluate_many`)."""
    ask = [within, *orgs] if within is not None else list(orgs)
    result: dict[int, dict] = {org.pk: {} for org in orgs}
    counted = [item for item in items if item.measure and _registered(item.measure)]
    answers = metrics.evaluate_many([(item.measure, ask, _period(item, year)) for item in counted])
    for item in counted:
        figures = answers[(item.measure, _period(item, year))]
        for org in orgs:
            result[org.pk][item.code] = _number(figures[org.pk].value)
    return result


def grassroots_totals(org, year: int) -> tuple[dict, int]:
    """({item code: sum}, how many) over the submitted 基层工会调查表 of the grassroots unions
    in the org's subtree: what the unions filled by hand, summed for the union above them."""
    rows = AnnualReturn.objects.filter(
        year=year,
        status=ReturnStatus.SUBMITTED,
        org__level=OrgLevel.GRASSROOTS,
        org__path__startswith=org.path,
    ).values_list("values", flat=True)
    totals: dict[str, int | float] = {}
    filed = 0
    for values in rows:
        filed += 1
        for code, value in values.items():
            if value is not None:
                totals[code] = totals.get(code, 0) + value
    return totals, filed


def snapshot(org, year: int) -> tuple[dict, dict]:
    """(values, sources) of the org's items (items_for) for its subtree: one registry
    evaluation per measure. Items no registered measure counts: on a union above the
    grassroots, a grassroots item is the sum of its grassroots unions' submitted tables
    ("grassroots") once any has been submitted; otherwise it is entered by hand ("manual",
    or "pending" while its measure's module has not landed)."""
    items = items_for(org)
    values, sources = {}, {}
    counted = measured([org], year, items)[org.pk]
    above = org.level < OrgLevel.GRASSROOTS
    totals, filed = grassroots_totals(org, year) if above else ({}, 0)
    for item in items:
        if item.code in counted:
            values[item.code], sources[item.code] = counted[item.code], "measure"
        elif above and filed and item.form == GRASSROOTS:
            values[item.code], sources[item.code] = totals.get(item.code, 0), "grassroots"
        else:
            values[item.code] = None
            sources[item.code] = "pending" if item.measure else "manual"
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
        if source in COMPUTED:
            annual.values[code] = values[code]
        elif annual.sources.get(code) in COMPUTED:
            annual.values[code] = None
        else:
            annual.values.setdefault(code, None)
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
        if annual.sources.get(code) == "grassroots":
            errors.add(code, f"“{item.name}”由各基层工会上报的调查表汇总，不能手工填写。")
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


@transaction.atomic
def returns_issue(*, actor, annual: AnnualReturn) -> int:
    """Issue the 基层工会调查表 to every grassroots union under the return's org that has none
    for the year: a draft each, pre-filled from the registry (one evaluation per measure for
    all of them), for the union to fill the rest and submit. Returns how many were issued."""
    _require_org(actor, annual.org)
    if annual.org.level >= OrgLevel.GRASSROOTS:
        raise ValidationFailed(
            "基层工会的年报无需下发。", fields={"__all__": ["基层工会的年报无需下发。"]}
        )
    orgs = list(
        Org.objects.filter(
            path__startswith=annual.org.path, level=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE
        )
        .exclude(pk__in=AnnualReturn.objects.filter(year=annual.year).values("org_id"))
        .only("pk", "path", "level", "anchor_id")
        .order_by("path")
    )
    if not orgs:
        return 0
    items = items_for(orgs[0])
    counted = measured(orgs, annual.year, items, within=annual.org)
    now = timezone.now()
    issued = []
    for org in orgs:
        values, sources = {}, {}
        for item in items:
            if item.code in counted[org.pk]:
                values[item.code], sources[item.code] = counted[org.pk][item.code], "measure"
            else:
                values[item.code] = None
                sources[item.code] = "pending" if item.measure else "manual"
        issued.append(
            AnnualReturn(
                org=org,
                org_anchor_id=org.anchor_id,
                year=annual.year,
                values=values,
                sources=sources,
                snapshot_at=now,
            )
        )
    AnnualReturn.objects.bulk_create(issued, batch_size=1000)
    audit_record(
        action="created",
        user=actor,
        obj=annual,
        detail={"what": "annual_return", "year": annual.year, "returns_issued": len(issued)},
    )
    return len(issued)


def return_export(*, actor, annual: AnnualReturn, rows, failures) -> bytes:
    """The return as the paper forms lay it out (returns/paper.py), audited as an export.
    The caller has checked the export scope."""
    from gonghui.dashboard.returns.paper import paper_workbook

    content, written = paper_workbook(annual, rows, failures)
    audit_record(
        action=AuditAction.EXPORTED,
        user=actor,
        org=getattr(actor, "org", None),
        detail={
            "what": "annual_return",
            "rows": written,
            "filters": {"annual_return": annual.pk},
            "masked": True,
        },
    )
    return content

"""Setting the county's 低保 standard and thresholds (the figures in force: selectors.py).

Setting is for the county's admins only (role `county_admin` held at the county federation
or above) and only appends: a new row takes effect from its date; older rows stay so any
past decision can be re-explained. The timeline only grows forward: a new row may not take
effect before the latest existing one (a same-day row supersedes it from then on).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from gonghui.assistance.category import (
    money,
    multiple,
)
from gonghui.assistance.models import AssistanceThresholds, LivingAllowanceStandard
from gonghui.assistance.standards.selectors import is_county_admin, thresholds_in_force
from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.orgs.models import Org, OrgLevel

MODULE = "assistance"
MAX_STANDARD = Decimal("100000")


# --- who may set them ---------------------------------------------------------------------


def _require_county_admin(actor, county: Org) -> None:
    if actor is None:
        return  # system (seeders, migrations)
    if not is_county_admin(actor, county):
        raise PermissionDenied("只有县总工会管理员可以设置低保标准和帮扶标准参数。")


def _check_forward(model, county: Org, effective_from: datetime.date, label: str) -> None:
    latest = model.objects.filter(org=county).order_by("-effective_from", "-id").first()
    if latest is not None and effective_from < latest.effective_from:
        raise ValidationFailed(
            f"{label}只能新增，执行日期不能早于已有的最近一条({latest.effective_from:%Y-%m-%d})；"
            "历史记录保留用于解释以往的认定。",
            fields={"effective_from": [f"不能早于 {latest.effective_from:%Y-%m-%d}。"]},
        )


def _decimal(value, field: str, label: str, errors: dict) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = [f"请填写{label}。"]
        return None
    if not number.is_finite():
        errors[field] = [f"请填写{label}。"]
        return None
    return number


@transaction.atomic
def standard_set(
    *,
    actor,
    county: Org,
    year: int,
    monthly_amount,
    effective_from: datetime.date,
    note: str = "",
) -> LivingAllowanceStandard:
    """Add the county's 低保 standard from a date (never overwrites an existing row)."""
    if county.level != OrgLevel.COUNTY:
        raise NotFound()
    _require_county_admin(actor, county)
    errors: dict[str, list[str]] = {}
    amount = _decimal(monthly_amount, "monthly_amount", "低保标准金额", errors)
    if amount is not None and not (Decimal(0) < amount <= MAX_STANDARD):
        errors["monthly_amount"] = ["低保标准应大于 0 且不超过 100,000 元/人·月。"]
    if amount is not None and amount != amount.quantize(Decimal("0.01")):
        errors["monthly_amount"] = ["低保标准最多保留两位小数。"]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = ["请填写正确的年度，如 2026。"]
    if not isinstance(effective_from, datetime.date):
        errors["effective_from"] = ["请填写执行日期。"]
    elif isinstance(year, int) and abs(effective_from.year - year) > 1:
        errors["effective_from"] = ["执行日期应在该年度前后。"]
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    _check_forward(LivingAllowanceStandard, county, effective_from, "低保标准")
    standard = LivingAllowanceStandard.objects.create(
        org=county,
        year=year,
        monthly_amount=amount,
        effective_from=effective_from,
        note=(note or "")[:200],
        set_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=county,
        obj=standard,
        detail={
            "what": "living_allowance_standard",
            "year": year,
            "monthly_amount": money(amount),
            "effective_from": effective_from.isoformat(),
        },
    )
    return standard


THRESHOLD_FIELDS = {
    "deep_multiplier": ("深度困难线倍数", Decimal("0.1"), Decimal("5")),
    "relative_multiplier": ("相对困难线倍数", Decimal("0.1"), Decimal("10")),
    "accidental_cost_share": ("意外致困支出比例", Decimal("0.1"), Decimal("5")),
    "near_line_margin": ("收入临界幅度", Decimal("0.01"), Decimal("1")),
    "spot_check_share": ("抽查比例", Decimal("0.30"), Decimal("1")),
}
THRESHOLD_INT_FIELDS = {
    "exit_months": ("脱困所需月数", 6, 60),
    "watch_years": ("脱困后监测年数", 1, 10),
    "review_interval_months": ("复核周期", 1, 12),
}


@transaction.atomic
def thresholds_set(
    *, actor, county: Org, effective_from: datetime.date, note: str = "", **values
) -> AssistanceThresholds:
    """Add the county's thresholds from a date. Unnamed values keep the ones in force.

    Floors follow DESIGN §4: spot checks at least 30%, exit after at least 6 months,
    re-checks at least yearly.
    """
    if county.level != OrgLevel.COUNTY:
        raise NotFound()
    _require_county_admin(actor, county)
    unknown = set(values) - set(THRESHOLD_FIELDS) - set(THRESHOLD_INT_FIELDS)
    if unknown:
        raise ValueError(f"unknown thresholds: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    if not isinstance(effective_from, datetime.date):
        raise ValidationFailed("请填写执行日期。", fields={"effective_from": ["请填写执行日期。"]})
    current = thresholds_in_force(county, effective_from)
    row = AssistanceThresholds(
        org=county,
        effective_from=effective_from,
        note=(note or "")[:200],
        set_by=actor if actor is not None and actor.is_authenticated else None,
    )
    for name in (*THRESHOLD_FIELDS, *THRESHOLD_INT_FIELDS):
        setattr(row, name, getattr(current, name))
    for name, (label, low, high) in THRESHOLD_FIELDS.items():
        if name not in values or values[name] in (None, ""):
            continue
        number = _decimal(values[name], name, label, errors)
        if number is None:
            continue
        if not low <= number <= high:
            errors[name] = [f"{label}应在 {multiple(low)} 到 {multiple(high)} 之间。"]
        elif number != number.quantize(Decimal("0.01")):
            errors[name] = [f"{label}最多保留两位小数。"]
        else:
            setattr(row, name, number)
    for name, (label, low, high) in THRESHOLD_INT_FIELDS.items():
        if name not in values or values[name] in (None, ""):
            continue
        try:
            number = int(values[name])
        except (TypeError, ValueError):
            errors[name] = [f"请填写{label}。"]
            continue
        if not low <= number <= high:
            errors[name] = [f"{label}应在 {low} 到 {high} 之间。"]
        else:
            setattr(row, name, number)
    if not errors and row.relative_multiplier < row.deep_multiplier:
        errors["relative_multiplier"] = ["相对困难线倍数不能低于深度困难线倍数。"]
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    _check_forward(AssistanceThresholds, county, effective_from, "帮扶标准参数")
    row.save()
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=county,
        obj=row,
        detail={
            "what": "assistance_thresholds",
            "effective_from": effective_from.isoformat(),
            "values": {
                name: str(getattr(row, name)) for name in (*THRESHOLD_FIELDS, *THRESHOLD_INT_FIELDS)
            },
        },
    )
    return row

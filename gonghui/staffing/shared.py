"""What the staffing sub-domains' services share: the module's permission code, the scope
check of a write, the changed-fields helper of an update, and the checks of an integer in a
range and of a score (0–100, two decimals)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from gonghui.core.errors import (
    NotFound,
    ValidationFailed,
)
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.staffing.appraisals import rules

MODULE = "staffing"


def require_scope(actor, org, action: str = Action.EDIT) -> None:
    """Out of scope looks like missing (the views answer 404 before this)."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def changed_fields(obj, values: dict) -> list[str]:
    changed = []
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.append(key)
    return changed


def int_in(value, field: str, label: str, low: int, high: int) -> int:
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


def score_value(value, field: str = "score", label: str = "评分") -> Decimal:
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

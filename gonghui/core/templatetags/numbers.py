"""Numbers as the site shows them everywhere: thousands separated, `1,234` (one filter for
every table, card and count; loaded into every template, see TEMPLATES in settings)."""

import re
from decimal import Decimal

from django import template

register = template.Library()

_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+\.\d+")


@register.filter(is_safe=True)
def num(value, places=None):
    """1234567 → "1,234,567"; 1234.5 → "1,234.5" (or `places` decimals: `|num:2` → "1,234.50").
    Text that is not a plain number (a percentage, "—", a name) is shown as it is."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _INTEGER.fullmatch(text):
            value = int(text)
        elif _DECIMAL.fullmatch(text):
            value = Decimal(text)
        else:
            return value
    if places not in (None, ""):
        try:
            return f"{value:,.{int(places)}f}"
        except (TypeError, ValueError):
            return value
    if isinstance(value, int | Decimal | float):
        return f"{value:,}"
    return value


_FIGURE = re.compile(r"-?[\d,]+(\.\d+)?%?")


@register.filter
def is_num(value) -> bool:
    """A figure (a count, an amount, a percentage): table cells align it to the right."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | Decimal | float):
        return True
    return isinstance(value, str) and bool(_FIGURE.fullmatch(value.strip()))

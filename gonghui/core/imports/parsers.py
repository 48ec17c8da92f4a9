"""Ready-made cell parsers for Column(parse=...). Each takes normalised, non-blank text and
returns the value or raises ValueError with a Chinese message (the pipeline prefixes the
column label)."""

import enum
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

_EXCEL_EPOCH = date(1899, 12, 30)


def _choice_key(text: str) -> str:
    return "".join(str(text).lower().split())


class TooLong(ValueError):
    """A cell longer than its field holds; the pipeline words it as
    字段“<列名>”过长，最多 N 字(当前 M 字), for every kind alike."""

    def __init__(self, max_length: int, length: int):
        super().__init__(f"过长，最多 {max_length} 字(当前 {length} 字)。")
        self.max_length, self.length = max_length, length


def too_long_message(label: str, max_length: int, length: int) -> str:
    return f"字段“{label}”过长，最多 {max_length} 字(当前 {length} 字)。"


def text(*, max_length: int | None = None, min_length: int = 0) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise TooLong(max_length, len(value))
        if len(value) < min_length:
            raise ValueError(f"至少 {min_length} 个字。")
        return value

    return parse


def compact(
    *, max_length: int | None = None, upper: bool = False, separators: str = " -"
) -> Callable[[str], str]:
    """Codes and numbers: the separators (spaces and dashes by default) removed."""

    def parse(value: str) -> str:
        for separator in separators:
            value = value.replace(separator, "")
        if upper:
            value = value.upper()
        if max_length is not None and len(value) > max_length:
            raise TooLong(max_length, len(value))
        return value

    return parse


# Union org codes (组织编码): spaces removed, dashes kept; the column every import
# uses to name a union.
org_code = compact(max_length=32, separators=" ")


def choice(
    choices: Iterable[tuple[Any, str]],  # (value, label) pairs, e.g. TextChoices.choices
    *,
    aliases: dict[str, Any] | None = None,
    accept_values: bool = True,
) -> Callable[[str], Any]:
    """Match a label (or the stored value, or an alias), ignoring case and spaces."""
    pairs = list(choices)
    table: dict[str, Any] = {}
    for value, label in pairs:
        table[_choice_key(label)] = value
        if accept_values:
            table[_choice_key(value)] = value
    for alias, value in (aliases or {}).items():
        # Plain values, not enum members: parsed rows are pickled for the commit pass.
        table[_choice_key(alias)] = value.value if isinstance(value, enum.Enum) else value
    allowed = "、".join(str(label) for _, label in pairs)

    def parse(value: str):
        hit = table.get(value)
        if hit is not None:
            return hit
        try:
            return table[_choice_key(value)]
        except KeyError:
            raise ValueError(f"“{value}”不是可选的值，可填：{allowed}。") from None

    return parse


_TRUE = {"是", "有", "已建", "已建会", "已建立", "y", "yes", "true", "1", "√", "✓", "对"}
_FALSE = {"否", "无", "未建", "未建会", "没有", "未建立", "n", "no", "false", "0", "×", "✗", "不是"}


def boolean() -> Callable[[str], bool]:
    def parse(value: str) -> bool:
        key = value if value in _TRUE or value in _FALSE else _choice_key(value)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValueError(f"请填写“是”或“否”(当前为“{value}”)。")

    return parse


_INT_RE = re.compile(r"^[+]?\d+(\.0+)?$")


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """Whole numbers; tolerates thousands separators and a trailing 人/个/名."""

    def parse(value: str) -> int:
        if value.isdigit() and value.isascii():
            number = int(value)
            if (minimum is None or number >= minimum) and (maximum is None or number <= maximum):
                return number
        cleaned = value.replace(",", "").replace(" ", "").rstrip("人个名户家")
        if not _INT_RE.match(cleaned):
            raise ValueError(f"应为整数(当前为“{value}”)。")
        number = int(cleaned.split(".")[0])
        if minimum is not None and number < minimum:
            raise ValueError(f"不能小于 {minimum}(当前为 {number})。")
        if maximum is not None and number > maximum:
            raise ValueError(f"不能大于 {maximum}(当前为 {number})。")
        return number

    return parse


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def date_value() -> Callable[[str], date]:
    """2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日, 20240131, or an Excel serial number."""

    def parse(value: str) -> date:
        text_value = value.split(" ")[0]
        match = _DATE_RE.match(text_value)
        try:
            if match:
                return date(int(match[1]), int(match[2]), int(match[3]))
            if len(text_value) == 8 and text_value.isdigit():
                return datetime.strptime(text_value, "%Y%m%d").date()
            if text_value.isdigit() and 1 <= int(text_value) < 80000:
                return _EXCEL_EPOCH + timedelta(days=int(text_value))
        except ValueError:
            pass
        raise ValueError(f"日期格式不正确(当前为“{value}”)，请填写如 2024-01-31。")

    return parse


def phone() -> Callable[[str], str]:
    """Mobile or landline: 7–12 digits after removing spaces, dashes and brackets."""

    def parse(value: str) -> str:
        digits = value.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
        if not (digits.isdigit() and 7 <= len(digits) <= 12):
            raise ValueError("格式不正确(应为 7–12 位数字)。")
        return digits

    return parse


__all__ = [
    "TooLong",
    "boolean",
    "choice",
    "compact",
    "date_value",
    "integer",
    "phone",
    "text",
    "too_long_message",
]

"""Cell values to clean text, the same result as gonghui.core.text.normalise_text but fast.

A million-row import normalises ~10 million cells, so the common cases take a short path:
ASCII text needs no NFKC (it is already normal), and only whitespace needs collapsing.
`tests/test_normalise.py` checks the fast path gives exactly normalise_text's answer.
"""

import unicodedata
from datetime import date, datetime, time, timedelta

from gonghui.core.text import normalise_text

__all__ = ["cell_text", "header_key", "normalise_text", "str_text"]

# Characters normalise_text turns into spaces that str.split() does not already treat as space.
_nfkc = unicodedata.normalize
_INVISIBLE = str.maketrans({"\u200b": " ", "\ufeff": " "})


def str_text(value: str) -> str:
    """cell_text for a non-empty str (the hot path of the pipeline)."""
    if value.isascii():
        # Printable ASCII without leading, trailing or doubled spaces is already clean.
        if value.isprintable() and value[0] != " " and value[-1] != " " and "  " not in value:
            return value
        return " ".join(value.split())
    text = _nfkc("NFKC", value)
    if "\u200b" in text or "\ufeff" in text:
        text = text.translate(_INVISIBLE)
    if text.isprintable() and text[0] != " " and text[-1] != " " and "  " not in text:
        return text
    return " ".join(text.split())


def cell_text(value) -> str:
    """One spreadsheet or CSV cell as normalised text.

    Numbers that are whole print without ".0" (Excel stores 13800001234 as a float);
    dates print as ISO dates; booleans as 是/否.
    """
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return str_text(value) if value else ""
    if kind is float:
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if kind is int:
        return str(value)
    if kind is bool:
        return "是" if value else "否"
    if kind is datetime:
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if kind is date or kind is time:
        return value.isoformat()
    if kind is timedelta:
        return str(value)
    return normalise_text(value)


def header_key(value) -> str:
    """A header cell reduced for matching: no spaces, no required-marks, no notes in brackets.

    "＊组织名称（必填）" → "组织名称"; "联系 电话:" → "联系电话".
    """
    text = cell_text(value).lower()
    for mark in ("*", "★", "☆", ":", "："):
        text = text.replace(mark, "")
    # Drop a trailing note in brackets: 组织名称(全称), 职工人数(人).
    for opening, closing in (("(", ")"), ("[", "]"), ("【", "】"), ("<", ">")):
        if text.endswith(closing) and opening in text:
            stripped = text[: text.rindex(opening)]
            if stripped.strip():
                text = stripped
    return "".join(text.split())

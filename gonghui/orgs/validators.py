"""Identifier checks for orgs and employers."""

import re

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from gonghui.core.text import normalise_text

_DIVISION_RE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


def credit_code_clean(value: str) -> str:
    """Normalise and validate a unified social credit code; raise ValueError in Chinese."""
    compact = normalise_text(value).replace(" ", "").replace("-", "").upper()
    if not compact:
        raise ValueError("请填写统一社会信用代码。")
    if len(compact) != 18:
        raise ValueError(f"统一社会信用代码应为 18 位，当前为 {len(compact)} 位。")
    try:
        return uscc.validate(compact)
    except StdnumError as exc:
        if "checksum" in type(exc).__name__.lower():
            raise ValueError("统一社会信用代码校验位不正确，请核对。") from exc
        raise ValueError("统一社会信用代码格式不正确。") from exc


def division_code_clean(value: str) -> str:
    compact = normalise_text(value).replace(" ", "")
    if compact and not _DIVISION_RE.match(compact):
        raise ValueError("行政区划代码应为 6 位(县级)、9 位(乡镇级)或 12 位(村级)数字。")
    return compact


# Company-form suffixes a roster may add, drop or vary (longest first); a name that is only
# a suffix keeps it.
_NAME_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")
# Brackets of every width and style (the text inside them stays) and the separators people
# put into names (·, dots, dashes, quotes); all whitespace goes too.
_NAME_DROPPED = str.maketrans("", "", "()[]{}<>【】〔〕〈〉《》「」『』﹝﹞·•・.,，、-—_'\"“”‘’")


def enterprise_name_key(name: str) -> str:
    """An employer's name reduced for matching what rosters write for it.

    Full-width forms folded (NFKC), whitespace, brackets and separators removed, Latin
    letters lowercased, and the company-form suffix (有限公司, 有限责任公司, 股份有限公司,
    公司) dropped: "青禾（杭州）电子科技 有限责任公司" and "青禾(杭州)电子科技有限公司" both
    give "青禾杭州电子科技". Names that differ only in those respects are taken for the same
    employer; anything else (short names, old names) is not guessed at.
    """
    text = "".join(normalise_text(name).split()).translate(_NAME_DROPPED).casefold()
    for suffix in _NAME_SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)] if len(text) > len(suffix) else text
    return text

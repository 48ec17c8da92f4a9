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

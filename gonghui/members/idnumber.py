"""Resident identity numbers (GB 11643, 公民身份号码) and mainland mobile numbers (DESIGN §3).

`id_number_clean` turns what people type or paste into the canonical 18-character form:
full-width digits and spaces are folded (normalise_text), a lowercase x becomes X, and a
15-digit legacy number (pre-1999 cards: 6-digit area + YYMMDD + 3-digit sequence) is upgraded
by inserting "19" and computing the check digit. The check digit and the birth date are
verified with python-stdnum `cn.ric`; the area must be a known province code. We do not
insist on the exact county being in stdnum's table: counties are renamed and merged, and a
real person must never be refused for it.
"""

import datetime
import re
import time
from dataclasses import dataclass

from stdnum.cn import ric

from gonghui.core.text import normalise_text

# GB/T 2260 province-level codes (the first two digits).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
    " 71 81 82".split()
)
_SEPARATORS = re.compile(r"[\s\-]")
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)


def mod_11_2_check(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a digit string (ID and member card numbers).

    stdnum's mod_11_2.calc_check_digit in one step: 13 ≡ 2 (mod 11), so int(body, 13) is the
    weighted sum; imports check and issue up to a million numbers."""
    checksum = (1 - 2 * int(body, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


class IdNumberError(ValueError):
    """A message in Chinese for the person who typed the number."""


@dataclass(frozen=True)
class IdInfo:
    number: str  # canonical 18 characters
    birth_date: datetime.date
    gender: str  # "male" / "female" (Gender values)
    upgraded: bool  # True when a 15-digit legacy number was given


def id_number_normalise(value) -> str:
    """Fold full-width characters and separators, upper-case the x; no validation."""
    return _SEPARATORS.sub("", normalise_text(value)).upper()


def id_upgrade_15(number15: str) -> str:
    """A 15-digit legacy number as 18 digits: insert the century "19", append the check digit."""
    body = number15[:6] + "19" + number15[6:]
    return body + ric.calc_check_digit(body + "0")


def _id_number_fast(value, today: datetime.date) -> IdInfo | None:
    """id_number_clean for the common case: a clean ASCII 18-character number that is valid.

    Imports check up to a million numbers; normalise_text and stdnum's generic helpers
    dominate that time. Returns None for anything else (including every invalid number), so
    the full path below decides and words the error; tests/test_idnumber checks both agree.
    """
    if value.__class__ is not str or len(value) != 18 or not value.isascii():
        return None
    body = value[:17]
    if not body.isdigit():
        return None
    last = value[17]
    if last == "x":
        last = "X"
    elif not (last.isdigit() or last == "X"):
        return None
    if body[:2] not in PROVINCE_CODES:
        return None
    try:
        birth = datetime.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return None
    if birth > today or birth < _EARLIEST_BIRTH:
        return None
    if last != mod_11_2_check(body):
        return None
    gender = "male" if int(body[16]) % 2 == 1 else "female"
    return IdInfo(number=body + last, birth_date=birth, gender=gender, upgraded=False)


_today_memo: tuple[int, datetime.date] = (-1, datetime.date.min)


def _today() -> datetime.date:
    """date.today(), asked at most once a second: an import checks up to a million numbers,
    and the local-time conversion behind date.today() costs more than the check itself."""
    global _today_memo
    second = int(time.time())
    if _today_memo[0] != second:
        _today_memo = (second, datetime.date.today())
    return _today_memo[1]


def id_number_clean(value, *, today: datetime.date | None = None) -> IdInfo:
    """Validate and canonicalise an ID number; raises IdNumberError with a Chinese message."""
    today = today or _today()
    fast = _id_number_fast(value, today)
    if fast is not None:
        return fast
    number = id_number_normalise(value)
    if not number:
        raise IdNumberError("请填写身份证号。")
    upgraded = False
    if len(number) == 15:
        if not number.isdigit():
            raise IdNumberError("15 位身份证号应全部为数字。")
        number, upgraded = id_upgrade_15(number), True
    if len(number) != 18:
        raise IdNumberError(f"身份证号应为 18 位(当前 {len(number)} 位)。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError("身份证号前 17 位应为数字，最后一位为数字或 X。")
    if number[:2] not in PROVINCE_CODES:
        raise IdNumberError("身份证号前 6 位不是有效的行政区划代码。")
    try:
        birth = ric.get_birth_date(number)
    except Exception as exc:  # stdnum raises InvalidComponent for impossible dates
        raise IdNumberError("身份证号中的出生日期不存在。") from exc
    if birth > today or birth < _EARLIEST_BIRTH:
        raise IdNumberError("身份证号中的出生日期不合理。")
    if number[17] != ric.calc_check_digit(number):
        raise IdNumberError("身份证号校验位不正确，请核对后重新输入。")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdInfo(number=number, birth_date=birth, gender=gender, upgraded=upgraded)


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def phone_clean(value) -> str:
    """A mainland mobile number as 11 digits ("" for none); raises IdNumberError-like ValueError.

    Accepts full-width digits, spaces and dashes, and a +86 / 0086 / 86 prefix.
    """
    if value.__class__ is str and len(value) == 11 and value.isascii() and _MOBILE.match(value):
        return value  # already clean: the usual cell of an import (skips NFKC folding)
    phone = _SEPARATORS.sub("", normalise_text(value))
    if not phone:
        return ""
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    if len(phone) == 13 and phone.startswith("86"):
        phone = phone[2:]
    if not _MOBILE.match(phone):
        raise ValueError("手机号码应为 11 位中国大陆手机号，如 13800001234。")
    return phone

"""Opening hours: validation of the weekly JSON and the open-now test (Asia/Shanghai).

Format (ServiceSite.opening_hours): {"mon": [["08:00", "18:00"]], ..., "sun": []}. A range
whose close is earlier than its open runs past midnight into the next day; "24:00" as a close
means midnight at the end of that day.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from gonghui.sites.models import WEEKDAY_LABELS, WEEKDAYS

SHANGHAI = ZoneInfo("Asia/Shanghai")
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
MAX_RANGES_PER_DAY = 4


class HoursError(ValueError):
    pass


def _minutes(text: str, *, is_close: bool) -> int:
    match = _TIME.match(str(text).strip().replace("：", ":"))
    if not match:
        raise HoursError(f"时间“{text}”格式不正确，应为 HH:MM，如 08:30。")
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > 24 * 60 or (minutes == 24 * 60 and not is_close):
        raise HoursError(f"时间“{text}”超出范围(00:00–24:00)。")
    return minutes


def _text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_clean(value) -> dict[str, list[list[str]]]:
    """Normalise the weekly hours (every weekday key present, "HH:MM" strings, sorted ranges).

    Raises HoursError with a Chinese message naming the day.
    """
    if value in (None, ""):
        value = {}
    if not isinstance(value, dict):
        raise HoursError("开放时间格式不正确。")
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise HoursError(f"开放时间中有未知的星期：{'、'.join(sorted(map(str, unknown)))}。")
    cleaned: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        ranges = value.get(day) or []
        if not isinstance(ranges, list | tuple) or len(ranges) > MAX_RANGES_PER_DAY:
            raise HoursError(f"{WEEKDAY_LABELS[day]}的开放时间格式不正确(每天最多 4 段)。")
        parsed = []
        for item in ranges:
            if not isinstance(item, list | tuple) or len(item) != 2:
                raise HoursError(f"{WEEKDAY_LABELS[day]}的开放时间应为“开始—结束”。")
            try:
                start = _minutes(item[0], is_close=False)
                end = _minutes(item[1], is_close=True)
            except HoursError as exc:
                raise HoursError(f"{WEEKDAY_LABELS[day]}：{exc}") from exc
            if start == end:
                raise HoursError(
                    f"{WEEKDAY_LABELS[day]}：开始和结束时间不能相同；全天开放请填 00:00—24:00。"
                )
            parsed.append((start, end))
        parsed.sort()
        cleaned[day] = [[_text(s), _text(e)] for s, e in parsed]
    return cleaned


def _ranges(hours: dict, day: str) -> list[tuple[int, int]]:
    out = []
    for start, end in hours.get(day) or []:
        try:
            out.append((_minutes(start, is_close=False), _minutes(end, is_close=True)))
        except HoursError:
            continue  # stored hours are validated; never let one bad value break a page
    return out


def hours_open_at(hours: dict, is_24h: bool, at: datetime.datetime) -> bool:
    """True when the weekly hours are open at `at` (aware; naive means Asia/Shanghai)."""
    if is_24h:
        return True
    local = at.replace(tzinfo=SHANGHAI) if at.tzinfo is None else at.astimezone(SHANGHAI)
    now = local.hour * 60 + local.minute
    today = WEEKDAYS[local.weekday()]
    yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
    for start, end in _ranges(hours, today):
        if start < end:
            if start <= now < end:
                return True
        elif now >= start:  # overnight range, the evening part
            return True
    return any(end < start and now < end for start, end in _ranges(hours, yesterday))

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


# --- text form: staff forms ("08:00-12:00,14:00-18:00" per day) and spreadsheets ----------

_DAY_NAMES = {
    "一": "mon",
    "二": "tue",
    "三": "wed",
    "四": "thu",
    "五": "fri",
    "六": "sat",
    "日": "sun",
    "天": "sun",
    "七": "sun",
}
_DAY_GROUPS = {
    "每天": WEEKDAYS,
    "每日": WEEKDAYS,
    "全周": WEEKDAYS,
    "工作日": WEEKDAYS[:5],
    "周末": WEEKDAYS[5:],
}
_CLOSED_WORDS = {"休息", "不开放", "闭馆", "关闭", "无", "-", "—"}
_RANGE_SPLIT = re.compile(r"[,，、;；\s]+")
_DASHES = re.compile(r"\s*[-–—~～至到]\s*")
_SEGMENT_SPLIT = re.compile(r"[;；\n]+")
_DAY_SPEC = re.compile(
    r"^((?:每天|每日|全周|工作日|周末|(?:周|星期)[一二三四五六日天七]"
    r"(?:\s*[-–—~～至到、,，]\s*(?:周|星期)?[一二三四五六日天七])*))[:：\s]*"
)


def hours_day_parse(text: str) -> list[list[str]]:
    """One day's ranges from "08:00-12:00,14:00-18:00" ("" or 休息 = closed that day).

    Only the shape is parsed here; hours_clean checks the times. Raises HoursError."""
    text = (text or "").strip().replace("：", ":")
    if not text or text in _CLOSED_WORDS:
        return []
    ranges = []
    for part in _RANGE_SPLIT.split(text):
        if not part:
            continue
        bounds = _DASHES.split(part)
        if len(bounds) != 2 or not all(bounds):
            raise HoursError(f"“{part}”格式不正确，应为“开始-结束”，如 08:00-12:00。")
        ranges.append([bounds[0], bounds[1]])
    return ranges


def hours_day_text(ranges) -> str:
    return ",".join(f"{start}-{end}" for start, end in ranges or [])


def _days(spec: str) -> list[str]:
    if spec in _DAY_GROUPS:
        return list(_DAY_GROUPS[spec])
    days: list[str] = []
    parts = re.split(r"([-–—~～至到])", spec.replace("星期", "周"))
    names = [p for p in re.split(r"[-–—~～至到、,，\s]+", spec.replace("星期", "周")) if p]
    if len(parts) == 3 and len(names) == 2:  # a span: 周一至周五
        first = WEEKDAYS.index(_DAY_NAMES[names[0][-1]])
        last = WEEKDAYS.index(_DAY_NAMES[names[1][-1]])
        if last < first:
            raise HoursError(f"星期范围“{spec}”不正确。")
        return list(WEEKDAYS[first : last + 1])
    for name in names:
        days.append(_DAY_NAMES[name[-1]])
    return days


def hours_week_parse(text: str) -> dict[str, list[list[str]]]:
    """A week from text: "周一至周五 08:00-12:00,14:00-18:00；周六 09:00-12:00；周日 休息".

    A segment without days applies to every day ("08:00-18:00"); days not named are
    closed. Raises HoursError with a Chinese message."""
    week: dict[str, list[list[str]]] = {day: [] for day in WEEKDAYS}
    text = (text or "").strip()
    if not text:
        return week
    for segment in _SEGMENT_SPLIT.split(text):
        segment = segment.strip()
        if not segment:
            continue
        match = _DAY_SPEC.match(segment)
        days = _days(match.group(1)) if match else list(WEEKDAYS)
        ranges = hours_day_parse(segment[match.end() :] if match else segment)
        for day in days:
            week[day] = ranges
    return week


def hours_week_text(hours: dict) -> str:
    """The week as text hours_week_parse reads back: runs of days with the same hours."""
    hours = hours or {}
    texts = [hours_day_text(hours.get(day)) for day in WEEKDAYS]
    if all(t == texts[0] for t in texts):
        return texts[0] and f"每天 {texts[0]}"
    segments, start = [], 0
    for i in range(1, len(WEEKDAYS) + 1):
        if i == len(WEEKDAYS) or texts[i] != texts[start]:
            if texts[start]:
                label = WEEKDAY_LABELS[WEEKDAYS[start]]
                if i - 1 > start:
                    label += "至" + WEEKDAY_LABELS[WEEKDAYS[i - 1]]
                segments.append(f"{label} {texts[start]}")
            start = i
    return "；".join(segments)

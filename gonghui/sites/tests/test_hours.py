"""Opening hours: validation and the open-now test (weekdays, 24 h, overnight, Asia/Shanghai)."""

import datetime

import pytest

from gonghui.sites.hours import SHANGHAI, HoursError, hours_clean, hours_open_at
from gonghui.sites.models import ServiceSite, SiteStatus
from gonghui.sites.selectors import site_is_open_now

MON = datetime.date(2026, 3, 2)  # a Monday


def at(day_offset: int, hhmm: str) -> datetime.datetime:
    hour, minute = map(int, hhmm.split(":"))
    day = MON + datetime.timedelta(days=day_offset)
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


WEEKDAYS_9_TO_5 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(0, "08:59"), False),
        (at(0, "09:00"), True),  # opening minute is open
        (at(0, "16:59"), True),
        (at(0, "17:00"), False),  # closing minute is closed
        (at(5, "10:00"), False),  # Saturday
    ],
)
def test_weekday_hours(when, expected):
    assert hours_open_at(WEEKDAYS_9_TO_5, False, when) is expected


def test_overnight_range_runs_into_the_next_morning():
    hours = {"fri": [["22:00", "06:00"]]}
    assert hours_open_at(hours, False, at(4, "23:30"))  # Friday night
    assert hours_open_at(hours, False, at(5, "05:59"))  # Saturday early morning
    assert not hours_open_at(hours, False, at(5, "06:00"))
    assert not hours_open_at(hours, False, at(4, "05:00"))  # Friday early: Thursday had none
    assert not hours_open_at(hours, False, at(5, "23:00"))


def test_sunday_overnight_wraps_to_monday():
    hours = {"sun": [["20:00", "02:00"]]}
    assert hours_open_at(hours, False, at(7, "01:00"))  # the next Monday
    assert not hours_open_at(hours, False, at(0, "03:00"))


def test_24_00_closes_at_midnight_and_split_days_work():
    hours = {"mon": [["08:00", "12:00"], ["18:00", "24:00"]]}
    assert hours_open_at(hours, False, at(0, "23:59"))
    assert not hours_open_at(hours, False, at(1, "00:00"))
    assert not hours_open_at(hours, False, at(0, "13:00"))


def test_times_are_read_in_shanghai_time():
    utc_1am = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Shanghai
    assert hours_open_at(WEEKDAYS_9_TO_5, False, utc_1am)
    assert hours_open_at(WEEKDAYS_9_TO_5, False, datetime.datetime(2026, 3, 2, 9, 30))  # naive


def test_24h_flag_and_status_decide_first():
    site = ServiceSite(opening_hours={}, is_24h=True, status=SiteStatus.OPEN)
    assert site_is_open_now(site, at(6, "03:00"))
    site.status = SiteStatus.SUSPENDED
    assert not site_is_open_now(site, at(6, "03:00"))


def test_hours_clean_normalises_and_fills_every_day():
    cleaned = hours_clean(
        {"mon": [["9:00", "17:00"], ["07:00", "08:00"]], "sun": [["22:00", "06:00"]]}
    )
    assert cleaned["mon"] == [["07:00", "08:00"], ["09:00", "17:00"]]
    assert cleaned["sun"] == [["22:00", "06:00"]]
    assert cleaned["tue"] == []
    assert set(cleaned) == {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"monday": []}, "未知的星期"),
        ({"mon": [["25:00", "26:00"]]}, "周一"),
        ({"mon": [["08:00", "08:00"]]}, "不能相同"),
        ({"mon": [["24:00", "08:00"]]}, "超出范围"),
        ({"mon": [["0800", "1700"]]}, "格式不正确"),
        ({"mon": [["08:00"]]}, "开始—结束"),
        ([1, 2], "格式不正确"),
    ],
)
def test_hours_clean_refuses_bad_values(value, message):
    with pytest.raises(HoursError) as caught:
        hours_clean(value)
    assert message in str(caught.value)

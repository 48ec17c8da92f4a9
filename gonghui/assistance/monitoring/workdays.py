"""Deadlines in Chinese working days (法定节假日 and 调休 from the chinese-calendar package).

chinese-calendar knows the State Council's holiday notices year by year; for a year it
does not know yet (the notice comes out each November) a day counts as a working day when
it is Monday to Friday, so a deadline is never lost, only possibly a day early.
"""

import datetime

import chinese_calendar


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    left = max(int(days), 0)
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day

"""Days as the law and the office count them (法定节假日 and 调休 from chinese-calendar).

Two counts, one calendar:

- `working_days_after(start, n)`: staff deadlines (an alert's, a to-do's) in working days;
- `legal_period_end(event, n)`: a period of n days set by law or by a letter (the 20-day reply
  to a bargaining offer, the 10-day filing of a collective contract, the labour department's
  15-day review, a 15-day self-correction), counted as 民法典 Art. 201 and 203 count it: the
  day of the event is not counted, the period starts the day after; when its last day is a
  rest day or a statutory holiday, the period ends on the next working day. Make-up working
  days (调休上班, a Saturday or Sunday worked) are working days.

chinese-calendar knows the State Council's holiday notices year by year; for a year it does
not know yet (the notice comes out each November) a day counts as a working day when it is
Monday to Friday, so a deadline is never lost, only possibly a day early.
"""

import datetime

import chinese_calendar


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    left = max(int(days), 0)
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def legal_period_end(event: datetime.date, days: int) -> datetime.date:
    """The last day of a legal period of `days` days that starts with `event`
    (民法典 Art. 201: counted from the next day; Art. 203: a last day that is a rest day or
    holiday moves to the next working day). Acts done on or before it are in time."""
    return next_working_day(event + datetime.timedelta(days=max(int(days), 0)))

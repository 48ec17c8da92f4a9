"""Legal periods (民法典 Art. 201, 203) and working-day deadlines over the 2026 national
holidays of chinese-calendar (with their make-up working days)."""

from datetime import date as D

import pytest

from gonghui.core.workdays import (
    is_working_day,
    legal_period_end,
    next_working_day,
    working_days_after,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 14), True),  # Saturday worked for the Spring Festival (调休)
        (D(2026, 2, 16), False),  # Spring Festival
        (D(2026, 2, 23), False),  # the last day of the Spring Festival break (a Monday)
        (D(2026, 2, 28), True),  # Saturday worked
        (D(2026, 4, 6), False),  # Qingming (a Monday)
        (D(2026, 5, 5), False),  # Labour Day break
        (D(2026, 5, 9), True),  # Saturday worked
        (D(2026, 6, 19), False),  # Dragon Boat (a Friday)
        (D(2026, 9, 20), True),  # Sunday worked before Mid-Autumn
        (D(2026, 9, 25), False),  # Mid-Autumn
        (D(2026, 10, 7), False),  # National Day
        (D(2026, 10, 10), True),  # Saturday worked
        (D(2026, 3, 14), False),  # an ordinary Saturday
    ],
)
def test_the_2026_calendar(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("event", "days", "end"),
    [
        # counted from the next day: day 20 of a reply to an offer made on a Tuesday
        (D(2026, 3, 3), 20, D(2026, 3, 23)),  # day 20 is a Monday: ends that day
        (D(2026, 3, 2), 20, D(2026, 3, 23)),  # day 20 is a Sunday: the next working day
        (D(2026, 3, 4), 10, D(2026, 3, 16)),  # day 10 a Saturday → Monday
        # Spring Festival: day 10 on the holiday → the first working day after the break
        (D(2026, 2, 5), 10, D(2026, 2, 24)),
        (D(2026, 1, 27), 20, D(2026, 2, 24)),
        (D(2026, 2, 4), 10, D(2026, 2, 14)),  # day 10 is a make-up Saturday: a working day
        (D(2026, 3, 26), 10, D(2026, 4, 7)),  # Qingming (4–6 April)
        (D(2026, 4, 16), 15, D(2026, 5, 6)),  # Labour Day (1–5 May)
        (D(2026, 4, 24), 15, D(2026, 5, 9)),  # ends on the make-up Saturday
        (D(2026, 6, 9), 10, D(2026, 6, 22)),  # Dragon Boat (19–21 June)
        (D(2026, 9, 5), 15, D(2026, 9, 20)),  # the make-up Sunday before Mid-Autumn
        (D(2026, 9, 10), 15, D(2026, 9, 28)),  # Mid-Autumn (25–27 September)
        (D(2026, 9, 11), 20, D(2026, 10, 8)),  # National Day (1–7 October)
        (D(2026, 9, 20), 20, D(2026, 10, 10)),  # the make-up Saturday after it
        (D(2026, 12, 28), 15, D(2027, 1, 12)),  # into a year the calendar does not know yet
    ],
)
def test_legal_periods_count_from_the_next_day_and_move_off_rest_days(event, days, end):
    assert legal_period_end(event, days) == end


def test_an_act_on_the_last_day_is_in_time_and_the_day_after_is_late():
    # a filing within 10 days of signing on 5 February 2026 (the 15th is in the break)
    last = legal_period_end(D(2026, 2, 5), 10)
    assert last == D(2026, 2, 24)
    assert D(2026, 2, 24) <= last < D(2026, 2, 25)


def test_next_working_day_and_working_day_deadlines_share_the_calendar():
    assert next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert next_working_day(D(2026, 10, 9)) == D(2026, 10, 9)
    # staff to-dos: working days, the make-up days counted
    assert working_days_after(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert working_days_after(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert working_days_after(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert working_days_after(D(2026, 4, 30), 5) == D(2026, 5, 11)  # 6, 7, 8, 9 (Sat), 11

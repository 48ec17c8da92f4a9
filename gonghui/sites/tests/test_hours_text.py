"""Opening hours as text (staff form inputs and the spreadsheet column) and back."""

import pytest

from gonghui.sites.hours import (
    HoursError,
    hours_clean,
    hours_day_parse,
    hours_week_parse,
    hours_week_text,
)


@pytest.mark.parametrize(
    ("text", "monday", "sunday"),
    [
        ("08:00-18:00", [["08:00", "18:00"]], [["08:00", "18:00"]]),
        ("周一至周五 08:00-12:00,14:00-18:00；周六 09:00-12:00", [["08:00", "12:00"], ["14:00", "18:00"]], []),
        ("工作日 9:00-17:00", [["09:00", "17:00"]], []),
        ("星期一-星期三 08:00～10:00; 周日 22:00-06:00", [["08:00", "10:00"]], [["22:00", "06:00"]]),
        ("每天 00:00-24:00", [["00:00", "24:00"]], [["00:00", "24:00"]]),
        ("", [], []),
    ],
)  # fmt: skip
def test_week_text_parses_and_reads_back_the_same(text, monday, sunday):
    week = hours_clean(hours_week_parse(text))
    assert (week["mon"], week["sun"]) == (monday, sunday)
    assert hours_clean(hours_week_parse(hours_week_text(week))) == week


def test_week_text_groups_runs_of_equal_days():
    week = hours_clean({d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    assert hours_week_text(week) == "周一至周五 08:00-18:00"


@pytest.mark.parametrize("text", ["8点", "08:00", "08:00-"])
def test_a_day_that_is_not_start_dash_end_is_refused(text):
    with pytest.raises(HoursError, match="开始-结束"):
        hours_day_parse(text)


def test_a_blank_day_or_rest_word_is_closed():
    assert hours_day_parse("") == [] and hours_day_parse("休息") == []

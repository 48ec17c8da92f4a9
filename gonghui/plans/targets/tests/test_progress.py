"""Pace maths of a target: elapsed share of the period, reached share, the rule's bands."""

import datetime as dt
from decimal import Decimal

from gonghui.plans.targets.progress import Pace, elapsed_share, progress

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _count(actual, value, as_of, comparator="gte"):
    return progress(
        actual=actual,
        target_value=Decimal(value),
        comparator=comparator,
        is_rate=False,
        starts_on=START,
        deadline=END,
        as_of=as_of,
    )


def test_elapsed_share_counts_whole_days_and_is_bounded():
    assert elapsed_share(START, END, dt.date(2025, 12, 31)) == 0
    assert elapsed_share(START, END, START) == Decimal("0.3")  # 1 of 365 days
    assert elapsed_share(START, END, dt.date(2026, 7, 2)) == Decimal("50.1")  # 183/365
    assert elapsed_share(START, END, END) == 100
    assert elapsed_share(START, END, dt.date(2027, 3, 1)) == 100


def test_a_count_ahead_of_the_calendar_is_on_track_and_done_at_its_value():
    mid = dt.date(2026, 7, 2)  # 50.1% of the year
    assert _count(151, 300, mid).pace == Pace.ON_TRACK  # 50.3%
    assert _count(151, 300, mid).reached == Decimal("50.3")
    assert _count(300, 300, mid).pace == Pace.DONE
    assert _count(420, 300, mid).reached == Decimal("140.0")


def test_a_count_behind_by_up_to_fifteen_points_is_behind_then_at_risk():
    mid = dt.date(2026, 7, 2)  # 50.1
    assert _count(150, 300, mid).pace == Pace.BEHIND  # 50.0 < 50.1
    assert _count(106, 300, mid).pace == Pace.BEHIND  # 35.3 ≥ 35.1
    assert _count(105, 300, mid).pace == Pace.AT_RISK  # 35.0 < 35.1


def test_a_rate_is_judged_by_its_current_value_against_the_threshold():
    def rate(actual, as_of=dt.date(2026, 6, 1)):
        return progress(
            actual=Decimal(actual),
            target_value=Decimal(90),
            comparator="gte",
            is_rate=True,
            starts_on=START,
            deadline=END,
            as_of=as_of,
        ).pace

    assert rate("90.0") == Pace.ON_TRACK
    assert rate("90.0", END) == Pace.DONE
    assert rate("85.0") == Pace.BEHIND
    assert rate("84.9") == Pace.AT_RISK


def test_at_most_targets_and_missing_figures():
    mid = dt.date(2026, 6, 1)
    assert _count(0, 0, mid, comparator="lte").pace == Pace.ON_TRACK
    assert _count(1, 0, mid, comparator="lte").pace == Pace.AT_RISK
    assert (
        progress(
            actual=None,
            target_value=Decimal(90),
            comparator="gte",
            is_rate=True,
            starts_on=START,
            deadline=END,
            as_of=mid,
        ).pace
        == Pace.NO_DATA
    )

"""The judging arithmetic on hand-made scores: both methods, ties, prizes at a tie."""

from decimal import Decimal as D

import pytest

from gonghui.outreach.contests.judging import MEAN, TRIMMED_MEAN, combine, standings


def test_the_mean_and_the_mean_without_the_highest_and_lowest():
    scores = [D("90"), D("85"), D("70"), D("95"), D("88")]
    assert combine(scores, MEAN) == D("85.60")
    # drop 95 and 70: (90 + 85 + 88) / 3 = 87.666… → 87.67
    assert combine(scores, TRIMMED_MEAN) == D("87.67")
    # only the one highest and one lowest go, even when they repeat
    assert combine([D("80"), D("80"), D("90"), D("90")], TRIMMED_MEAN) == D("85.00")
    # fewer than three scores: nothing can be dropped
    assert combine([D("70"), D("90")], TRIMMED_MEAN) == D("80.00")
    assert combine([], MEAN) is None
    with pytest.raises(ValueError):
        combine([D("1")], "median")


def test_rounding_is_half_up_to_the_cent():
    assert combine([D("85.125"), D("85.125")], MEAN) == D("85.13")  # not banker's 85.12


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped():
    rows = standings(
        [("a", D("88.00")), ("b", D("91.50")), ("c", D("88.00")), ("d", D("80.00")), ("e", None)],
        [("一等奖", 1), ("二等奖", 2)],
    )
    assert [(s.key, s.rank, s.tied, s.prize) for s in rows] == [
        ("b", 1, False, "一等奖"),
        ("a", 2, True, "二等奖"),
        ("c", 2, True, "二等奖"),
        ("d", 4, False, ""),
        ("e", None, False, ""),
    ]


def test_entries_tied_at_a_prize_boundary_share_the_better_prize():
    rows = standings(
        [("a", D("95")), ("b", D("95")), ("c", D("90"))],
        [{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 1}],
    )
    assert [(s.key, s.rank, s.prize) for s in rows] == [
        ("a", 1, "一等奖"),
        ("b", 1, "一等奖"),
        ("c", 3, ""),
    ]

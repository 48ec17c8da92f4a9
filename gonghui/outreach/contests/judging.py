"""The judging arithmetic of works contests, as pure functions (no Django): combining a
entry's scores by the call's method, ranking a category with ties, and prizes by rank.

- Mean: the arithmetic mean of every judge's score.
- Trimmed mean (去掉一个最高分和一个最低分): one highest and one lowest score are dropped, then
  the mean of the rest; with fewer than three scores nothing can be dropped and the plain
  mean is used (the results page says so).
- Final scores are rounded to 0.01 (half up), then ranked: equal final scores share a rank
  and the next rank is skipped (1, 2, 2, 4), and both are marked tied.
- Prizes: tiers [(name, count), …], best first. An entry whose rank is within the first
  tiers' cumulative count gets that tier, so entries tied at a boundary share the better
  prize (two entries tied for 1st with one first prize both get it).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
CENT = Decimal("0.01")


def combine(values: Sequence[Decimal], method: str) -> Decimal | None:
    """The entry's final score from its judges' scores (None without any score)."""
    scores = sorted(Decimal(v) for v in values)
    if not scores:
        return None
    if method == TRIMMED_MEAN and len(scores) >= 3:
        scores = scores[1:-1]
    elif method not in (MEAN, TRIMMED_MEAN):
        raise ValueError(f"unknown scoring method {method!r}")
    return (sum(scores) / len(scores)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Standing:
    key: object  # the entry (or its id)
    score: Decimal | None
    rank: int | None
    tied: bool
    prize: str


def standings(scored: Sequence[tuple[object, Decimal | None]], prizes) -> list[Standing]:
    """Rank (key, final score) pairs of one category, best first; unscored ones last,
    unranked. `prizes`: [(name, count), …] or [{"name", "count"}, …]."""
    tiers = []
    total = 0
    for tier in prizes or []:
        name, count = (tier["name"], tier["count"]) if isinstance(tier, dict) else tier
        total += int(count)
        tiers.append((str(name), total))
    ranked = sorted(
        (item for item in scored if item[1] is not None), key=lambda item: item[1], reverse=True
    )
    counts: dict[Decimal, int] = {}
    for _key, score in ranked:
        counts[score] = counts.get(score, 0) + 1
    out = []
    previous, rank = None, 0
    for position, (key, score) in enumerate(ranked, start=1):
        if score != previous:
            rank, previous = position, score
        prize = next((name for name, upto in tiers if rank <= upto), "")
        out.append(Standing(key, score, rank, counts[score] > 1, prize))
    out.extend(Standing(key, None, None, False, "") for key, score in scored if score is None)
    return out

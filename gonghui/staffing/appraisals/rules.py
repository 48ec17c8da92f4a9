"""The appraisal's arithmetic and the pay calculation: pure functions on plain values, so
they can be checked on hand-made periods without a database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gonghui.staffing.appraisals.models import AppraisalResult

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(100)


def q2(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MeasureLine:
    """One measure of the computed part: its count in the period against the target."""

    measure: str
    name: str
    unit: str
    count: int
    target: int
    weight: int
    url: str = ""
    # False: the measure is not in the metric registry (its module was removed or has not
    # landed): shown as 未接入, no count, and its weight left out of the computed score.
    registered: bool = True

    @property
    def attainment(self) -> Decimal:
        """count ÷ target, capped at 1 (overshooting one measure does not make up another)."""
        if self.target <= 0:
            return Decimal(1)
        return min(Decimal(self.count) / Decimal(self.target), Decimal(1))


def computed_score(lines: Sequence[MeasureLine]) -> Decimal:
    """Σ weight × attainment over the registered measures, rescaled to 100 when some
    configured measures are not registered (their weights are left out)."""
    counted = [line for line in lines if line.registered]
    weights = sum(line.weight for line in counted)
    if weights <= 0:
        return q2(0)
    points = sum(Decimal(line.weight) * line.attainment for line in counted)
    return q2(points * HUNDRED / Decimal(weights))


def line_scores(lines: Sequence[MeasureLine]) -> list[Decimal | None]:
    """Each line's points in the computed score (weight × attainment, rescaled as
    computed_score rescales), so that the lines add up to it (to the cent's rounding);
    None for a measure not registered (it does not count)."""
    weights = sum(line.weight for line in lines if line.registered)
    return [
        q2(Decimal(line.weight) * line.attainment * HUNDRED / Decimal(weights))
        if line.registered and weights > 0
        else None
        for line in lines
    ]


def group_totals(ratings: Sequence[tuple[str, Decimal]]) -> dict[str, tuple[Decimal, int]]:
    """{group: (sum of scores, number of ratings)} from single named ratings."""
    totals: dict[str, tuple[Decimal, int]] = {}
    for group, score in ratings:
        total, count = totals.get(group, (Decimal(0), 0))
        totals[group] = (total + Decimal(score), count + 1)
    return totals


def rated_score(weights: Mapping[str, int], totals: Mapping[str, tuple[Decimal, int]]):
    """Σ weight × mean score per rater group, over the groups that rated (their weights
    rescaled to 100); None when nobody rated. `totals`: {group: (sum, count)}."""
    present = {g: w for g, w in weights.items() if totals.get(g, (0, 0))[1] and w > 0}
    total_weight = sum(present.values())
    if not total_weight:
        return None
    points = sum(
        Decimal(w) * Decimal(totals[g][0]) / Decimal(totals[g][1]) for g, w in present.items()
    )
    return q2(points / Decimal(total_weight))


def total_score(computed: Decimal, rated: Decimal | None, computed_share: int) -> Decimal:
    """computed_share % of the computed part plus the rest from the ratings; the computed
    part alone when nobody rated."""
    if rated is None:
        return q2(computed)
    share = Decimal(computed_share)
    return q2((computed * share + rated * (HUNDRED - share)) / HUNDRED)


def result_for(total: Decimal, *, excellent, competent, basic) -> str:
    if total >= Decimal(excellent):
        return AppraisalResult.EXCELLENT
    if total >= Decimal(competent):
        return AppraisalResult.COMPETENT
    if total >= Decimal(basic):
        return AppraisalResult.BASIC
    return AppraisalResult.UNFIT


@dataclass(frozen=True)
class Pay:
    base: Decimal
    bonus: Decimal
    total: Decimal
    county_part: Decimal
    township_part: Decimal


def pay_for(*, base: Decimal, bonus: Decimal, county_share: int) -> Pay:
    """A month's pay: the grade-and-band pay plus the appraisal bonus, split between the
    county and the township by the worker's funding share (the township takes the rest, so
    the two parts always add up to the total)."""
    total = q2(Decimal(base) + Decimal(bonus))
    county = q2(total * Decimal(county_share) / HUNDRED)
    return Pay(q2(base), q2(bonus), total, county, total - county)

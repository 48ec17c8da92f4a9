"""Progress and pace of a target (pure functions; the figures come from the metric registry).

Pace compares the share of the target reached with the share of its period elapsed:

- a target "不少于 N" of a count: reached ≥ 100% → 已完成; reached ≥ elapsed → 进度正常;
  reached ≥ elapsed − 15 points → 进度滞后; below that → 有风险;
- a target on a rate (unit %) or "不超过 N": the current value already meets it → 进度正常
  (已完成 once the period is over), within 5 points of it → 进度滞后, otherwise 有风险;
- no measure registered under the target's code → 指标未接入 (shown, never counted);
- a manual target → its manual status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

BEHIND_MARGIN = Decimal("15")  # percentage points of the period a count may trail and be "behind"
RATE_MARGIN = Decimal("5")  # points a rate may miss its target and be "behind"


class Pace:
    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    UNKNOWN = "unknown"  # the measure is not registered (its module has not landed)
    NO_DATA = "no_data"  # a rate with nothing to divide by
    MANUAL = "manual"


PACE_LABELS = {
    Pace.DONE: "已完成",
    Pace.ON_TRACK: "进度正常",
    Pace.BEHIND: "进度滞后",
    Pace.AT_RISK: "有风险",
    Pace.UNKNOWN: "指标未接入",
    Pace.NO_DATA: "暂无数据",
    Pace.MANUAL: "手工填报",
}
PACE_TONES = {  # the badge class (badge-<tone>) that shows the pace
    Pace.DONE: "ok",
    Pace.ON_TRACK: "ok",
    Pace.BEHIND: "warn",
    Pace.AT_RISK: "err",
    Pace.UNKNOWN: "off",
    Pace.NO_DATA: "off",
    Pace.MANUAL: "brand",
}
PACE_RULE = (
    "数量目标：完成比例 ≥ 时间进度为进度正常，落后不超过 15 个百分点为进度滞后，"
    "否则为有风险；比率目标与“不超过”目标：当前值已达标为进度正常，差距在 5 个百分点以内"
    "为进度滞后，否则为有风险。"
)


def elapsed_share(starts_on: dt.date, deadline: dt.date, as_of: dt.date) -> Decimal:
    """Share of the period elapsed at the end of `as_of`, in percent, 0 … 100."""
    if as_of < starts_on:
        return Decimal(0)
    if as_of >= deadline:
        return Decimal(100)
    total = (deadline - starts_on).days + 1
    done = (as_of - starts_on).days + 1
    return (Decimal(done) * 100 / Decimal(total)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Progress:
    actual: Decimal | int | None
    reached: Decimal | None  # percent of the target value reached (counts "不少于")
    elapsed: Decimal
    pace: str

    @property
    def pace_label(self) -> str:
        return PACE_LABELS[self.pace]

    @property
    def tone(self) -> str:
        return PACE_TONES[self.pace]


def progress(
    *,
    actual,
    target_value: Decimal | None,
    comparator: str,
    is_rate: bool,
    starts_on: dt.date,
    deadline: dt.date,
    as_of: dt.date,
) -> Progress:
    elapsed = elapsed_share(starts_on, deadline, as_of)
    if actual is None:
        return Progress(None, None, elapsed, Pace.NO_DATA)
    actual_d = Decimal(actual)
    goal = Decimal(target_value or 0)
    if comparator == "gte" and not is_rate:
        reached = (actual_d * 100 / goal).quantize(Decimal("0.1")) if goal else Decimal(100)
        if reached >= 100:
            pace = Pace.DONE
        elif reached >= elapsed:
            pace = Pace.ON_TRACK
        elif reached >= elapsed - BEHIND_MARGIN:
            pace = Pace.BEHIND
        else:
            pace = Pace.AT_RISK
        return Progress(actual, reached, elapsed, pace)
    gap = goal - actual_d if comparator == "gte" else actual_d - goal
    if gap <= 0:
        pace = Pace.DONE if as_of >= deadline else Pace.ON_TRACK
    elif not is_rate and comparator == "lte":
        pace = Pace.AT_RISK
    elif gap <= RATE_MARGIN:
        pace = Pace.BEHIND
    else:
        pace = Pace.AT_RISK
    return Progress(actual, None, elapsed, pace)

"""The archive lifecycle (DESIGN §4) as data, plus the pure rules the services apply.

    applied ──check──▶ grassroots_checked ──visit──▶ visited ──approve──▶ approved
       │                    │                          │                    │
       └──────reject────────┴──────────reject──────────┘                  file
                                                                            ▼
    applied ◀──relapse── exited/watched ◀──exit── archived ◀──review (yearly/spot)
                         exited ──watch──▶ watched

Who may take a step (module `assistance`):
- check, visit, file, review, watch, relapse, reject before the visit: `edit` on the
  archive's org (grassroots / township staff and above);
- approve, exit, and reject after the visit: `approve` held at a county-level org
  (county federation or above) whose subtree holds the archive ("approval by the county").

Relapse (返困) reopens the same archive at `applied`, so the household is checked, visited
and approved again; `relapse_count` and the trail tell 返困 from a new archive (增量).
"""

import calendar
import datetime
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gonghui.assistance.choices import ArchiveStatus, StepAction

S = ArchiveStatus


class Needs:
    EDIT = "edit"
    COUNTY_APPROVE = "county_approve"


@dataclass(frozen=True)
class Transition:
    action: str  # StepAction
    sources: tuple[str, ...]
    target: str
    needs: str


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(StepAction.CHECK, (S.APPLIED,), S.GRASSROOTS_CHECKED, Needs.EDIT),
        Transition(StepAction.VISIT, (S.GRASSROOTS_CHECKED,), S.VISITED, Needs.EDIT),
        Transition(StepAction.APPROVE, (S.VISITED,), S.APPROVED, Needs.COUNTY_APPROVE),
        Transition(StepAction.FILE, (S.APPROVED,), S.ARCHIVED, Needs.EDIT),
        Transition(StepAction.REVIEW, (S.ARCHIVED,), S.ARCHIVED, Needs.EDIT),
        Transition(StepAction.EXIT, (S.ARCHIVED,), S.EXITED, Needs.COUNTY_APPROVE),
        Transition(StepAction.WATCH, (S.EXITED,), S.WATCHED, Needs.EDIT),
        Transition(StepAction.RELAPSE, (S.EXITED, S.WATCHED), S.APPLIED, Needs.EDIT),
        Transition(
            StepAction.REJECT, (S.APPLIED, S.GRASSROOTS_CHECKED, S.VISITED), S.REJECTED, Needs.EDIT
        ),
    )
}

# The path a new archive walks; "not yet done" messages name the first missing step.
PIPELINE = (S.APPLIED, S.GRASSROOTS_CHECKED, S.VISITED, S.APPROVED, S.ARCHIVED)
STEP_INTO = {
    S.GRASSROOTS_CHECKED: "基层核实",
    S.VISITED: "入户核查",
    S.APPROVED: "县总审批",
    S.ARCHIVED: "建档",
}
VERB = {
    StepAction.CHECK: "进行基层核实",
    StepAction.VISIT: "登记入户核查",
    StepAction.APPROVE: "审批",
    StepAction.FILE: "建档",
    StepAction.REVIEW: "复核",
    StepAction.EXIT: "办理解困脱困",
    StepAction.WATCH: "纳入脱困监测",
    StepAction.RELAPSE: "认定返困",
    StepAction.REJECT: "作不予建档处理",
}


def reject_needs(status: str) -> str:
    """Rejecting after the home visit is the county's decision, before it the union's."""
    return Needs.COUNTY_APPROVE if status == S.VISITED else Needs.EDIT


def refusal(status: str, action: str) -> str | None:
    """None when `action` may be taken in `status`, else the Chinese reason why not."""
    transition = TRANSITIONS[action]
    if status in transition.sources:
        return None
    verb = VERB[action]
    if status in PIPELINE and transition.sources[0] in PIPELINE:
        have = PIPELINE.index(status)
        need = PIPELINE.index(transition.sources[0])
        if have < need:
            missing = STEP_INTO[PIPELINE[have + 1]]
            return f"该档案尚未完成{missing}，不能{verb}。"
    if action == StepAction.APPROVE and status in (S.APPROVED, S.ARCHIVED):
        return "该档案已审批，不能重复审批。"
    if action == StepAction.RELAPSE and status in OPEN:
        return "该档案尚在帮扶中，无需认定返困。"
    if action == StepAction.EXIT and status in (S.EXITED, S.WATCHED):
        return "该档案已解困脱困。"
    label = S(status).label
    return f"该档案当前状态为“{label}”，不能{verb}。"


OPEN = (S.APPLIED, S.GRASSROOTS_CHECKED, S.VISITED, S.APPROVED, S.ARCHIVED)


# --- dates --------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier); the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


# --- the exit rule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One point of the income history: a category calculation on a date."""

    on: datetime.date
    meets_entry_test: bool


@dataclass(frozen=True)
class ExitCheck:
    allowed: bool
    not_met_since: datetime.date | None
    earliest_exit: datetime.date | None
    message: str


def exit_check(readings: Iterable[Reading], *, on: datetime.date, months: int) -> ExitCheck:
    """May the household exit on `on`? (解困脱困: the entry test not met for ≥ `months`).

    The income history is the archive's assessments in date order (every calculation:
    application, edits of the figures, approval, reviews). The test has been "not met
    since" the date of the first reading after the last reading that met it. Exit is
    allowed when the latest reading on or before `on` does not meet the test and that date
    lies at least `months` months before `on`. A household whose latest reading still meets
    the test, or which has no reading showing otherwise, may not exit.
    """
    history = sorted((r for r in readings if r.on <= on), key=lambda r: r.on)
    if not history or history[-1].meets_entry_test:
        return ExitCheck(
            False,
            None,
            None,
            "按最近一次测算，该家庭仍符合困难标准，不能解困脱困；"
            "如家庭收入已好转，请先通过复核或修改信息记录新的收入情况。",
        )
    since = history[-1].on
    for reading in reversed(history):
        if reading.meets_entry_test:
            break
        since = reading.on
    earliest = add_months(since, months)
    if on < earliest:
        return ExitCheck(
            False,
            since,
            earliest,
            f"该家庭自 {since:%Y-%m-%d} 起不再符合困难标准，未满 {months} 个月，"
            f"最早可于 {earliest:%Y-%m-%d} 办理解困脱困。",
        )
    return ExitCheck(True, since, earliest, "")


# --- spot checks ----------------------------------------------------------------------------


def spot_check_size(population: int, share: Decimal) -> int:
    """At least `share` of the population, rounded up (≥ 1 when there is anyone)."""
    if population <= 0:
        return 0
    return max(1, math.ceil(Decimal(population) * Decimal(share)))


def spot_check_sample(population: Sequence[int], *, share: Decimal, seed: str) -> list[int]:
    """The drawn ids: the sorted population shuffled by random.Random(seed), first n taken.

    Anyone holding the recorded population and seed gets the same draw.
    """
    ids = sorted(population)
    random.Random(seed).shuffle(ids)
    return sorted(ids[: spot_check_size(len(ids), share)])

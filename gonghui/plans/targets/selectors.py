"""Reads of plans and targets with their live progress, scoped to the user.

Progress is read from the metric registry, one evaluation per (measure, period) for every
target of the plan at every level at once (one query per count measure), never per org.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.core import metrics
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_paths, scope_q, scope_queryset
from gonghui.plans.targets import progress as pace
from gonghui.plans.targets.models import AnnualPlan, Basis, Target

MODULE = "plans"


def plans_visible(user, action: str = Action.VIEW) -> QuerySet:
    """Plans of orgs in scope, and plans above the scope with a target broken down into it
    (a township sees the county plan's targets that were given to it)."""
    paths = scope_paths(user, MODULE, action)
    if not paths:
        return AnnualPlan.objects.none()
    owned = scope_q(paths, "org__path")
    shared = Q(pk__in=Target.objects.filter(scope_q(paths, "org__path")).values("plan_id"))
    return AnnualPlan.objects.filter(owned | shared).select_related("org")


def plan_get(user, pk: int, action: str = Action.VIEW) -> AnnualPlan:
    """A plan the user may see (its own org in scope, or a target of it broken down into
    the scope); 404 otherwise."""
    plan = plans_visible(user, action).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plan_owned_get(user, pk: int, action: str = Action.EDIT) -> AnnualPlan:
    """A plan whose own org lies in the user's scope (to add targets to it)."""
    return get_in_scope_or_404(
        AnnualPlan.objects.select_related("org"), user, MODULE, action, pk=pk
    )


def targets_scoped(user, action: str = Action.VIEW) -> QuerySet:
    return scope_queryset(Target.objects.all(), user, MODULE, action)


def target_get(user, pk: int, action: str = Action.VIEW) -> Target:
    return get_in_scope_or_404(
        Target.objects.select_related("plan", "plan__org", "org", "parent"),
        user,
        MODULE,
        action,
        pk=pk,
    )


@dataclass
class TargetRow:
    target: Target
    measure: object | None  # the registered measure, None when manual or not registered
    progress: pace.Progress
    shares: list[TargetRow]
    records: str = ""  # the records behind the number (the measure's drill-down), if any

    @property
    def unit(self) -> str:
        return self.measure.unit if self.measure is not None else ""


def _today() -> dt.date:
    return timezone.localdate()


def _measure(code: str):
    if not code:
        return None
    try:
        return metrics.measure_get(code)
    except metrics.MetricError:
        return None


def _period(target: Target, as_of: dt.date) -> metrics.Period:
    """The records a target counts: those of its period up to `as_of` (新增), or everything
    up to then (总量)."""
    end = min(as_of, target.deadline)
    if end < target.starts_on:
        end = target.starts_on
    if target.basis == Basis.STOCK:
        return metrics.Period.as_of(end)
    return metrics.Period(target.starts_on, end)


def target_questions(targets: list[Target], *, as_of: dt.date) -> list:
    """The registry questions (measure, orgs, period) the targets' progress needs: one per
    (measure, period), covering every org that needs it."""
    groups: dict[tuple[str, metrics.Period], dict[int, object]] = defaultdict(dict)
    for target in targets:
        if _measure(target.measure_code) is not None:
            groups[(target.measure_code, _period(target, as_of))][target.org_id] = target.org
    return [(code, list(orgs.values()), period) for (code, period), orgs in groups.items()]


def evaluate_targets(
    targets: list[Target], *, as_of: dt.date, figures_cache=None
) -> dict[int, object]:
    """The actual figure of each target keyed by target id (None for manual or unknown).

    All the targets' questions are answered in one batch (`metrics.evaluate_many`: a count
    shared by several targets is counted once, counts over one table in one query), through
    `figures_cache` (the dashboard's FigureCache) when given.
    """
    questions = target_questions(targets, as_of=as_of)
    if figures_cache is not None:
        figures_cache.load(questions)
        figures = {
            (code, period): figures_cache.evaluate(code, orgs=orgs, period=period)
            for code, orgs, period in questions
        }
    else:
        figures = metrics.evaluate_many(questions)
    actual: dict[int, object] = {}
    for target in targets:
        if _measure(target.measure_code) is None:
            actual[target.pk] = None
            continue
        figure = figures[(target.measure_code, _period(target, as_of))][target.org_id]
        actual[target.pk] = figure.value
    return actual


def target_row(target: Target, actual, *, as_of: dt.date) -> TargetRow:
    """A target with its progress and the link to the records its number counts."""
    measure = _measure(target.measure_code)
    records = ""
    if measure is not None and measure.drilldown is not None:
        records = measure.drilldown(target.org, _period(target, as_of))
    return TargetRow(target, measure, target_progress(target, actual, as_of=as_of), [], records)


def target_progress(target: Target, actual, *, as_of: dt.date) -> pace.Progress:
    if target.is_manual:
        return pace.Progress(
            None,
            None,
            pace.elapsed_share(target.starts_on, target.deadline, as_of),
            pace.Pace.MANUAL,
        )
    measure = _measure(target.measure_code)
    if measure is None:
        return pace.Progress(
            None,
            None,
            pace.elapsed_share(target.starts_on, target.deadline, as_of),
            pace.Pace.UNKNOWN,
        )
    return pace.progress(
        actual=actual,
        target_value=target.value,
        comparator=target.comparator,
        is_rate=measure.is_ratio,
        starts_on=target.starts_on,
        deadline=target.deadline,
        as_of=as_of,
    )


def plan_progress(
    user, plan: AnnualPlan, *, as_of: dt.date | None = None, figures_cache=None
) -> list[TargetRow]:
    """The plan's targets the user may see, each with its live progress and its breakdown.

    A target outside the user's scope whose shares reach into it is replaced by those shares.
    """
    as_of = as_of or _today()
    paths = scope_paths(user, MODULE, Action.VIEW)
    targets = list(
        Target.objects.filter(plan=plan)
        .select_related("org")
        .order_by("position", "org__path", "id")
    )
    visible = [t for t in targets if any(t.org.path.startswith(p) for p in paths)]
    actual = evaluate_targets(visible, as_of=as_of, figures_cache=figures_cache)
    rows = {t.pk: target_row(t, actual[t.pk], as_of=as_of) for t in visible}
    top: list[TargetRow] = []
    for target in visible:
        row = rows[target.pk]
        parent = rows.get(target.parent_id) if target.parent_id else None
        if parent is not None:
            parent.shares.append(row)
        else:
            top.append(row)
    return top


def org_targets(plans: list[AnnualPlan], org) -> list[Target]:
    """The targets the plans give to `org` (their own targets of it and its shares of the
    targets above), in the plans' order: one query."""
    order = {plan.pk: n for n, plan in enumerate(plans)}
    return sorted(
        Target.objects.filter(plan__in=list(order), org=org).select_related("org"),
        key=lambda t: (order[t.plan_id], t.position, t.id),
    )


def target_rows(targets: list[Target], *, as_of: dt.date, figures_cache=None) -> list[TargetRow]:
    """The targets each with its progress, evaluated in one batch (not the whole plans'
    breakdowns). The caller has checked that the targets' orgs are in the user's scope."""
    actual = evaluate_targets(targets, as_of=as_of, figures_cache=figures_cache)
    return [target_row(t, actual[t.pk], as_of=as_of) for t in targets]


def org_target_rows(
    plans: list[AnnualPlan], org, *, as_of: dt.date, figures_cache=None
) -> list[TargetRow]:
    """`org_targets` with their progress."""
    return target_rows(org_targets(plans, org), as_of=as_of, figures_cache=figures_cache)


def pace_counts(rows: list[TargetRow]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.progress.pace] += 1
    return dict(counts)

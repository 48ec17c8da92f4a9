"""The metric registry (DESIGN §1): every countable measure, registered once by its app.

Plans and targets, the leaders' dashboard, the annual statistical return and the social
workers' appraisal read figures through here and count nothing themselves. An app declares its
measures in `<app>/metrics.py` (imported at start-up by `autodiscover`) with `register(...)`.

A `Count` measure is one aggregate over one model's records, restricted to a period by one date
field. It is evaluated for many orgs at once in ONE query: the records of the union of their
subtrees grouped by the owning org's path, then rolled up to every requested org along the
materialised paths in Python (an org's figure is the sum over its subtree). A `Ratio` divides
two registered measures, each rolled up first, so a rate of a township is its own records'
rate, not the mean of its children's rates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Count as CountAggregate
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from gonghui.core.modules import Action
from gonghui.core.scope import path_in_scope, scope_paths


class MetricError(ValueError):
    """A measure asked for in a way it cannot answer; the message is for staff (Chinese)."""


@dataclass(frozen=True)
class Period:
    """Inclusive dates. `start=None` counts everything up to `end` (a state as of a date)."""

    start: dt.date | None
    end: dt.date

    def __post_init__(self) -> None:
        if self.start is not None and self.start > self.end:
            raise MetricError("统计期间的结束日期早于开始日期。")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def as_of(cls, day: dt.date) -> Period:
        return cls(None, day)


@dataclass(frozen=True)
class Figure:
    """A measure's value for one org: `value` is what is shown; a ratio keeps its parts."""

    value: Decimal | int | None
    numerator: Decimal | int = 0
    denominator: Decimal | int | None = None


@dataclass(frozen=True)
class Count:
    """An additive measure: one aggregate over `records()` per org subtree and period.

    `records` returns the queryset of what is counted (a callable so that registering imports
    no models early). `date_field` is the date (or datetime, read in Asia/Shanghai) that puts a
    record in a period; None means the measure is a state of the records now and ignores the
    period. `org_field` is the path to the owning org ("" when the records are orgs).
    `aggregate` defaults to counting rows; a Sum("amount") makes an amount measure.
    """

    code: str
    name: str
    unit: str
    module: str
    rule: str
    records: Callable[[], QuerySet]
    date_field: str | None = None
    org_field: str = "org"
    aggregate: Callable[[], models.Aggregate] = field(default=lambda: CountAggregate("pk"))
    drilldown: Callable[[object, Period | None], str] | None = None

    @property
    def is_ratio(self) -> bool:
        return False


@dataclass(frozen=True)
class Ratio:
    """numerator ÷ denominator × scale, both registered measures, each rolled up first."""

    code: str
    name: str
    module: str
    rule: str
    numerator: str
    denominator: str
    scale: int = 100
    unit: str = "%"
    places: int = 1
    drilldown: Callable[[object, Period | None], str] | None = None

    @property
    def is_ratio(self) -> bool:
        return True


Measure = Count | Ratio

_REGISTRY: dict[str, Measure] = {}


def register(*measures: Measure) -> None:
    for measure in measures:
        existing = _REGISTRY.get(measure.code)
        if existing is not None and existing != measure:
            raise ValueError(f"measure {measure.code!r} is registered twice")
        _REGISTRY[measure.code] = measure


def autodiscover() -> None:
    autodiscover_modules("metrics")


def measures() -> list[Measure]:
    return sorted(_REGISTRY.values(), key=lambda m: m.code)


def measure_get(code: str) -> Measure:
    try:
        return _REGISTRY[code]
    except KeyError as exc:
        raise MetricError(f"没有编码为“{code}”的统计指标。") from exc


def _path_lookup(org_field: str) -> str:
    return f"{org_field}__path" if org_field else "path"


def _is_datetime(model: type[models.Model], field_path: str) -> bool:
    """Whether `field_path` ("visit__done_at") ends at a DateTimeField."""
    target = None
    for name in field_path.split("__"):
        target = model._meta.get_field(name)
        if target.is_relation and target.related_model is not None:
            model = target.related_model
    return isinstance(target, models.DateTimeField)


def _in_period(queryset: QuerySet, date_field: str, period: Period) -> QuerySet:
    if _is_datetime(queryset.model, date_field):
        zone = timezone.get_default_timezone()
        until = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), zone)
        queryset = queryset.filter(**{f"{date_field}__lt": until})
        if period.start is not None:
            since = dt.datetime.combine(period.start, dt.time(), zone)
            queryset = queryset.filter(**{f"{date_field}__gte": since})
        return queryset
    queryset = queryset.filter(**{f"{date_field}__lte": period.end})
    if period.start is not None:
        queryset = queryset.filter(**{f"{date_field}__gte": period.start})
    return queryset


def _minimal(paths: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in kept):
            kept.append(path)
    return kept


def _ids_on_path(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _within(measure: Count, orgs: Sequence) -> Q:
    """The records of the union of the orgs' subtrees. A subtree whose top is its own anchor
    (a township-level org: Org.anchor) is an equality on the records' `org_anchor`, as in
    gonghui.core.scope; the others are path prefixes. Thousands of township orgs (an
    appraisal of every social worker) would otherwise be thousands of LIKEs per row."""
    path_lookup = _path_lookup(measure.org_field)
    tops = {org.path: org for org in orgs}
    minimal = [tops[path] for path in _minimal(tops)]
    anchored: set[int] = set()
    if measure.org_field == "org" and _has_org_anchor(measure.records().model):
        # Only an anchor already loaded counts: reading a deferred one is a query per org.
        anchored = {org.pk for org in minimal if vars(org).get("anchor_id") == org.pk}
    within = Q(org_anchor_id__in=sorted(anchored)) if anchored else Q()
    for org in minimal:
        if org.pk not in anchored:
            within |= Q(**{f"{path_lookup}__startswith": org.path})
    return within


def _has_org_anchor(model) -> bool:
    return any(f.name == "org_anchor" for f in model._meta.concrete_fields)


def _all_anchored(measure: Count, orgs: Sequence) -> list[int] | None:
    """The orgs' ids when every one of them tops its own anchored subtree (Org.anchor, already
    loaded) and the measure's records carry `org_anchor`; None otherwise. Such subtrees are
    disjoint (no anchor lies under another) and an org's records are exactly those with
    `org_anchor_id` = its id, so each figure is one group of `GROUP BY org_anchor_id`."""
    if measure.org_field != "org" or not _has_org_anchor(measure.records().model):
        return None
    ids = []
    for org in orgs:
        if vars(org).get("anchor_id") != org.pk:
            return None
        ids.append(org.pk)
    return ids


def _additive(aggregate: models.Aggregate) -> bool:
    """Whether groups of the aggregate add up to the aggregate of their union: a plain
    count or sum. A distinct count is not (the same record key in two orgs)."""
    return isinstance(aggregate, CountAggregate | models.Sum) and not aggregate.distinct


def _count_by_anchor(
    measure: Count, queryset: QuerySet, anchors: list[int], totals: dict[int, object]
) -> dict[int, object]:
    """Every org its own anchor: group by `org_anchor_id` (no join to the orgs, no path to
    split), or by (org_anchor_id, org_id) summed here for a non-additive aggregate, so the
    figures equal the path roll-up's exactly."""
    aggregate = measure.aggregate()
    keys = ("org_anchor_id",) if _additive(aggregate) else ("org_anchor_id", "org_id")
    rows = (
        queryset.filter(org_anchor_id__in=sorted(anchors))
        .order_by()
        .values_list(*keys)
        .annotate(value=aggregate)
    )
    for anchor_id, *_org, value in rows:
        if value:
            totals[anchor_id] += value
    return totals


def _count_by_org(measure: Count, orgs: Sequence, period: Period | None) -> dict[int, object]:
    """One grouped query over the union of the orgs' subtrees: grouped by anchor when every
    org is its own (see `_all_anchored`), else by path and rolled up along the paths."""
    totals: dict[int, object] = dict.fromkeys((org.pk for org in orgs), 0)
    if not orgs:
        return totals
    queryset = _records(measure, period)
    anchors = _all_anchored(measure, orgs)
    if anchors is not None:
        return _count_by_anchor(measure, queryset, anchors, totals)
    return _count_by_path(measure, queryset, orgs, totals)


def _records(measure: Count, period: Period | None) -> QuerySet:
    queryset = measure.records()
    if measure.date_field is not None and period is not None:
        queryset = _in_period(queryset, measure.date_field, period)
    return queryset


def _count_by_path(
    measure: Count, queryset: QuerySet, orgs: Sequence, totals: dict[int, object]
) -> dict[int, object]:
    """The records of the union of the orgs' subtrees grouped by their org's path, each
    group added to every asked-for org on that path."""
    path_lookup = _path_lookup(measure.org_field)
    rows = (
        queryset.filter(_within(measure, orgs))
        .order_by()
        .values_list(path_lookup)
        .annotate(value=measure.aggregate())
    )
    for path, value in rows:
        if not value:
            continue
        for org_id in _ids_on_path(path):
            if org_id in totals:
                totals[org_id] += value
    return totals


def _ratio_figure(ratio: Ratio, numerator, denominator) -> Figure:
    if not denominator:
        return Figure(value=None, numerator=numerator, denominator=denominator)
    value = (Decimal(numerator) * ratio.scale / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-ratio.places)
    )
    return Figure(value=value, numerator=numerator, denominator=denominator)


def evaluate(code: str, *, orgs: Sequence, period: Period | None) -> dict[int, Figure]:
    """The measure for each org (objects with `pk` and `path`), keyed by org id.

    No scope check: callers serving a user go through `measure_evaluate`. One query for a
    count, two for a ratio, however many orgs are asked for.
    """
    measure = measure_get(code)
    if isinstance(measure, Ratio):
        tops = _count_by_org(_count_measure(measure.numerator), orgs, period)
        bottoms = _count_by_org(_count_measure(measure.denominator), orgs, period)
        return {pk: _ratio_figure(measure, tops[pk], bottoms[pk]) for pk in tops}
    counts = _count_by_org(measure, orgs, period)
    return {pk: Figure(value=value, numerator=value) for pk, value in counts.items()}


def _count_measure(code: str) -> Count:
    measure = measure_get(code)
    if not isinstance(measure, Count):
        raise MetricError(f"指标“{measure.name}”是比率，不能作为另一个比率的分子或分母。")
    return measure


def measure_evaluate(user, code: str, *, orgs: Sequence, period: Period | None):
    """`evaluate` for a user: every org must lie in their view scope of the measure's module.

    An org outside scope answers 404, like any record outside scope.
    """
    measure = measure_get(code)
    paths = scope_paths(user, measure.module, Action.VIEW)
    if any(not path_in_scope(org.path, paths) for org in orgs):
        raise Http404
    return evaluate(code, orgs=orgs, period=period)


def check_registry() -> list[str]:
    """Problems in the registered measures (ratios naming unknown parts); [] when sound."""
    problems = []
    for measure in _REGISTRY.values():
        if isinstance(measure, Ratio):
            for part in (measure.numerator, measure.denominator):
                if not isinstance(_REGISTRY.get(part), Count):
                    problems.append(f"{measure.code}: {part} is not a registered count")
    return problems

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

from django.db import connection, models
from django.db.models import Count as CountAggregate
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from gonghui.core.modules import Action
from gonghui.core.scope import org_model as scope_org_model
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
    """The records of the union of the orgs' subtrees, as path prefixes (records whose model
    has no `org_anchor`, or reached through a relation)."""
    path_lookup = _path_lookup(measure.org_field)
    within = Q()
    for path in _minimal(org.path for org in orgs):
        within |= Q(**{f"{path_lookup}__startswith": path})
    return within


def _has_org_anchor(model) -> bool:
    return any(f.name == "org_anchor" for f in model._meta.concrete_fields)


_UNKNOWN = object()


def _anchor_of(org) -> object:
    """The org's anchor id if it was loaded with the org (reading a deferred one is a query
    per org), else _UNKNOWN."""
    return vars(org).get("anchor_id", _UNKNOWN)


def _within_anchored(orgs: Sequence) -> Q:
    """The union of the orgs' subtrees for records that carry `org_anchor` (a copy of their
    org's township-level anchor), without joining the org table to every record: a subtree
    topped by its own anchor is an equality on `org_anchor` (as in gonghui.core.scope); one
    above the anchors (a county) is the anchors under it plus its anchor-less orgs; one below
    an anchor is its orgs. The org lists are small subqueries on the org table."""
    org_model = scope_org_model()
    tops = {org.path: org for org in orgs}
    within = Q()
    for path in _minimal(tops):
        top = tops[path]
        anchor = _anchor_of(top)
        subtree = org_model.objects.filter(path__startswith=path)
        if anchor == top.pk:
            within |= Q(org_anchor_id=top.pk)
        elif anchor is None:
            within |= Q(org_anchor__in=subtree.filter(anchor_id=F("pk")).values("pk"))
            within |= Q(org_anchor__isnull=True, org__in=subtree.values("pk"))
        else:
            within |= Q(org__in=subtree.values("pk"))
    return within


def _anchored_rows(
    queryset: QuerySet, aggregates: dict[str, models.Aggregate], orgs: Sequence
) -> list[tuple]:
    """(path, *values) rows for a model carrying `org_anchor`: the records are grouped by their
    anchor when every org asked for is an anchor or above the anchors (a county and its
    townships: a handful of groups), else by their org; the org table is joined to the
    groups, not to the records."""
    coarse = all(_anchor_of(org) in (None, org.pk) for org in orgs)
    group = Coalesce("org_anchor_id", "org_id") if coarse else F("org_id")
    grouped = (
        queryset.filter(_within_anchored(orgs))
        .order_by()
        .annotate(metric_top=group)
        .values("metric_top")
        .annotate(**aggregates)
        .values_list("metric_top", *aggregates)
    )
    inner, params = grouped.query.sql_with_params()
    org_table = connection.ops.quote_name(scope_org_model()._meta.db_table)
    columns = ", ".join(f"g.{connection.ops.quote_name(name)}" for name in aggregates)
    sql = (
        f"SELECT o.path, {columns} FROM ({inner}) g "  # noqa: S608 (compiled by Django)
        f"JOIN {org_table} o ON o.id = g.metric_top"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rolled_up(rows, orgs: Sequence, columns: int) -> list[dict[int, object]]:
    """Per value column, each org's sum over the rows (path, *values) in its subtree."""
    wanted = {org.pk for org in orgs}
    totals = [dict.fromkeys(wanted, 0) for _ in range(columns)]
    for path, *values in rows:
        on_path = [org_id for org_id in _ids_on_path(path) if org_id in wanted]
        for column, value in enumerate(values):
            if value:
                for org_id in on_path:
                    totals[column][org_id] += value
    return totals


def _scoped(measure: Count, period: Period | None) -> QuerySet:
    queryset = measure.records()
    if measure.date_field is not None and period is not None:
        queryset = _in_period(queryset, measure.date_field, period)
    return queryset


def _count_by_org(measure: Count, orgs: Sequence, period: Period | None) -> dict[int, object]:
    """One grouped query over the union of the orgs' subtrees, rolled up along the paths."""
    if not orgs:
        return {}
    queryset = _scoped(measure, period)
    if measure.org_field == "org" and _has_org_anchor(queryset.model):
        rows = _anchored_rows(queryset, {"metric_value": measure.aggregate()}, orgs)
    else:
        rows = (
            queryset.filter(_within(measure, orgs))
            .order_by()
            .values_list(_path_lookup(measure.org_field))
            .annotate(value=measure.aggregate())
        )
    return _rolled_up(rows, orgs, 1)[0]


class _Where(models.Expression):
    """A query's compiled WHERE as a boolean expression: the filter of one measure's aggregate
    when several measures of one table are counted in one pass."""

    output_field = models.BooleanField()

    def __init__(self, where):
        super().__init__()
        self.where = where

    def as_sql(self, compiler, connection):
        return compiler.compile(self.where)


def _table_only(queryset: QuerySet) -> bool:
    """Whether the records are plain filters on their own table (no join, grouping or
    combination), so that their WHERE can be one aggregate's filter in a shared pass."""
    query = queryset.query
    return (
        len(query.alias_map) <= 1
        and not query.distinct
        and not query.annotations
        and query.combinator is None
        and not query.group_by
    )


def _count_many(counts: list[Count], orgs: Sequence, period: Period | None) -> list[dict]:
    """Counts of one table with the same date field and period, in one pass over the table:
    each measure an aggregate filtered by its own records' conditions."""
    model = counts[0].records().model
    base = model._base_manager.all()
    if counts[0].date_field is not None and period is not None:
        base = _in_period(base, counts[0].date_field, period)
    aggregates = {}
    for index, count in enumerate(counts):
        aggregate = count.aggregate()
        where = count.records().query.where
        if where:
            aggregate.filter = _Where(where)
        aggregates[f"metric_{index}"] = aggregate
    return _rolled_up(_anchored_rows(base, aggregates, orgs), orgs, len(counts))


def evaluate_many(wanted: Iterable[tuple[str, Sequence, Period | None]], *, memo: dict) -> None:
    """Count into `memo` every measure asked for (and the parts of the ratios), several
    measures of one table, date field, period and set of orgs in one pass; `evaluate` with
    the same memo then answers each without a query. Measures whose records join other
    tables, or carry no org_anchor, are left to `evaluate`."""
    batches: dict[tuple, list[Count]] = {}
    asked: dict[frozenset, Sequence] = {}
    for code, orgs, period in wanted:
        measure = measure_get(code)
        parts = (
            [_count_measure(measure.numerator), _count_measure(measure.denominator)]
            if isinstance(measure, Ratio)
            else [measure]
        )
        ids = frozenset(org.pk for org in orgs)
        for count in parts:
            if (count.code, period, ids) in memo or count.org_field != "org":
                continue
            if "__" in (count.date_field or ""):
                continue  # a date on a related record: a join
            records = count.records()
            if not _has_org_anchor(records.model) or not _table_only(records):
                continue
            key = (records.model, count.date_field, period, ids)
            batch = batches.setdefault(key, [])
            if count not in batch:
                batch.append(count)
            asked[ids] = orgs
    for (_model, _date_field, period, ids), counts in batches.items():
        if len(counts) < 2:
            continue  # one measure alone: evaluate's own query is the same pass
        for count, totals in zip(counts, _count_many(counts, asked[ids], period), strict=True):
            memo[(count.code, period, ids)] = totals


def _ratio_figure(ratio: Ratio, numerator, denominator) -> Figure:
    if not denominator:
        return Figure(value=None, numerator=numerator, denominator=denominator)
    value = (Decimal(numerator) * ratio.scale / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-ratio.places)
    )
    return Figure(value=value, numerator=numerator, denominator=denominator)


def evaluate(
    code: str, *, orgs: Sequence, period: Period | None, memo: dict | None = None
) -> dict[int, Figure]:
    """The measure for each org (objects with `pk` and `path`), keyed by org id.

    No scope check: callers serving a user go through `measure_evaluate`. One query for a
    count, two for a ratio, however many orgs are asked for. `memo` (a dict the caller keeps
    for one page) answers a count asked again, e.g. the denominator of a share that is also
    shown on its own, without a second query.
    """
    measure = measure_get(code)

    def counts(count: Count) -> dict[int, object]:
        if memo is None:
            return _count_by_org(count, orgs, period)
        key = (count.code, period, frozenset(org.pk for org in orgs))
        if key not in memo:
            memo[key] = _count_by_org(count, orgs, period)
        return memo[key]

    if isinstance(measure, Ratio):
        tops = counts(_count_measure(measure.numerator))
        bottoms = counts(_count_measure(measure.denominator))
        return {pk: _ratio_figure(measure, tops[pk], bottoms[pk]) for pk in tops}
    return {pk: Figure(value=value, numerator=value) for pk, value in counts(measure).items()}


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

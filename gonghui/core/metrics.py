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
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models import Count as CountAggregate
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from gonghui.core.modules import Action
from gonghui.core.scope import dates_q, minimal_paths, path_in_scope, scope_paths


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
    # Kept per township and month (gonghui.core.tallies) for county-level asks: only for a
    # measure whose records do not depend on today's date.
    tally: bool = False
    # A state on a day (contracts in force, replies overdue): `records(day)` gives the records
    # in that state on the period's end (today without a period), not on the day it is read.
    as_of: bool = False

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
# gonghui.core.tallies.read, set at start-up (core.apps): the tallied counts of a county and
# its townships. Unset, everything is counted from the records.
tally_reader: Callable[[list, Sequence, dict], dict] | None = None


def register(*measures: Measure) -> None:
    for measure in measures:
        existing = _REGISTRY.get(measure.code)
        if existing is not None and existing != measure:
            raise ValueError(f"measure {measure.code!r} is registered twice")
        _REGISTRY[measure.code] = measure
        _MODELS.pop(measure.code, None)


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


def _period_q(model: type[models.Model], date_field: str, period: Period) -> Q:
    """The records dated in the period (a datetime by its day in Asia/Shanghai)."""
    return dates_q(model, date_field, period.start, period.end)


def _in_period(queryset: QuerySet, date_field: str, period: Period) -> QuerySet:
    return queryset.filter(_period_q(queryset.model, date_field, period))


def _records(measure: Count, period: Period | None) -> QuerySet:
    """The records the measure counts for the period: those dated in it, or for a state on
    a day (`as_of`) the records in that state on its end (today without a period)."""
    if measure.as_of:
        return measure.records(period.end if period is not None else timezone.localdate())
    queryset = measure.records()
    if measure.date_field is not None and period is not None:
        queryset = _in_period(queryset, measure.date_field, period)
    return queryset


def _ids_on_path(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _within(measure: Count, orgs: Sequence) -> Q:
    """The records of the union of the orgs' subtrees. A subtree whose top is its own anchor
    (a township-level org: Org.anchor) is an equality on the records' `org_anchor`, as in
    gonghui.core.scope; the others are path prefixes. Thousands of township orgs (an
    appraisal of every social worker) would otherwise be thousands of LIKEs per row."""
    path_lookup = _path_lookup(measure.org_field)
    tops = {org.path: org for org in orgs}
    minimal = [tops[path] for path in minimal_paths(tops)]
    anchored: set[int] = set()
    if measure.org_field == "org" and _has_org_anchor(model_of(measure)):
        # Only an anchor already loaded counts: reading a deferred one is a query per org.
        anchored = {org.pk for org in minimal if vars(org).get("anchor_id") == org.pk}
    within = Q(org_anchor_id__in=sorted(anchored)) if anchored else Q()
    for org in minimal:
        if org.pk in anchored:
            continue
        within |= Q(**{f"{path_lookup}__startswith": org.path})
    return within


def model_of(measure: Count) -> type[models.Model]:
    """The model of the measure's records (building the queryset costs more than the count
    of a small table; the model of a registered code never changes)."""
    model = _MODELS.get(measure.code)
    if model is None:
        model = _MODELS[measure.code] = _records(measure, None).model
    return model


_MODELS: dict[str, type[models.Model]] = {}


def _has_org_anchor(model) -> bool:
    return any(f.name == "org_anchor" for f in model._meta.concrete_fields)


def _additive(aggregate: models.Aggregate) -> bool:
    """Whether groups of the aggregate add up to the aggregate of their union: a plain
    count or sum. A distinct count is not (the same record key in two orgs)."""
    return isinstance(aggregate, CountAggregate | models.Sum) and not aggregate.distinct


def _anchor_fields(measure: Count) -> tuple[str, str] | None:
    """The records' township anchor and owning org columns: ("org_anchor_id", "org_id") for
    records owned through `org`, ("anchor_id", "id") for records that are orgs; None when
    the records carry no anchor."""
    model = model_of(measure)
    if measure.org_field == "org" and _has_org_anchor(model):
        return ("org_anchor_id", "org_id")
    if measure.org_field == "" and any(f.name == "anchor" for f in model._meta.concrete_fields):
        return ("anchor_id", "id")
    return None


def _org_model(measure: Count):
    model = model_of(measure)
    return model if measure.org_field == "" else model._meta.get_field("org").related_model


def _by_anchor(measure: Count, orgs: Sequence) -> bool:
    """Whether the records can be grouped by their township anchor instead of their org: the
    orgs asked are all township-level anchors or above them (a county and its townships), so
    no org asked lies below a record's anchor. A county's figures are then a few dozen groups
    to roll up instead of one per org of the county."""
    if _anchor_fields(measure) is None:
        return False
    return all(
        "anchor_id" in vars(org) and vars(org)["anchor_id"] in (org.pk, None) for org in orgs
    )


def anchor_groups(measure: Count, orgs: Sequence) -> dict[int, str]:
    """For orgs that `_by_anchor` allows: the groups their records fall in — the townships
    and the orgs above them inside the orgs' subtrees — with their paths (one query)."""
    org_model = _org_model(measure)
    within = Q()
    for path in minimal_paths({org.path for org in orgs}):
        within |= Q(path__startswith=path)
    return dict(
        org_model.objects.filter(within)
        .filter(Q(anchor_id=F("pk")) | Q(anchor__isnull=True))
        .values_list("pk", "path")
    )


def _rolled_up(
    queryset: QuerySet,
    measure: Count,
    orgs: Sequence,
    aggregates: dict,
    groups: dict[int, str] | None = None,
) -> list[dict[int, object]]:
    """The `aggregates` over the queryset's records in the union of the orgs' subtrees, for
    each org (its subtree's total), in ONE grouped query: grouped by the records' township
    anchor when `_by_anchor` allows (records of orgs above the townships by their org), else
    by the owning org's path; rolled up along the paths once per group. `groups` (from
    `anchor_groups`) names the groups: the records are then picked by their anchor or org
    alone, without reading the orgs' paths row by row."""
    wanted = {org.pk for org in orgs}
    totals: list[dict[int, object]] = [dict.fromkeys(wanted, 0) for _ in aggregates]
    if not orgs:
        return totals
    anchor, owner_id = _anchor_fields(measure) or ("", "")
    if groups is not None:
        ids = sorted(groups)
        within = Q(**{f"{anchor}__in": ids}) | Q(
            **{f"{anchor}__isnull": True, f"{owner_id}__in": ids}
        )
    else:
        within = _within(measure, orgs)
    queryset = queryset.filter(within).order_by()
    paths: dict[int, str] = dict(groups or {})
    if _by_anchor(measure, orgs):
        # Records of orgs above the townships have no anchor: grouped by their org instead.
        # A distinct count is not additive across orgs: grouped by (anchor, org) and summed
        # here, it equals the path roll-up's figure exactly.
        owner = (
            Case(When(**{f"{anchor}__isnull": True}, then=F(owner_id)))
            if all(_additive(a) for a in aggregates.values())
            else F(owner_id)
        )
        rows = [
            (
                row[anchor] if row[anchor] is not None else row["metric_owner"],
                [row[name] for name in aggregates],
            )
            for row in queryset.values(anchor, metric_owner=owner).annotate(**aggregates)
        ]
        paths.update((org.pk, org.path) for org in orgs)
        unknown = {key for key, _values in rows if key is not None and key not in paths}
        tops = minimal_paths(paths.values())
        above = [org for org in orgs if vars(org)["anchor_id"] is None]
        if unknown and len(tops) == 1 and [org.path for org in above] in ([], tops):
            # One subtree asked for, topped by the only org above the townships asked for:
            # every record not of a township asked for counts for that top alone.
            paths.update(dict.fromkeys(unknown, tops[0]))
        elif unknown:
            paths.update(
                _org_model(measure).objects.filter(pk__in=unknown).values_list("pk", "path")
            )
        grouped = [(paths.get(key, ""), values) for key, values in rows]
    else:
        path_lookup = _path_lookup(measure.org_field)
        grouped = [
            (path, values)
            for path, *values in queryset.values_list(path_lookup).annotate(**aggregates)
        ]
    on_path: dict[str, list[int]] = {}
    for path, values in grouped:
        ids = on_path.get(path)
        if ids is None:
            ids = on_path[path] = [i for i in _ids_on_path(path) if i in wanted]
        for slot, value in enumerate(values):
            if value:
                column = totals[slot]
                for org_id in ids:
                    column[org_id] += value
    return totals


def _count_by_org(
    measure: Count, orgs: Sequence, period: Period | None, groups: dict[int, str] | None = None
) -> dict[int, object]:
    """One grouped query over the union of the orgs' subtrees, rolled up along the paths."""
    queryset = _records(measure, period)
    return _rolled_up(queryset, measure, orgs, {"metric_0": measure.aggregate()}, groups)[0]


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


def _count_key(code: str, period: Period | None) -> tuple[str, Period | None]:
    """A count's key in a batch: a state measure (no date field) ignores the period, so
    every period asks the same question once."""
    measure = _count_measure(code)
    if measure.as_of and period is not None:
        return (code, Period.as_of(period.end))  # only the day counts
    return (code, period if measure.date_field is not None else None)


def _fusable(queryset: QuerySet) -> bool:
    """Whether a measure's records are one table's rows filtered on that table only (its
    WHERE can then be an aggregate's FILTER in a query over the same table)."""
    query = queryset.query
    return (
        len(query.alias_map) <= 1
        and not query.distinct
        and not query.annotations
        and not query.extra
        and not query.combinator
        and query.low_mark == 0
        and query.high_mark is None
    )


def _count_together(
    keys: list[tuple[str, Period | None]],
    orgs: Sequence,
    groups: dict[int, str] | None,
    tallied: dict,
) -> dict:
    """Several counts over the same model and org field for the same orgs. Those `tallied`
    (read from gonghui.core.tallies for a county and its townships) have only their ragged
    edge days counted from the records; the rest are counted from the records in ONE grouped
    query with the edges (`_count_live`)."""
    live = [key for key in keys if key not in tallied]
    edge_keys = list(
        dict.fromkeys((key[0], edge) for key, (_f, edges) in tallied.items() for edge in edges)
    )
    counted = _count_live(live + edge_keys, orgs, groups, edges_only=not live)
    result = {key: counted[key] for key in live}
    for key, (figures, edges) in tallied.items():
        for edge in edges:
            for org_id, value in counted[(key[0], edge)].items():
                figures[org_id] += value
        result[key] = figures
    return result


def _count_live(
    keys: list[tuple[str, Period | None]],
    orgs: Sequence,
    groups: dict[int, str] | None,
    *,
    edges_only: bool = False,
) -> dict:
    """Counts over the same model and org field for the same orgs: ONE grouped query with one
    filtered aggregate per count (COUNT(*) FILTER (WHERE …)), rolled up along the paths once
    per row. Counts whose records join other tables are counted on their own. `edges_only`:
    every key is a few days of a tallied measure, so the query reads only those days."""
    if not keys:
        return {}
    measures = [_count_measure(code) for code, _period in keys]
    querysets = []
    for measure, (_code, period) in zip(measures, keys, strict=True):
        querysets.append(_records(measure, period))
    result: dict = {}
    fused = [
        n
        for n, qs in enumerate(querysets)
        if _fusable(qs) and getattr(measures[n].aggregate(), "filter", None) is None
    ]
    for n in range(len(keys)):
        if n not in fused or len(fused) == 1:
            result[keys[n]] = _count_by_org(measures[n], orgs, keys[n][1], groups)
    if len(fused) < 2:
        return result
    aggregates = {}
    for slot, n in enumerate(fused):
        aggregate = measures[n].aggregate()
        where = querysets[n].query.where
        if where:
            aggregate.filter = where.clone()
        aggregates[f"metric_{slot}"] = aggregate
    first = measures[fused[0]]
    base = querysets[fused[0]].model._base_manager.all()
    if edges_only:
        days = Q()
        for n in fused:
            days |= _period_q(base.model, measures[n].date_field, keys[n][1])
        base = base.filter(days)
    totals = _rolled_up(base, first, orgs, aggregates, groups)
    for slot, n in enumerate(fused):
        result[keys[n]] = totals[slot]
    return result


def evaluate_many(
    wanted: Iterable[tuple[str, Sequence, Period | None]],
) -> dict[tuple[str, Period | None], dict[int, Figure]]:
    """Many (measure, orgs, period) questions at once, keyed by (code, period), each holding
    the figures of every org asked with that code and period (the union of the asks).

    Fewer queries than one per measure: a ratio's parts and a count asked by several
    questions are counted once (for the union of their orgs), and the counts over the same
    model are fused into one grouped query (see `_count_together`): a dashboard's member
    tiles are one scan of the members, not five.
    """
    asked: dict[tuple[str, Period | None], dict[int, object]] = {}
    for code, orgs, period in wanted:
        slot = asked.setdefault((code, period), {})
        for org in orgs:
            slot.setdefault(org.pk, org)
    counts: dict[tuple[str, Period | None], dict[int, object]] = {}
    for (code, period), orgs in asked.items():
        measure = measure_get(code)
        parts = (measure.numerator, measure.denominator) if isinstance(measure, Ratio) else (code,)
        for part in parts:
            counts.setdefault(_count_key(part, period), {}).update(orgs)
    groups: dict[tuple, list[tuple[str, Period | None]]] = {}
    for key in counts:
        measure = _count_measure(key[0])
        groups.setdefault((model_of(measure), measure.org_field), []).append(key)
    # Per table: its keys, the union of their orgs, and for a county and its townships the
    # groups of their records (one query per set of orgs).
    batches = []
    tops: dict[int, frozenset[str]] = {}
    known_groups: dict[frozenset[str], dict[int, str]] = {}
    for keys in groups.values():
        union: dict[int, object] = {}
        for key in keys:
            union.update(counts[key])
        orgs = list(union.values())
        measure = _count_measure(keys[0][0])
        anchored = None
        if _by_anchor(measure, orgs):
            top = frozenset(minimal_paths({org.path for org in orgs}))
            anchored = known_groups.get(top)
            if anchored is None:
                anchored = known_groups[top] = anchor_groups(measure, orgs)
            tops[len(batches)] = top
        batches.append((keys, orgs, anchored))
    # The tallied counts of every table over the same subtrees at once (one read).
    tallied: dict = {}
    if tally_reader is not None:
        asks: dict[frozenset[str], tuple[dict[int, object], list]] = {}
        for n, top in tops.items():
            keys, orgs, _anchored = batches[n]
            asked_orgs, asked_keys = asks.setdefault(top, ({}, []))
            asked_orgs.update((org.pk, org) for org in orgs)
            asked_keys.extend(keys)
        for top, (asked_orgs, asked_keys) in asks.items():
            tallied.update(tally_reader(asked_keys, list(asked_orgs.values()), known_groups[top]))
    values: dict[tuple[str, Period | None], dict[int, object]] = {}
    for keys, orgs, anchored in batches:
        mine = {key: tallied[key] for key in keys if key in tallied}
        values.update(_count_together(keys, orgs, anchored, mine))
    result: dict[tuple[str, Period | None], dict[int, Figure]] = {}
    for (code, period), orgs in asked.items():
        measure = measure_get(code)
        if isinstance(measure, Ratio):
            tops = values[_count_key(measure.numerator, period)]
            bottoms = values[_count_key(measure.denominator, period)]
            result[(code, period)] = {
                pk: _ratio_figure(measure, tops[pk], bottoms[pk]) for pk in orgs
            }
        else:
            counted = values[_count_key(code, period)]
            result[(code, period)] = {
                pk: Figure(value=counted[pk], numerator=counted[pk]) for pk in orgs
            }
    return result


def undated(code: str) -> bool:
    """Whether the measure counts the records' present state: no date puts its records in a
    period (for a ratio: neither part's)."""
    measure = measure_get(code)
    if isinstance(measure, Ratio):
        return undated(measure.numerator) and undated(measure.denominator)
    return measure.date_field is None and not measure.as_of


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

"""Tallies: a count measure kept per group of records and per month, so that a county's figures
are a few thousand small rows summed instead of a scan of its million members.

What is tallied: a `Count` registered with `tally=True` that `tally_problem` accepts — its
records are one table's rows filtered on that table only, owned through `org` with an
`org_anchor`, counted or summed (no distinct, no filter of its own), dated by a field of the
table that has an index (or not dated at all), and not depending on today's date (a test
compiles every tallied measure on two different days). Tallies are read only for what
`metrics._by_anchor` groups by anchor: a county and its townships.

What is kept (MetricTally): per measure and group (the records' township anchor, or their org
when it lies above the townships) one row per month with records ("m", day = the first of the
month, in Asia/Shanghai for datetimes), or one row for a measure of the present state ("s"). A
period's figure is the sum of its whole months; the ragged days at either end are counted from
the records (a range on the date's index), in the same fused query as the measures that are
not tallied. A period without a whole month is simply counted from the records.

How they stay true: triggers on every tallied table (installed by migrate, `install_triggers`)
append the groups of every inserted, updated or deleted row to MetricTallyDirty, whoever writes
(services, imports, a data fix in a shell, COPY), and a TRUNCATE forgets the table's tallies.
Before a table's tallies are read, `refresh` counts its dirty groups again from the records,
in one transaction under a lock on the table's state row (concurrent readers wait for it, then
find nothing left to do). A table's state keeps the fingerprint of its measures' SQL: a measure
added or changed rebuilds the table's tallies. A table whose triggers are missing (migrate not
run since a measure was marked) is counted from the records, never read from stale tallies.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from gonghui.core import metrics
from gonghui.core.models import MetricTally, MetricTallyDirty, MetricTallyState
from gonghui.core.scope import is_datetime_field

VERSION = "1"
BATCH = 5000
# More dirty groups than this are counted by rebuilding the whole table (one scan) rather than
# by a list of groups.
REBUILD_ABOVE = 500
_TRIGGER_OPS = (("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE"))


def tally_problem(measure: metrics.Count) -> str | None:
    """Why the measure cannot be tallied (English, for developers), or None."""
    if measure.as_of:
        return "it is a state on a day, not records dated in a period"
    queryset = measure.records()
    model = queryset.model
    if measure.org_field != "org" or not metrics._has_org_anchor(model):
        return "its records are not owned through `org` with an `org_anchor`"
    if not metrics._fusable(queryset):
        return "its records are not one table filtered on that table alone"
    aggregate = measure.aggregate()
    if not metrics._additive(aggregate) or getattr(aggregate, "filter", None) is not None:
        return "its aggregate is not a plain count or sum"
    if _value_field(measure) is False:
        return "its sum is not over an integer or decimal field of the table"
    if measure.date_field is not None:
        if "__" in measure.date_field:
            return "its date is not a field of the table"
        field = model._meta.get_field(measure.date_field)
        indexed = field.db_index or any(
            index.fields and index.fields[0].lstrip("-") == measure.date_field
            for index in model._meta.indexes
        )
        if not indexed:
            return f"its date field {measure.date_field!r} has no index (the edges need one)"
    return None


def _value_field(measure: metrics.Count):
    """None for a count; the summed field; False when the sum is not over a plain field."""
    aggregate = measure.aggregate()
    if isinstance(aggregate, models.Count):
        return None
    source = aggregate.get_source_expressions()[0]
    if not isinstance(source, F):
        return False
    try:
        field = measure.records().model._meta.get_field(source.name)
    except Exception:  # noqa: BLE001 - any unknown name means "not a plain field"
        return False
    if isinstance(field, models.DecimalField | models.IntegerField):
        return field
    return False


def _as_measured(measure: metrics.Count, value: Decimal):
    """A tallied sum back in the type the records' aggregate gives (int or the field's places)."""
    field = _value_field(measure)
    if isinstance(field, models.DecimalField):
        return value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return int(value)


@functools.cache
def _tallied(code: str) -> bool:
    measure = metrics.measure_get(code)
    return getattr(measure, "tally", False) and tally_problem(measure) is None


def tallied_by_table() -> dict[str, list[metrics.Count]]:
    """The tallied measures, by their records' table."""
    tables: dict[str, list[metrics.Count]] = defaultdict(list)
    for measure in metrics.measures():
        if isinstance(measure, metrics.Count) and _tallied(measure.code):
            tables[measure.records().model._meta.db_table].append(measure)
    return dict(tables)


@functools.cache
def _table_fingerprint(table: str) -> str:
    return _fingerprint(tallied_by_table()[table])


def _fingerprint(measures: Sequence[metrics.Count]) -> str:
    parts = [VERSION]
    for measure in sorted(measures, key=lambda m: m.code):
        parts += [measure.code, str(measure.date_field), repr(measure.aggregate())]
        parts.append(str(measure.records().query))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- triggers ------------------------------------------------------------------------------


def _trigger_name(table: str, op: str) -> str:
    return f"{table[:40]}_tally_{op}"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def trigger_statements(vendor: str, table: str) -> list[str]:
    dirty = MetricTallyDirty._meta.db_table
    t = _quote(table)
    if vendor == "postgresql":
        statements = []
        for op, event in _TRIGGER_OPS:
            tables = {
                "ins": "NEW TABLE AS tally_new",
                "upd": "OLD TABLE AS tally_old NEW TABLE AS tally_new",
                "del": "OLD TABLE AS tally_old",
            }[op]
            statements.append(
                f"CREATE OR REPLACE TRIGGER {_trigger_name(table, op)} AFTER {event} ON {t} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION gonghui_tally_dirty_{op}()"
            )
        statements.append(
            f"CREATE OR REPLACE TRIGGER {_trigger_name(table, 'trunc')} AFTER TRUNCATE ON {t} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION gonghui_tally_forget()"
        )
        return statements
    insert = f'INSERT INTO {dirty} ("table", group_id) VALUES'
    rows = {
        "ins": [f"('{table}', COALESCE(NEW.org_anchor_id, NEW.org_id))"],
        "upd": [
            f"('{table}', COALESCE(OLD.org_anchor_id, OLD.org_id))",
            f"('{table}', COALESCE(NEW.org_anchor_id, NEW.org_id))",
        ],
        "del": [f"('{table}', COALESCE(OLD.org_anchor_id, OLD.org_id))"],
    }
    return [
        f"CREATE TRIGGER IF NOT EXISTS {_trigger_name(table, op)} AFTER {event} ON {t} "
        f"BEGIN {insert} {', '.join(rows[op])}; END"
        for op, event in _TRIGGER_OPS
    ]


def _function_statements() -> list[str]:
    dirty, state = MetricTallyDirty._meta.db_table, MetricTallyState._meta.db_table
    select = {
        "ins": "SELECT TG_TABLE_NAME, COALESCE(org_anchor_id, org_id) FROM tally_new",
        "del": "SELECT TG_TABLE_NAME, COALESCE(org_anchor_id, org_id) FROM tally_old",
    }
    select["upd"] = f"{select['ins']} UNION {select['del']}"
    statements = [
        f"CREATE OR REPLACE FUNCTION gonghui_tally_dirty_{op}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN "
        f'INSERT INTO {dirty} ("table", group_id) SELECT DISTINCT * FROM ({select[op]}) AS g; '
        f"RETURN NULL; END $$"
        for op, _event in _TRIGGER_OPS
    ]
    statements.append(
        "CREATE OR REPLACE FUNCTION gonghui_tally_forget() RETURNS trigger "
        f'LANGUAGE plpgsql AS $$ BEGIN DELETE FROM {state} WHERE "table" = TG_TABLE_NAME; '
        "RETURN NULL; END $$"
    )
    return statements


def install_triggers(using: str = "default") -> list[str]:
    """Create (or replace) the triggers of every tallied table; the tables they cover."""
    from django.db import connections

    db = connections[using]
    if db.vendor not in ("postgresql", "sqlite"):
        return []
    existing = set(db.introspection.table_names())
    if MetricTallyDirty._meta.db_table not in existing:
        return []  # core not migrated yet (migrate of a single app)
    tables = sorted(set(tallied_by_table()) & existing)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            for statement in _function_statements():
                cursor.execute(statement)
        for table in tables:
            for statement in trigger_statements(db.vendor, table):
                cursor.execute(statement)
    _triggers_present.cache_clear()
    return tables


def install_after_migrate(sender, using="default", **kwargs) -> None:
    install_triggers(using)


@functools.cache
def _triggers_present(alias_and_db: tuple[str, str], table: str) -> bool:
    names = [_trigger_name(table, op) for op, _event in _TRIGGER_OPS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
                "AND tgname = ANY(%s) AND tgenabled <> 'D'",
                [table, names],
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                f"AND name IN ({', '.join(['%s'] * len(names))})",
                [table, *names],
            )
        return cursor.fetchone()[0] == len(names)


def _usable(table: str) -> bool:
    return connection.vendor in ("postgresql", "sqlite") and _triggers_present(
        (connection.alias, str(connection.settings_dict["NAME"])), table
    )


# --- counting the records into tallies -----------------------------------------------------


def _count(measures: Sequence[metrics.Count], groups: Iterable[int] | None) -> list[MetricTally]:
    """The tally rows of the measures (one table) for the groups (None: every group)."""
    table = measures[0].records().model._meta.db_table
    by_date: dict[str | None, list[metrics.Count]] = defaultdict(list)
    for measure in measures:
        by_date[measure.date_field].append(measure)
    rows: list[MetricTally] = []
    groups = sorted(groups) if groups is not None else None
    for date_field, same_date in by_date.items():
        model = same_date[0].records().model
        queryset = model._base_manager.order_by()
        if groups is not None:
            queryset = queryset.filter(
                Q(org_anchor_id__in=groups) | Q(org_anchor__isnull=True, org_id__in=groups)
            )
        keys: dict[str, object] = {"tally_group": Coalesce("org_anchor_id", "org_id")}
        if date_field is not None:
            zone = timezone.get_default_timezone() if is_datetime_field(model, date_field) else None
            keys["tally_month"] = TruncMonth(
                date_field, output_field=models.DateField(), tzinfo=zone
            )
            queryset = queryset.filter(**{f"{date_field}__isnull": False})
        aggregates = {}
        for slot, measure in enumerate(same_date):
            aggregate = measure.aggregate()
            where = measure.records().query.where
            if where:
                aggregate.filter = where.clone()
            aggregates[f"tally_{slot}"] = aggregate
        for row in queryset.values(**keys).annotate(**aggregates):
            for slot, measure in enumerate(same_date):
                value = row[f"tally_{slot}"]
                if value:
                    rows.append(
                        MetricTally(
                            table=table,
                            code=measure.code,
                            group_id=row["tally_group"],
                            span="m" if date_field is not None else "s",
                            day=row.get("tally_month"),
                            value=value,
                        )
                    )
    return rows


def _states(tables: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Each table's built fingerprint and whether it has dirty groups (one query)."""
    dirty = MetricTallyDirty.objects.filter(table=OuterRef("table"))
    return {
        table: (fingerprint, is_dirty)
        for table, fingerprint, is_dirty in MetricTallyState.objects.filter(table__in=tables)
        .annotate(is_dirty=Exists(dirty))
        .values_list("table", "fingerprint", "is_dirty")
    }


def refresh(table: str) -> None:
    """Bring the table's tallies up to its records: rebuild when never built or when its
    measures changed, else count its dirty groups again."""
    measures = tallied_by_table()[table]
    fingerprint = _table_fingerprint(table)
    MetricTallyState.objects.get_or_create(table=table, defaults={"fingerprint": ""})
    with transaction.atomic():
        state = MetricTallyState.objects.select_for_update().get(table=table)
        pending = MetricTallyDirty.objects.filter(table=table)
        newest = pending.aggregate(newest=Max("id"))["newest"]
        groups = None
        if state.fingerprint == fingerprint:
            if newest is None:
                return
            groups = set(
                pending.filter(id__lte=newest).values_list("group_id", flat=True).distinct()
            )
            if len(groups) > REBUILD_ABOVE:
                groups = None
        if newest is not None:
            pending.filter(id__lte=newest).delete()
        stale = MetricTally.objects.filter(table=table)
        if groups is not None:
            stale = stale.filter(group_id__in=sorted(groups))
        stale.delete()
        MetricTally.objects.bulk_create(_count(measures, groups), batch_size=BATCH)
        if state.fingerprint != fingerprint:
            state.fingerprint = fingerprint
            state.save(update_fields=["fingerprint", "built_at"])


# --- reading -------------------------------------------------------------------------------


def _months(period: metrics.Period | None) -> tuple[dt.date | None, dt.date] | None:
    """The whole months of the period as [first, stop) month starts (first None: from the
    beginning), or None when it holds no whole month."""
    if period is None:
        return None
    start, end = period.start, period.end
    first = start
    if start is not None and start.day != 1:
        first = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    after_end = end + dt.timedelta(days=1)
    stop = after_end if after_end.day == 1 else end.replace(day=1)
    if first is not None and first >= stop:
        return None
    return first, stop


def edges(period: metrics.Period, months: tuple[dt.date | None, dt.date]) -> list[metrics.Period]:
    """The days of the period outside its whole months, as periods counted from the records."""
    first, stop = months
    found = []
    if period.start is not None and first is not None and period.start < first:
        found.append(metrics.Period(start=period.start, end=first - dt.timedelta(days=1)))
    if stop <= period.end:
        found.append(metrics.Period(start=stop, end=period.end))
    return found


Answer = dict[tuple[str, "metrics.Period | None"], tuple[dict[int, object], list[metrics.Period]]]


def read(
    keys: Sequence[tuple[str, metrics.Period | None]], orgs: Sequence, groups: dict[int, str]
) -> Answer:
    """The keys that tallies answer for the orgs (a county and its townships, whose record
    groups are `groups`: metrics.anchor_groups), each with its figures per org from the whole
    months (or the state) and the edge periods still to be counted from the records."""
    wanted = []
    for code, period in keys:
        if not _tallied(code):
            continue
        measure = metrics.measure_get(code)
        if measure.date_field is None:
            wanted.append((code, period, None))
        elif (months := _months(period)) is not None:
            wanted.append((code, period, months))
    if not wanted:
        return {}
    by_table = tallied_by_table()
    table_of = {m.code: table for table, ms in by_table.items() for m in ms}
    tables = {table_of[code] for code, _period, _months in wanted}
    usable = {table for table in tables if _usable(table)}
    wanted = [w for w in wanted if table_of[w[0]] in usable]
    if not wanted:
        return {}
    states = _states(usable)
    for table in sorted(usable):
        if states.get(table) != (_table_fingerprint(table), False):
            refresh(table)
    answer: Answer = {}
    if not groups:
        for code, period, months in wanted:
            zero = dict.fromkeys((org.pk for org in orgs), 0)
            answer[(code, period)] = (zero, edges(period, months) if months else [])
        return answer
    selects, params = [], []
    group_list = ", ".join(["%s"] * len(groups))
    tally = _quote(MetricTally._meta.db_table)
    for slot, (code, _period, months) in enumerate(wanted):
        sql = (
            f"SELECT {slot} AS slot, group_id, SUM(value) AS total FROM {tally} "
            f"WHERE code = %s AND span = %s AND group_id IN ({group_list})"
        )
        args: list[object] = [code, "s" if months is None else "m", *groups]
        if months is not None:
            first, stop = months
            sql += " AND day < %s"
            args.append(stop)
            if first is not None:
                sql += " AND day >= %s"
                args.append(first)
        selects.append(f"{sql} GROUP BY group_id")
        params += args
    totals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        for slot, group_id, total in cursor.fetchall():
            totals[slot][group_id] = Decimal(total)
    asked = {org.pk for org in orgs}
    on_path = {
        group_id: [i for i in metrics._ids_on_path(path) if i in asked]
        for group_id, path in groups.items()
    }
    for slot, (code, period, months) in enumerate(wanted):
        measure = metrics.measure_get(code)
        figures: dict[int, object] = dict.fromkeys(asked, 0)
        for group_id, total in totals[slot].items():
            value = _as_measured(measure, total)
            for org_id in on_path.get(group_id, ()):
                figures[org_id] += value
        answer[(code, period)] = (figures, edges(period, months) if months else [])
    return answer

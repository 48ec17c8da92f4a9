"""The two passes over an uploaded table: validate (preview) and commit.

Both stream the stored file in batches: each batch is parsed cell by cell, checked against
the spec (hooks run once per batch, so lookups are one query per batch, not per row), and
in the commit pass written. Rows with errors go to a JSON-lines file beside the upload;
the job keeps counts, progress, a preview and the first errors for the pages.
"""

import contextlib
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.core.errors import ServiceError
from gonghui.core.imports.lease import Lease, LeaseLost
from gonghui.core.imports.models import ExistingPolicy, ImportJob, ImportMode, ImportStatus
from gonghui.core.imports.normalise import cell_text, str_text
from gonghui.core.imports.parsers import TooLong, too_long_message
from gonghui.core.imports.reader import iter_table
from gonghui.core.imports.spec import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    ImportContext,
    ImportSpec,
    Row,
)
from gonghui.core.imports.spill import SpillWriter, spill_relative, spill_rows
from gonghui.core.imports.table import job_header_fields, table_header
from gonghui.core.imports.tuning import BatchGarbage, paused_gc, short_switch_interval

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
PREVIEW_CELL = 200  # characters of a cell shown in the preview
CELL_MAX = 32_767  # the most an .xlsx cell holds
ERROR_SAMPLE = 50
PROGRESS_INTERVAL = 0.5  # seconds between progress writes
ERROR_REASON = "错误原因"


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


# --- turning raw rows into checked Rows --------------------------------------------------


# Distinct cells remembered per column before its memo is dropped: a date column over forty
# years holds ~15,000 distinct days, often written in two or three styles (2021.3.5,
# 2021/03/05, 2021年3月5日); a column of names or ID numbers gives up after this many.
MEMO_LIMIT = 50_000


class RowChecker:
    """Parses and checks rows against a spec with a fixed column mapping.

    Each column remembers what its distinct cells parsed to: union spreadsheets repeat the
    same few values (gender, education, employer, union, dates) in most of their columns, so
    most cells skip normalising and parsing. A column with more than MEMO_LIMIT distinct
    cells (names, ID numbers, phones) stops remembering. Parsers depend only on the text.
    """

    def __init__(self, spec: ImportSpec, mapping: dict[int, str]):
        self.spec = spec
        # [column index, key, label, parse, required, memo] per mapped column, in file order.
        self.plan = [
            [
                index,
                key,
                spec.column(key).label,
                _limited(spec.column(key)),
                spec.column(key).required,
                {},
            ]
            for index, key in sorted(mapping.items())
        ]
        self.key_columns = spec.key_columns
        self.key_label = "、".join(spec.column(k).label for k in self.key_columns)

    def _cell(self, value, label: str, parse, required: bool) -> tuple[bool, object]:
        """(True, parsed value), (False, error message) or (True, None) for a blank cell."""
        text = (str_text(value) if value else "") if value.__class__ is str else cell_text(value)
        if not text:
            return (False, f"请填写{label}。") if required else (True, None)
        if parse is None:
            return True, text
        try:
            return True, parse(text)
        except TooLong as exc:
            return False, too_long_message(label, exc.max_length, exc.length)
        except ValueError as exc:
            message = str(exc)
            return False, message if message.startswith(label) else f"{label}：{message}"

    def parse(self, number: int, raw: list) -> Row:
        values: dict = {}
        errors: list[str] = []
        width = len(raw)
        for step in self.plan:
            index, key, label, parse, required, memo = step
            value = raw[index] if index < width else ""
            if memo is None:
                ok, result = self._cell(value, label, parse, required)
            else:
                # 1 == 1.0 == True as keys: only strings go in as themselves.
                memo_key = value if value.__class__ is str else (value.__class__, value)
                hit = memo.get(memo_key)
                if hit is None:
                    hit = memo[memo_key] = self._cell(value, label, parse, required)
                    if len(memo) > MEMO_LIMIT:
                        step[5] = None
                ok, result = hit
            if not ok:
                errors.append(result)
            elif result is not None:
                values[key] = result
        return Row(number, raw, values, errors)

    def parse_batch(self, batch: list) -> list[Row]:
        """The batch's (number, raw) rows parsed. A row with nothing in any recognised
        column is not data (a footer such as 制表人：…, 合计 in the 序号 column) and is
        dropped; only rows that parsed to no value at all are looked at again."""
        rows = [self.parse(number, raw) for number, raw in batch]
        if any(not row.values for row in rows):
            rows = [row for row in rows if row.values or not self._blank(row.raw)]
        return rows

    def _blank(self, raw: list) -> bool:
        width = len(raw)
        return not any(cell_text(raw[step[0]]) for step in self.plan if step[0] < width)

    def check(self, ctx: ImportContext, rows: list[Row]) -> None:
        """Duplicate natural keys within the file, then the spec's own hooks."""
        self._natural_keys(ctx, rows, report=True)
        spec = self.spec
        if spec.validate_row is not None:
            for row in rows:
                if not row.errors:
                    spec.validate_row(ctx, row)
        if spec.validate_batch is not None:
            ok = [row for row in rows if not row.errors]
            if ok:
                spec.validate_batch(ctx, ok)

    def remember_keys(self, ctx: ImportContext, rows: list[Row]) -> None:
        """Note the natural keys of rows a resumed commit skips (written before it was
        interrupted), as checking them did, so a later duplicate is still refused."""
        self._natural_keys(ctx, rows, report=False)

    def _natural_keys(self, ctx: ImportContext, rows: list[Row], *, report: bool) -> None:
        seen = ctx.state.setdefault("_natural_keys", {})
        key_columns = self.key_columns
        single = key_columns[0] if len(key_columns) == 1 else None
        for row in rows:
            if row.errors:
                continue
            if single is None:
                key = tuple(map(row.values.get, key_columns))
            else:
                # A key kept for every row of the file: a plain str (of a str subclass such
                # as MaskedIdNumber) is smaller than a 1-tuple and not tracked by the gc.
                key = row.values.get(single)
                if isinstance(key, str):
                    key = str.__str__(key)
            first = seen.get(key)
            if first is None:
                seen[key] = row.number
            elif first != row.number and report:
                shown = "、".join(str(v) for v in map(row.values.get, key_columns))
                row.error(f"{self.key_label}“{shown}”与第 {first} 行重复。")

    def preview_cells(self, raw: list) -> list[str]:
        """The mapped cells for the preview, personal data masked."""
        width = len(raw)
        cells = []
        for index, key, *_ in self.plan:
            text = cell_text(raw[index]) if index < width else ""
            mask = self.spec.column(key).mask
            text = mask(text) if mask is not None and text else text
            cells.append(text if len(text) <= PREVIEW_CELL else text[: PREVIEW_CELL - 1] + "…")
        return cells


def _limited(column):
    """The column's parser, checking `max_length` first when the column sets one."""
    parse, limit = column.parse, column.max_length
    if limit is None:
        return parse

    def parse_limited(text: str):
        if len(text) > limit:
            raise TooLong(limit, len(text))
        return text if parse is None else parse(text)

    return parse_limited


def job_mapping(job: ImportJob) -> dict[int, str]:
    return {int(item["index"]): item["key"] for item in job.columns}


def data_rows(job: ImportJob) -> Iterator[tuple[int, list]]:
    """The job's data rows (after the header), streamed from the stored file."""
    _, rows = iter_table(media_path(job.file_path), job.file_format, job.split_sheets)
    for number, raw in rows:
        if number >= job.data_start_row:
            yield number, raw


def batches(iterator, size: int, *, split_last: bool = False) -> Iterator[list]:
    """Lists of `size` items. `split_last`: a last batch of more than half the size comes
    as two halves, so that the overlapped writer's two connections share it instead of one
    writing it alone while everything else waits (about 0.2 s of 200,000 member rows)."""
    if not split_last:
        while batch := list(islice(iterator, size)):
            yield batch
        return
    batch = list(islice(iterator, size))
    while batch:
        following = list(islice(iterator, size))
        if not following and len(batch) > size // 2:
            half = len(batch) // 2
            yield batch[:half]
            batch = batch[half:]
        yield batch
        batch = following


# --- errors and progress -----------------------------------------------------------------


class ErrorLog:
    """Rejected rows as JSON lines: {"row": n, "cells": [...], "errors": [...]}.

    A commit's log marks its own records ("pass": "commit") and is flushed batch by batch
    before the batch commits, so after a crash it holds the records of every batch written:
    a resumed commit keeps those (`keep_from`) and carries on. A row read back from the
    spill has no raw cells: its record is written with "cells": null and filled from the
    stored file in one pass at the end (`fill_pending`; only rows the database refused at
    commit, so normally none).
    """

    def __init__(self, relative: str, *, tag: str = "", part: str = ""):
        self.relative = relative
        self.tag = tag
        self.path = media_path(relative)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # `part`: written under a name of its own and moved into place by publish(), so that
        # a run that was taken over while still alive never writes into the new run's file.
        self.writing = self.path.with_name(f"{self.path.name}.{part}") if part else self.path
        self.handle = open(self.writing, "w", encoding="utf-8")  # noqa: SIM115 - see close()
        self.count = 0
        self.pending = 0
        self.sample: list[dict] = []

    def add(self, row: Row) -> None:
        self._sample(row.number, row.errors)
        if row.raw is None:
            self.pending += 1
            self._write(row.number, None, row.errors)
        else:
            self._write(row.number, [cell_text(c) for c in row.raw], row.errors)

    def add_rejected(self, rows: list[Row]) -> None:
        """The rows of a batch that have errors, flushed (before the batch commits)."""
        for row in rows:
            if row.errors:
                self.add(row)
        self.handle.flush()

    def _sample(self, number: int, errors: list[str]) -> None:
        self.count += 1
        if len(self.sample) < ERROR_SAMPLE:
            self.sample.append({"row": number, "errors": list(errors)})

    def copy_from(self, relative: str) -> None:
        """Carry over another log's records (the validation pass's) as they are."""
        path = media_path(relative)
        if not relative or not path.exists():
            return
        with open(path, encoding="utf-8") as source:
            for line in source:
                record = json.loads(line)
                self._sample(record["row"], record["errors"])
                self.handle.write(line)

    def keep_from(self, path: Path, *, through: int) -> None:
        """Carry over an interrupted commit's own records of the rows it wrote (its batches
        up to file row `through`); the rest are the resumed commit's to write again."""
        if not path.exists():
            return
        with open(path, encoding="utf-8") as source:
            for line in source:
                try:
                    record = json.loads(line)
                except ValueError:  # the last line of a killed process may be cut short
                    continue
                if record.get("pass") == self.tag and record["row"] <= through:
                    self._sample(record["row"], record["errors"])
                    self.pending += record["cells"] is None
                    self.handle.write(line)
        self.handle.flush()

    def fill_pending(self, job: "ImportJob") -> None:
        """Give records written without cells the row's cells, read from the stored file."""
        if not self.pending:
            return
        self.handle.close()
        records = [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]
        wanted = {r["row"] for r in records if r["cells"] is None}
        cells: dict[int, list[str]] = {}
        for number, raw in data_rows(job):
            if number in wanted:
                cells[number] = [cell_text(c) for c in raw]
                if len(cells) == len(wanted):
                    break
        self.handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        for record in records:
            if record["cells"] is None:  # [] if the file changed under us
                record["cells"] = cells.get(record["row"], [])
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.pending = 0

    def _write(self, number: int, cells: list[str] | None, errors: list[str]) -> None:
        # A spreadsheet cell holds at most CELL_MAX characters: the error sheet keeps the
        # start of a longer one (its row was refused as too long for its field).
        if cells is not None:
            cells = [c if len(c) <= CELL_MAX else c[: CELL_MAX - 1] + "…" for c in cells]
        record = {"row": number, "cells": cells, "errors": errors}
        if self.tag:
            record["pass"] = self.tag
        self.handle.write(json.dumps(record, ensure_ascii=False))
        self.handle.write("\n")

    def close(self) -> None:
        self.handle.close()

    def publish(self) -> None:
        if self.writing != self.path:
            os.replace(self.writing, self.path)


def read_errors(job: ImportJob) -> Iterator[dict]:
    if not job.errors_path:
        return
    path = media_path(job.errors_path)
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


class Progress:
    """Writes progress to the job at most every PROGRESS_INTERVAL seconds.

    Inside the single transaction of an all-or-nothing commit, other connections cannot see
    in-transaction writes, so on PostgreSQL progress goes through a second connection. (On
    SQLite a second writer would wait for the first, so there the page shows the progress of
    the validation part and then "写入中" until the transaction commits.)
    """

    def __init__(self, job: ImportJob, *, side_channel: bool = False):
        self.job_id = job.pk
        self.attempt = job.attempt  # only while the run holds the job (lease.py)
        self.total = max(job.total_rows, 1)
        self.last = 0.0
        self.side = None
        if side_channel and connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def update(self, processed: int, *, force: bool = False, **fields) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        fields.update(processed_rows=processed, progress=min(99, processed * 100 // self.total))
        if self.side is None:
            ImportJob.objects.filter(pk=self.job_id, attempt=self.attempt).update(**fields)
            return
        quote = self.side.ops.quote_name
        assignments = ", ".join(
            f"{quote(ImportJob._meta.get_field(name).column)} = %s" for name in fields
        )
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(ImportJob._meta.db_table)} SET {assignments} "
                "WHERE id = %s AND attempt = %s",
                [*fields.values(), self.job_id, self.attempt],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def service_error_messages(spec: ImportSpec, exc: ServiceError) -> list[str]:
    if not exc.fields:
        return [exc.message]
    messages = []
    for name, items in exc.fields.items():
        label = spec.label_for(name)
        messages.extend(f"{label}：{item}" if label else item for item in items)
    return messages


# --- the validation pass -----------------------------------------------------------------


def batch_rows(default: int) -> int:
    """Rows per batch: the kind's own, unless settings.IMPORT_BATCH_ROWS sets one for all
    (tests of crash recovery use small batches)."""
    return settings.IMPORT_BATCH_ROWS or default


def save_fenced(job: ImportJob, fields: list[str]) -> bool:
    """Store `fields` of the job if the run still holds it (its attempt); False if another
    run has taken it over (then nothing is stored)."""
    values = {name: getattr(job, name) for name in fields}
    values["updated_at"] = timezone.now()
    return bool(ImportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(**values))


@paused_gc
def validate_job(job: ImportJob, *, kind, lease: Lease | None = None) -> ImportJob:
    """Parse and check every row; store counts, preview, first errors, findings and the
    error file. The caller has claimed the job (its attempt) and holds its lease."""
    spec = kind.spec
    checker = RowChecker(spec, job_mapping(job))
    ctx = ImportContext(actor=job.user, org=job.org, job=job, kind=kind, committing=False)
    # Each run writes its own files and moves them into place at the end (see ErrorLog).
    part = f"attempt{job.attempt}"
    log = ErrorLog(f"{Path(job.file_path).with_suffix('')}.validate.errors.jsonl", part=part)
    spilled = media_path(spill_relative(job.file_path))
    spill = SpillWriter(spilled.with_name(f"{spilled.name}.{part}"), job_id=job.pk)
    progress = Progress(job)
    preview: list[dict] = []
    total = valid = existing = 0
    garbage = BatchGarbage()
    try:
        for batch in batches(data_rows(job), batch_rows(spec.batch_size)):
            if lease is not None:
                lease.check()
            garbage.batch_done()
            rows = checker.parse_batch(batch)
            checker.check(ctx, rows)
            spill.write([row for row in rows if not row.errors])
            for row in rows:
                if len(preview) < PREVIEW_ROWS:
                    preview.append(
                        {
                            "row": row.number,
                            "cells": checker.preview_cells(row.raw),
                            "errors": list(row.errors),
                        }
                    )
                if row.errors:
                    log.add(row)
                else:
                    valid += 1
                    existing += row.existing
            total += len(rows)
            progress.update(total, valid_rows=valid, error_rows=log.count)
    finally:
        log.close()
        spill.close()
        progress.close()
    lease_held = lease is None or not lease.lost
    if lease_held:
        log.publish()
        os.replace(spilled.with_name(f"{spilled.name}.{part}"), spilled)
    job.total_rows, job.valid_rows, job.error_rows = total, valid, log.count
    job.existing_rows = existing
    job.preview, job.error_sample = preview, log.sample
    job.errors_path = log.relative if log.count else ""
    job.processed_rows, job.progress = total, 100
    job.findings = spec.findings(ctx) if spec.findings is not None else {}
    job.status = ImportStatus.READY
    job.heartbeat_at = None
    job.message = "" if total else "表头下面没有数据行。"
    save_fenced(job, _VALIDATED_FIELDS)
    return job


_VALIDATED_FIELDS = [
    "total_rows",
    "valid_rows",
    "error_rows",
    "existing_rows",
    "preview",
    "error_sample",
    "errors_path",
    "processed_rows",
    "progress",
    "findings",
    "status",
    "heartbeat_at",
    "message",
]


# --- the commit pass ---------------------------------------------------------------------


# Field classes whose Python values psycopg adapts exactly as Django would prepare them;
# any other field (e.g. an encrypted one) goes through its get_db_prep_save.
_PLAIN_FIELDS = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BigIntegerField,
        models.BooleanField,
        models.CharField,
        models.DateField,
        models.DateTimeField,
        models.ForeignKey,
        models.IntegerField,
        models.PositiveBigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.TextField,
    }
)
_PREP_METHODS = ("get_db_prep_save", "get_db_prep_value", "get_prep_value")


def _plain_field(field) -> bool:
    """A plain field class, or a subclass that prepares values as its plain base does
    (e.g. ByteOrderCharField, which only changes the column's collation)."""
    cls = type(field)
    base = next((c for c in cls.__mro__ if c in _PLAIN_FIELDS), None)
    return base is not None and all(
        getattr(cls, name) is getattr(base, name) for name in _PREP_METHODS
    )


@dataclass
class PreparedInsert:
    """New rows of one model, ready to write: `bulk_insert_prepare` has done the Python work
    (defaults, primary keys, encryption), `write` leaves only the database's."""

    model: type[models.Model]
    using: str
    pks: list[int]
    columns: str  # PostgreSQL: the COPY column list
    rows: list  # PostgreSQL: value lists, primary key first; elsewhere unsaved instances

    def write(self) -> list[int]:
        """Insert the rows on this thread's connection; their primary keys, in order."""
        if not self.columns:
            self.model._default_manager.using(self.using).bulk_create(self.rows)
            return [obj.pk for obj in self.rows]
        conn = connections[self.using]
        sql = f"COPY {conn.ops.quote_name(self.model._meta.db_table)} ({self.columns}) FROM STDIN"
        with conn.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for values in self.rows:
                copy.write_row(values)
        return self.pks


def bulk_insert_prepare(
    model, rows: list[dict], *, using: str = DEFAULT_DB_ALIAS
) -> PreparedInsert:
    """New rows of `model` as a PreparedInsert (see bulk_insert). On PostgreSQL the primary
    keys are drawn here, from the table's sequence in one query (it is not transactional,
    so any thread's connection will do) and encrypted fields are sealed here, a column at a
    time (a field's `bulk_db_prep_save(values, connection)`, when it has one)."""
    conn = connections[using]
    meta = model._meta
    now = timezone.now()
    postgres = conn.vendor == "postgresql"
    first = 1 if postgres else 0  # on PostgreSQL each value list starts with the key
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    attnames = [field.attname for field in fields]
    fallback = []  # per field, what a row without it gets
    stamped, made, preps = [], [], []
    for i, field in enumerate(fields, start=first):
        value = None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamped.append(i)
        elif field.has_default() and callable(field.default):
            made.append((i, field.attname, field.get_default))
        else:
            value = field.get_default()
        fallback.append(value)
        if postgres and not _plain_field(field):
            preps.append((i, field))

    def values_of(row: dict, head: list) -> list:
        out = [*head, *map(row.get, attnames, fallback)]
        for i in stamped:
            out[i] = now
        for i, attname, make in made:
            if attname not in row:
                out[i] = make()
        return out

    if not postgres:
        objs = [model(**dict(zip(attnames, values_of(row, []), strict=True))) for row in rows]
        return PreparedInsert(model, using, [], "", objs)
    quote = conn.ops.quote_name
    columns = ", ".join(quote(c) for c in [meta.pk.column, *(field.column for field in fields)])
    pks = []
    if rows:
        with conn.cursor() as cursor:
            cursor.execute(  # the sequence's name in an InitPlan: looked up once, not per row
                "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s)::regclass)) "
                "FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            pks = sorted(pk for (pk,) in cursor.fetchall())
    prepared = [values_of(row, [pk]) for pk, row in zip(pks, rows, strict=True)]
    for i, field in preps:
        column = [values[i] for values in prepared]
        bulk = getattr(field, "bulk_db_prep_save", None)
        if bulk is not None:
            column = bulk(column, conn)
        else:
            column = [field.get_db_prep_save(value, conn) for value in column]
        for values, value in zip(prepared, column, strict=True):
            values[i] = value
    return PreparedInsert(model, using, pks, columns, prepared)


def bulk_insert(model, rows: list[dict], *, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """Insert new rows of `model` and return their primary keys, in order.

    Each row maps field attnames (`org_id`, not `org`) to Python values; a missing field
    takes its default, `auto_now`/`auto_now_add` fields take the current time. For batch
    writers of import kinds: no save(), no signals, like bulk_create.

    On PostgreSQL the keys are drawn from the table's sequence in one query and the rows
    are written with one `COPY ... FROM STDIN` inside the caller's transaction (several
    times faster than bulk_create's INSERT); elsewhere this is bulk_create.
    """
    if not rows:
        return []
    return bulk_insert_prepare(model, rows, using=using).write()


class _Rollback(Exception):
    pass


@dataclass
class CommitResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    processed: int = 0
    aborted_at: int = 0  # all-or-nothing: the first rejected row's number

    def counts(self) -> dict[str, int]:
        return {
            "created_count": self.created,
            "updated_count": self.updated,
            "unchanged_count": self.unchanged,
            "skipped_count": self.skipped,
            "rejected_count": self.rejected,
        }

    @classmethod
    def of_job(cls, job: ImportJob) -> "CommitResult":
        """What an interrupted commit's batches recorded on the job (see _record_batch)."""
        result = cls(
            created=job.created_count,
            updated=job.updated_count,
            unchanged=job.unchanged_count,
            skipped=job.skipped_count,
            rejected=job.rejected_count,
        )
        result.processed = job.written_rows + job.rejected_count
        return result


def _batch_counts(rows: list[Row]) -> CommitResult:
    counts = CommitResult(processed=len(rows))
    for row in rows:
        if row.errors:
            counts.rejected += 1
        elif row.outcome == CREATED:
            counts.created += 1
        elif row.outcome == UPDATED:
            counts.updated += 1
        elif row.outcome == UNCHANGED:
            counts.unchanged += 1
        elif row.outcome == SKIPPED:
            counts.skipped += 1
    return counts


def _record_batch(job_id: int, attempt: int, rows: list[Row]) -> None:
    """Record a batch on its job inside the batch's own transaction (skip-invalid commits):
    the last file row it covers and its outcomes, added to the job's counts. So what the job
    says was written is exactly what was committed, also after a crash, and a resumed commit
    starts after this row. Only while the run holds the job (its attempt), else LeaseLost
    and the batch rolls back."""
    counts = _batch_counts(rows)
    recorded = ImportJob.objects.filter(pk=job_id, attempt=attempt).update(
        committed_through=rows[-1].number,
        created_count=F("created_count") + counts.created,
        updated_count=F("updated_count") + counts.updated,
        unchanged_count=F("unchanged_count") + counts.unchanged,
        skipped_count=F("skipped_count") + counts.skipped,
        rejected_count=F("rejected_count") + counts.rejected,
    )
    if not recorded:
        raise LeaseLost


_UNPREPARED = object()


def _commit_rows(
    ctx: ImportContext, spec: ImportSpec, rows: list[Row], prepared=_UNPREPARED
) -> None:
    if spec.batch_commit is not None:
        if spec.batch_prepare is None:
            spec.batch_commit(ctx, rows)
        else:
            if prepared is _UNPREPARED:
                prepared = spec.batch_prepare(ctx, rows)
            spec.batch_commit(ctx, rows, prepared)
        return
    for row in rows:
        try:
            with transaction.atomic():
                row.outcome = spec.row_commit(ctx, row)
        except ServiceError as exc:
            row.errors.extend(service_error_messages(spec, exc))
        except ValueError as exc:
            row.error(str(exc))
        else:
            if row.outcome not in (CREATED, UPDATED, UNCHANGED, SKIPPED):
                raise ValueError(f"row_commit returned {row.outcome!r}")


def _commit_batches(
    job: ImportJob,
    ctx: ImportContext,
    checker: RowChecker,
    log: ErrorLog,
    result,
    source: Iterator | None,
    through: int,
) -> Iterator:
    """The rows to commit, batch by batch: the validation pass's parsed valid rows when its
    spill is there (its rejected rows go straight to the log), else the file parsed anew
    (from `source` when the caller has already opened it). A resumed commit skips the rows
    up to file row `through` (written before the interruption), noting their keys."""
    size = batch_rows(checker.spec.commit_batch_size)
    if source is not None:
        for batch in batches(source, size, split_last=True):
            yield checker.parse_batch(batch)
        return
    spilled = media_path(spill_relative(job.file_path))
    if spilled.exists():
        log.copy_from(job.errors_path if job.error_rows else "")  # the validation pass's
        if not through:
            result.rejected = result.processed = log.count
        rows = spill_rows(spilled, job_id=job.pk)
        if through:
            rows = _after(rows, through, lambda skipped: checker.remember_keys(ctx, skipped))
        yield from batches(rows, size, split_last=True)
        return
    numbered = data_rows(job)
    if through:
        numbered = _after(
            numbered,
            through,
            lambda skipped: checker.remember_keys(ctx, checker.parse_batch(skipped)),
        )
    for batch in batches(numbered, size, split_last=True):
        yield checker.parse_batch(batch)


def _after(items: Iterator, through: int, skip: Callable[[list], None]) -> Iterator:
    """The items (rows or (number, raw) pairs, in file order) after file row `through`;
    those up to it go to `skip` in chunks."""
    skipped: list = []
    for item in items:
        number = item.number if isinstance(item, Row) else item[0]
        if number > through:
            if skipped:
                skip(skipped)
                skipped = []
            yield item
        else:
            skipped.append(item)
            if len(skipped) >= 10_000:
                skip(skipped)
                skipped = []
    if skipped:
        skip(skipped)


class _BatchWriter:
    """Commits batches in background threads, each with its own database connection, so
    that reading and checking the next batches overlaps the server's work on earlier ones.

    PostgreSQL spends about as long on a batch's COPY, index updates, foreign-key checks and
    COMMIT as Python spends preparing it; done one after the other, each side waits for the
    other. WRITERS batches are written at once (on two cores the server's work on one batch
    then also fills the time the reading thread waits), each in its own transaction, and
    committed in file order: a batch that is done first waits for the one before it, and
    rolls back if that one failed, so the batches written are always the file's first ones.
    Up to DEPTH batches are queued (bounded memory) and handed back in file order to be
    tallied. Each batch is recorded on the job (`record`, _record_batch) in its transaction,
    just before its COMMIT. Only for skip_invalid commits outside any transaction (the
    worker's case), for kinds that allow it (`overlap_writes`): all-or-nothing needs one
    transaction on one connection, and a surrounding transaction (tests) is invisible to
    other connections.
    """

    WRITERS = 2
    DEPTH = 3
    # How long a finished batch waits for the one before it to commit. Batches of one file
    # never wait on each other's locks (in-file duplicates are refused before writing), so
    # this only turns an unforeseen deadlock between them into a failed job.
    ORDER_TIMEOUT = 600  # seconds

    def __init__(
        self,
        ctx: ImportContext,
        spec: ImportSpec,
        written: Callable[[list[Row]], None],
        record: Callable[[list[Row]], None],
    ):
        self.ctx, self.spec = ctx, spec
        self.written = written  # called with each whole batch once its rows are written
        self.record = record  # called with each whole batch inside its transaction
        self.pool = ThreadPoolExecutor(max_workers=self.WRITERS, thread_name_prefix="import-writer")
        self.queued = deque()  # (future or None, the whole batch), oldest first
        self.last: _Turn | None = None  # the latest batch submitted for writing
        # A writer blocks on the socket many times per batch while the main thread parses;
        # with the default 5 ms switch interval every wake-up waits that long for the GIL
        # (the "convoy effect") and the overlap is lost.
        short_switch_interval.__enter__()

    @staticmethod
    def usable(spec: ImportSpec, all_or_nothing: bool) -> bool:
        return (
            spec.overlap_writes
            and not all_or_nothing
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )

    def _write(
        self, rows: list[Row], batch: list[Row], prepared, before: "_Turn | None", turn: "_Turn"
    ) -> None:
        try:
            if before is not None and before.failed():
                raise _EarlierBatchFailed  # the job stops at that failure: skip the writes
            with transaction.atomic():
                if rows:
                    _commit_rows(self.ctx, self.spec, rows, prepared)
                    # The deferred foreign-key checks now, while the batch before may still
                    # be busy, rather than in the COMMIT that has to wait for it.
                    connection.check_constraints()
                if before is not None:
                    if not before.done.wait(self.ORDER_TIMEOUT):
                        raise RuntimeError("导入批次等待前一批次提交超时。")
                    if before.failed():
                        raise _EarlierBatchFailed
                self.record(batch)
            turn.committed = True
        finally:
            turn.done.set()

    def submit(self, valid: list[Row], batch: list[Row]) -> None:
        """Queue the batch (its valid rows written, the whole batch recorded), after handing
        the batches written meanwhile (oldest first) to `written`; re-raises the error of
        one that failed. The kind's batch_prepare runs here, on the calling thread, so that
        the writer threads, which share the GIL with it, have little more to do than wait
        for the server."""
        while len(self.queued) >= self.DEPTH:
            self._finish_oldest()
        prepared = _UNPREPARED
        if valid and self.spec.batch_prepare is not None:
            prepared = self.spec.batch_prepare(self.ctx, valid)
        turn = _Turn()
        future = self.pool.submit(self._write, valid, batch, prepared, self.last, turn)
        self.last = turn
        self.queued.append((future, batch))

    def _finish_oldest(self) -> None:
        future, batch = self.queued.popleft()
        future.result()
        self.written(batch)

    def drain(self) -> None:
        while self.queued:
            self._finish_oldest()

    def close(self) -> None:
        """Stop after the queued writes (each a whole batch) and close each thread's
        connection: one task per writer thread, held together by a barrier so that no
        thread takes two."""
        together = threading.Barrier(self.WRITERS)

        def close_this_threads_connection():
            together.wait(timeout=60)
            connections.close_all()

        try:
            closing = [self.pool.submit(close_this_threads_connection) for _ in range(self.WRITERS)]
            for task in closing:
                task.result()
        finally:
            self.pool.shutdown(wait=True)
            short_switch_interval.__exit__(None, None, None)


class _Turn:
    """One batch's place in the commit order."""

    def __init__(self):
        self.done = threading.Event()
        self.committed = False

    def failed(self) -> bool:
        return self.done.is_set() and not self.committed


class _EarlierBatchFailed(Exception):
    """A batch rolled back because one before it failed (never tallied: the job stops at the
    first failure)."""


def _tally(result: CommitResult, rows: list[Row], all_or_nothing: bool) -> None:
    counts = _batch_counts(rows)
    result.created += counts.created
    result.updated += counts.updated
    result.unchanged += counts.unchanged
    result.skipped += counts.skipped
    result.rejected += counts.rejected
    result.processed += counts.processed
    if all_or_nothing and counts.rejected and not result.aborted_at:
        result.aborted_at = next(row.number for row in rows if row.errors)


@paused_gc
def _commit_loop(
    job: ImportJob,
    kind,
    log: ErrorLog,
    progress: Progress,
    lease: Lease,
    *,
    source: Iterator | None = None,
    resumed: CommitResult | None = None,
) -> CommitResult:
    spec = kind.spec
    checker = RowChecker(spec, job_mapping(job))
    ctx = ImportContext(
        actor=job.user,
        org=job.org,
        job=job,
        kind=kind,
        committing=True,
        skip_existing=job.existing == ExistingPolicy.SKIP,
        options=dict(job.options),
    )
    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    result = resumed or CommitResult()
    through = job.committed_through if resumed is not None else 0

    def record(rows: list[Row]) -> None:
        _record_batch(job.pk, job.attempt, rows)

    writer = None
    if _BatchWriter.usable(spec, all_or_nothing):
        writer = _BatchWriter(
            ctx, spec, lambda written: _tally(result, written, all_or_nothing), record
        )
    # Skip-invalid: the counts on the job are the batches' records; progress says how far.
    shown = result.counts if all_or_nothing else dict
    garbage = BatchGarbage()
    try:
        for rows in _commit_batches(job, ctx, checker, log, result, source, through):
            lease.check()
            garbage.batch_done()
            checker.check(ctx, rows)
            valid = [row for row in rows if not row.errors]
            if all_or_nothing and len(valid) < len(rows) and not result.aborted_at:
                result.aborted_at = next(row.number for row in rows if row.errors)
            if writer is not None:
                log.add_rejected(rows)  # before the batch can commit (see ErrorLog)
                writer.submit(valid, rows)
                progress.update(result.processed)
                continue
            if all_or_nothing:
                if valid and not result.aborted_at:
                    _commit_rows(ctx, spec, valid)
                log.add_rejected(rows)
            else:
                with transaction.atomic():
                    if valid:
                        _commit_rows(ctx, spec, valid)
                    log.add_rejected(rows)
                    record(rows)
            _tally(result, rows, all_or_nothing)
            progress.update(result.processed, **shown())
        if writer is not None:
            writer.drain()
    except Exception:
        if all_or_nothing:
            progress.update(result.processed, force=True, **shown())
        raise
    finally:
        if writer is not None:
            writer.close()
    if spec.findings is not None:  # what this pass did (only after the interruption, if any)
        job.findings = {**spec.findings(ctx), **({"partial": True} if resumed else {})}
    return result


def commit_job(job: ImportJob, *, kind, lease: Lease) -> CommitResult | None:
    """Write the job's valid rows. The caller has claimed the job (status RUNNING, the next
    attempt) and holds its lease. A skip-invalid commit that was interrupted carries on
    after the last batch it recorded (`committed_through`). None when another run took the
    job over meanwhile (then this one has stored nothing more)."""
    from gonghui.core.audit import AuditAction, AuditResult, audit_record

    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    resuming = not all_or_nothing and job.committed_through > 0
    source = None
    if job.direct and not job.columns:  # nothing has read the file yet: find its header
        found = table_header(
            media_path(job.file_path), job.file_format, kind, split_sheets=job.split_sheets
        )
        header_fields = job_header_fields(found, kind.spec)
        for name, value in header_fields.items():
            setattr(job, name, value)
        if not save_fenced(job, list(header_fields)):
            return None
        source = found["data"]
    stem = Path(job.file_path).with_suffix("")
    resumed = None
    if resuming:  # the interrupted commit's log: its records of the batches it wrote stay
        previous = media_path(f"{stem}.commit.errors.previous.jsonl")
        with contextlib.suppress(FileNotFoundError):
            media_path(f"{stem}.commit.errors.jsonl").replace(previous)
        log = ErrorLog(f"{stem}.commit.errors.jsonl", tag="commit")
        log.keep_from(previous, through=job.committed_through)
        previous.unlink(missing_ok=True)
        resumed = CommitResult.of_job(job)
    else:
        log = ErrorLog(f"{stem}.commit.errors.jsonl", tag="commit")
    if not resuming and not all_or_nothing:  # the batches' records start from nothing
        job.created_count = job.updated_count = job.unchanged_count = job.skipped_count = 0
        # ... but for the rows the validation pass refused (_commit_batches counts them too)
        spilled = media_path(spill_relative(job.file_path)).exists()
        job.rejected_count = job.error_rows if spilled and source is None else 0
        job.committed_through = 0
        if not save_fenced(job, [*CommitResult().counts(), "committed_through"]):
            return None
    outermost = not connection.in_atomic_block
    progress = Progress(job, side_channel=all_or_nothing and outermost)
    result = CommitResult()
    try:
        if all_or_nothing:
            try:
                with transaction.atomic():
                    result = _commit_loop(job, kind, log, progress, lease, source=source)
                    if result.aborted_at:
                        raise _Rollback
            except _Rollback:
                pass
        else:
            result = _commit_loop(job, kind, log, progress, lease, source=source, resumed=resumed)
        log.fill_pending(job)
    except LeaseLost:
        return None
    finally:
        log.close()
        progress.close()
    if job.direct:  # no validation pass counted them
        job.total_rows, job.error_rows = result.processed, result.rejected
        job.valid_rows = result.processed - result.rejected
    job.processed_rows, job.progress = result.processed, 100
    job.errors_path = log.relative if log.count else ""
    job.error_sample = log.sample
    job.finished_at = timezone.now()
    job.heartbeat_at = None
    job.resumable = False
    detail = {
        "kind": job.kind,
        "job": job.pk,
        "file": job.original_name,
        "mode": job.mode,
        "total": result.processed,
        **({"direct": True} if job.direct else {}),
        **({"options": job.options} if job.options else {}),
        # Each interruption and what had been written when it happened (see services).
        **({"interruptions": job.interruptions} if job.interruptions else {}),
    }
    if result.aborted_at:
        job.status = ImportStatus.FAILED
        job.created_count = job.updated_count = job.unchanged_count = job.skipped_count = 0
        job.rejected_count = result.rejected
        job.message = (
            f"第 {result.aborted_at} 行起共有 {result.rejected} 行未通过校验。"
            "按“只有全部行有效才导入”的方式，本次没有写入任何数据。"
        )
        with transaction.atomic():  # the outcome and its audit event, or neither
            if not save_fenced(job, _COMMITTED_FIELDS):
                return None
            audit_record(
                action=AuditAction.IMPORT_REJECTED,
                user=job.user,
                org=job.org,
                obj=job,
                result=AuditResult.FAILURE,
                detail={
                    **detail,
                    "rejected": result.rejected,
                    "first_error_row": result.aborted_at,
                },
            )
        media_path(spill_relative(job.file_path)).unlink(missing_ok=True)
        return result
    for name, value in result.counts().items():
        setattr(job, name, value)
    job.status = ImportStatus.DONE
    job.message = ""
    with transaction.atomic():  # the outcome and its audit event, or neither
        if not save_fenced(job, _COMMITTED_FIELDS):
            return None
        audit_record(
            action=AuditAction.IMPORTED,
            user=job.user,
            org=job.org,
            obj=job,
            detail={
                **detail,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                **({"existing": job.existing, "skipped": result.skipped} if job.existing else {}),
            },
        )
    media_path(spill_relative(job.file_path)).unlink(missing_ok=True)
    return result


_COMMITTED_FIELDS = [
    "total_rows",
    "error_rows",
    "valid_rows",
    "processed_rows",
    "progress",
    "errors_path",
    "error_sample",
    "finished_at",
    "heartbeat_at",
    "resumable",
    "status",
    "message",
    "findings",
    "created_count",
    "updated_count",
    "unchanged_count",
    "skipped_count",
    "rejected_count",
]

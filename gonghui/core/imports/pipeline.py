"""The two passes over an uploaded table: validate (preview) and commit.

Both stream the stored file in batches: each batch is parsed cell by cell, checked against
the spec (hooks run once per batch, so lookups are one query per batch, not per row), and
in the commit pass written. Rows with errors go to a JSON-lines file beside the upload;
the job keeps counts, progress, a preview and the first errors for the pages.
"""

import json
import logging
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
from django.utils import timezone

from gonghui.core.errors import ServiceError
from gonghui.core.imports.models import ExistingPolicy, ImportJob, ImportMode, ImportStatus
from gonghui.core.imports.normalise import cell_text, str_text
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
                spec.column(key).parse,
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

    def check(self, ctx: ImportContext, rows: list[Row]) -> None:
        """Duplicate natural keys within the file, then the spec's own hooks."""
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
            elif first != row.number:
                shown = "、".join(str(v) for v in map(row.values.get, key_columns))
                row.error(f"{self.key_label}“{shown}”与第 {first} 行重复。")
        spec = self.spec
        if spec.validate_row is not None:
            for row in rows:
                if not row.errors:
                    spec.validate_row(ctx, row)
        if spec.validate_batch is not None:
            ok = [row for row in rows if not row.errors]
            if ok:
                spec.validate_batch(ctx, ok)

    def preview_cells(self, raw: list) -> list[str]:
        """The mapped cells for the preview, personal data masked."""
        width = len(raw)
        cells = []
        for index, key, *_ in self.plan:
            text = cell_text(raw[index]) if index < width else ""
            mask = self.spec.column(key).mask
            cells.append(mask(text) if mask is not None and text else text)
        return cells


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

    A row read back from the spill has no raw cells: its errors wait in `pending` until
    `fill_pending` fetches those rows' cells from the stored file in one pass at the end
    (only rows the database refused at commit, so normally none).
    """

    def __init__(self, relative: str):
        self.relative = relative
        self.path = media_path(relative)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.count = 0
        self.sample: list[dict] = []
        self.pending: dict[int, list[str]] = {}

    def add(self, row: Row) -> None:
        self.count += 1
        if len(self.sample) < ERROR_SAMPLE:
            self.sample.append({"row": row.number, "errors": list(row.errors)})
        if row.raw is None:
            self.pending[row.number] = row.errors
            return
        self._write(row.number, [cell_text(c) for c in row.raw], row.errors)

    def copy_from(self, relative: str) -> None:
        """Carry over another log's records (the validation pass's) as they are."""
        path = media_path(relative)
        if not relative or not path.exists():
            return
        with open(path, encoding="utf-8") as source:
            for line in source:
                self.count += 1
                if len(self.sample) < ERROR_SAMPLE:
                    record = json.loads(line)
                    self.sample.append({"row": record["row"], "errors": record["errors"]})
                self.handle.write(line)

    def fill_pending(self, job: "ImportJob") -> None:
        if not self.pending:
            return
        for number, raw in data_rows(job):
            errors = self.pending.pop(number, None)
            if errors is not None:
                self._write(number, [cell_text(c) for c in raw], errors)
                if not self.pending:
                    break
        for number, errors in self.pending.items():  # the file changed under us: no cells
            self._write(number, [], errors)
        self.pending.clear()

    def _write(self, number: int, cells: list[str], errors: list[str]) -> None:
        record = {"row": number, "cells": cells, "errors": errors}
        self.handle.write(json.dumps(record, ensure_ascii=False))
        self.handle.write("\n")

    def close(self) -> None:
        self.handle.close()


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
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
            return
        quote = self.side.ops.quote_name
        assignments = ", ".join(
            f"{quote(ImportJob._meta.get_field(name).column)} = %s" for name in fields
        )
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(ImportJob._meta.db_table)} SET {assignments} WHERE id = %s",
                [*fields.values(), self.job_id],
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


@paused_gc
def validate_job(job: ImportJob, *, kind) -> ImportJob:
    """Parse and check every row; store counts, preview, first errors and the error file."""
    spec = kind.spec
    checker = RowChecker(spec, job_mapping(job))
    ctx = ImportContext(actor=job.user, org=job.org, job=job, kind=kind, committing=False)
    log = ErrorLog(f"{Path(job.file_path).with_suffix('')}.validate.errors.jsonl")
    spill = SpillWriter(media_path(spill_relative(job.file_path)), job_id=job.pk)
    progress = Progress(job)
    preview: list[dict] = []
    total = valid = existing = 0
    garbage = BatchGarbage()
    try:
        for batch in batches(data_rows(job), spec.batch_size):
            garbage.batch_done()
            rows = [checker.parse(number, raw) for number, raw in batch]
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
    job.total_rows, job.valid_rows, job.error_rows = total, valid, log.count
    job.existing_rows = existing
    job.preview, job.error_sample = preview, log.sample
    job.errors_path = log.relative if log.count else ""
    job.processed_rows, job.progress = total, 100
    job.status = ImportStatus.READY
    if total == 0:
        job.message = "表头下面没有数据行。"
    job.save()
    return job


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
    job: ImportJob, checker: RowChecker, log: ErrorLog, result, source: Iterator | None
) -> Iterator:
    """The rows to commit, batch by batch: the validation pass's parsed valid rows when its
    spill is there (its rejected rows go straight to the log), else the file parsed anew
    (from `source` when the caller has already opened it)."""
    size = checker.spec.commit_batch_size
    if source is not None:
        for batch in batches(source, size, split_last=True):
            yield [checker.parse(number, raw) for number, raw in batch]
        return
    spilled = media_path(spill_relative(job.file_path))
    if spilled.exists():
        validation_errors = f"{Path(job.file_path).with_suffix('')}.validate.errors.jsonl"
        log.copy_from(validation_errors if job.error_rows else "")
        result.rejected = result.processed = log.count
        yield from batches(spill_rows(spilled, job_id=job.pk), size, split_last=True)
        return
    for batch in batches(data_rows(job), size, split_last=True):
        yield [checker.parse(number, raw) for number, raw in batch]


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
    tallied. Only for skip_invalid commits outside any transaction (the worker's case), for
    kinds that allow it (`overlap_writes`): all-or-nothing needs one transaction on one
    connection, and a surrounding transaction (tests) is invisible to other connections.
    """

    WRITERS = 2
    DEPTH = 3
    # How long a finished batch waits for the one before it to commit. Batches of one file
    # never wait on each other's locks (in-file duplicates are refused before writing), so
    # this only turns an unforeseen deadlock between them into a failed job.
    ORDER_TIMEOUT = 600  # seconds

    def __init__(self, ctx: ImportContext, spec: ImportSpec, written: Callable[[list[Row]], None]):
        self.ctx, self.spec = ctx, spec
        self.written = written  # called with each whole batch once its rows are written
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

    def _write(self, rows: list[Row], prepared, before: "_Turn | None", turn: "_Turn") -> None:
        try:
            if before is not None and before.failed():
                raise _EarlierBatchFailed  # the job stops at that failure: skip the writes
            with transaction.atomic():
                _commit_rows(self.ctx, self.spec, rows, prepared)
                # The deferred foreign-key checks now, while the batch before may still be
                # busy, rather than in the COMMIT that has to wait for it.
                connection.check_constraints()
                if before is not None:
                    if not before.done.wait(self.ORDER_TIMEOUT):
                        raise RuntimeError("导入批次等待前一批次提交超时。")
                    if before.failed():
                        raise _EarlierBatchFailed
            turn.committed = True
        finally:
            turn.done.set()

    def submit(self, valid: list[Row], batch: list[Row]) -> None:
        """Queue the batch's valid rows for writing, after handing the batches written
        meanwhile (oldest first) to `written`; re-raises the error of one that failed. The
        kind's batch_prepare runs here, on the calling thread, so that the writer threads,
        which share the GIL with it, have little more to do than wait for the server."""
        while len(self.queued) >= self.DEPTH:
            self._finish_oldest()
        future = None
        if valid:
            prepared = _UNPREPARED
            if self.spec.batch_prepare is not None:
                prepared = self.spec.batch_prepare(self.ctx, valid)
            turn = _Turn()
            future = self.pool.submit(self._write, valid, prepared, self.last, turn)
            self.last = turn
        self.queued.append((future, batch))

    def _finish_oldest(self) -> None:
        future, batch = self.queued.popleft()
        if future is not None:
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


def _tally(result: CommitResult, rows: list[Row], log: ErrorLog, all_or_nothing: bool) -> None:
    for row in rows:
        if row.errors:
            result.rejected += 1
            log.add(row)
            if all_or_nothing and not result.aborted_at:
                result.aborted_at = row.number
        elif row.outcome == CREATED:
            result.created += 1
        elif row.outcome == UPDATED:
            result.updated += 1
        elif row.outcome == UNCHANGED:
            result.unchanged += 1
        elif row.outcome == SKIPPED:
            result.skipped += 1
    result.processed += len(rows)


@paused_gc
def _commit_loop(
    job: ImportJob, kind, log: ErrorLog, progress: Progress, source: Iterator | None = None
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
    )
    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    result = CommitResult()
    writer = None
    if _BatchWriter.usable(spec, all_or_nothing):
        writer = _BatchWriter(
            ctx, spec, lambda written: _tally(result, written, log, all_or_nothing)
        )
    garbage = BatchGarbage()
    try:
        for rows in _commit_batches(job, checker, log, result, source):
            garbage.batch_done()
            checker.check(ctx, rows)
            valid = [row for row in rows if not row.errors]
            if all_or_nothing and len(valid) < len(rows) and not result.aborted_at:
                result.aborted_at = next(row.number for row in rows if row.errors)
            if writer is not None:
                writer.submit(valid, rows)
                progress.update(result.processed, **result.counts())
                continue
            if valid and not result.aborted_at:
                if all_or_nothing:
                    _commit_rows(ctx, spec, valid)
                else:
                    with transaction.atomic():
                        _commit_rows(ctx, spec, valid)
            _tally(result, rows, log, all_or_nothing)
            progress.update(result.processed, **result.counts())
        if writer is not None:
            writer.drain()
    except Exception:
        if not all_or_nothing:  # the job fails; its counts say what the batches before wrote
            progress.update(result.processed, force=True, **result.counts())
        raise
    finally:
        if writer is not None:
            writer.close()
    return result


def commit_job(job: ImportJob, *, kind) -> CommitResult:
    """Write the job's valid rows. The caller has set status RUNNING and the mode."""
    from gonghui.audit.services import AuditAction, AuditResult, audit_record

    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    source = None
    if job.direct and not job.columns:  # nothing has read the file yet: find its header
        found = table_header(
            media_path(job.file_path), job.file_format, kind, split_sheets=job.split_sheets
        )
        for name, value in job_header_fields(found, kind.spec).items():
            setattr(job, name, value)
        job.save()
        source = found["data"]
    log = ErrorLog(f"{Path(job.file_path).with_suffix('')}.commit.errors.jsonl")
    outermost = not connection.in_atomic_block
    progress = Progress(job, side_channel=all_or_nothing and outermost)
    result = CommitResult()
    try:
        if all_or_nothing:
            try:
                with transaction.atomic():
                    result = _commit_loop(job, kind, log, progress, source)
                    if result.aborted_at:
                        raise _Rollback
            except _Rollback:
                pass
        else:
            result = _commit_loop(job, kind, log, progress, source)
        log.fill_pending(job)
    finally:
        log.close()
        progress.close()
    media_path(spill_relative(job.file_path)).unlink(missing_ok=True)
    if job.direct:  # no validation pass counted them
        job.total_rows, job.error_rows = result.processed, result.rejected
        job.valid_rows = result.processed - result.rejected
    job.processed_rows, job.progress = result.processed, 100
    job.errors_path = log.relative if log.count else ""
    job.error_sample = log.sample
    job.finished_at = timezone.now()
    detail = {
        "kind": job.kind,
        "job": job.pk,
        "file": job.original_name,
        "mode": job.mode,
        "total": result.processed,
        **({"direct": True} if job.direct else {}),
    }
    if result.aborted_at:
        job.status = ImportStatus.FAILED
        job.created_count = job.updated_count = job.unchanged_count = job.skipped_count = 0
        job.rejected_count = result.rejected
        job.message = (
            f"第 {result.aborted_at} 行起共有 {result.rejected} 行未通过校验。"
            "按“只有全部行有效才导入”的方式，本次没有写入任何数据。"
        )
        job.save()
        audit_record(
            action=AuditAction.IMPORT_REJECTED,
            user=job.user,
            org=job.org,
            obj=job,
            result=AuditResult.FAILURE,
            detail={**detail, "rejected": result.rejected, "first_error_row": result.aborted_at},
        )
        return result
    for name, value in result.counts().items():
        setattr(job, name, value)
    job.status = ImportStatus.DONE
    job.message = ""
    job.save()
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
    return result

"""How an import kind is declared: its columns, its natural key, how rows are checked and written.

A later app declares a kind in its own `importers.py` (found automatically, like admin.py):

    from gonghui.core.imports import parsers
    from gonghui.core.imports.registry import ImportKind, register
    from gonghui.core.imports.spec import CREATED, UNCHANGED, UPDATED, Column, ImportSpec

    def _validate(ctx, rows):           # optional: cross-row checks, one query per batch
        known = set(Thing.objects.filter(code__in=[r.values["code"] for r in rows])
                    .values_list("code", flat=True))
        for row in rows:
            row.data["exists"] = row.values["code"] in known

    def _commit(ctx, row):              # one row, inside its own savepoint
        ...                             # call services; raise ValueError("中文") to reject
        return CREATED                  # or UPDATED / UNCHANGED

    register(ImportKind(
        code="things", title="某某名单", module="things",
        spec=ImportSpec(
            columns=(
                Column("code", "编码", synonyms=("代码",), required=True),
                Column("name", "名称", required=True, parse=parsers.text(max_length=100)),
                Column("count", "人数", parse=parsers.integer(minimum=0)),
            ),
            natural_key="code", validate_batch=_validate, row_commit=_commit,
        ),
    ))

Rules the pipeline applies for every kind:
- a cell that is blank (or a column that is absent) leaves the key out of `row.values`:
  an update then keeps what is stored, a create uses the default;
- `required=True`: the column must be in the file and each row must fill it;
- a column's `parse` gets normalised text (full-width folded, spaces collapsed) and returns
  the value or raises ValueError with a Chinese message, which becomes "<列名>：<message>";
- a cell longer than its column's `max_length` (or than a parser's own limit, raised as
  parsers.TooLong) is refused as 字段“<列名>”过长，最多 N 字, whatever the kind;
- the natural key must be unique within the file (later duplicates are rejected with the
  row number of the first);
- `validate_batch(ctx, rows)` sees, batch by batch in file order, the rows whose cells all
  parsed (and `ctx.options`, the kind's ImportOptions as the user chose them); it adds errors with `row.error(...)` and may keep lookups in `row.data` and state
  that later batches need (e.g. keys defined earlier in the file) in `ctx.state`;
- `findings(ctx)`, when given, summarises what validation saw for the preview page (e.g.
  the employer names that matched nothing); it is stored as the job's `findings`;
- in the commit pass the same validation runs again (the database may have changed), then
  `row_commit` (per row, in a savepoint) or `batch_commit` (per batch, for bulk writers)
  writes the valid rows. Writes must be upserts that touch only rows whose values differ, so
  that importing the same file twice changes nothing;
- `overlap_writes=True` lets the commit pass check batch n+1 while batch n is still being
  written (PostgreSQL, skip_invalid mode), and write two batches at once on two connections
  (committed in file order): only for kinds whose checks never read what earlier batches of
  the same file write, and whose batches never write the same rows or unique keys (members:
  yes, in-file duplicates are refused first; orgs, whose rows may name a parent defined
  earlier in the file: no). A kind that also splits its writer into
  `batch_prepare(ctx, rows)` (the Python work: building rows, drawing keys, encrypting) and
  `batch_commit(ctx, rows, prepared)` (the database's work) has the first half run on the
  reading thread, so the writer thread barely needs the GIL. batch_prepare runs outside the
  batch's transaction there: what it reserves (card numbers, sequence values) may be lost
  with a failed batch, never written twice.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gonghui.core.imports.normalise import header_key

if TYPE_CHECKING:
    from gonghui.core.imports.models import ImportJob

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, SKIPPED)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[str], Any] | None = None
    help: str = ""  # shown on the template's 填写说明 sheet and the upload page
    example: str = ""  # the template's example row
    # Personal data (DESIGN §3): shown through this mask on pages, and in the error sheet
    # unless the user holds the module's view-sensitive action. E.g. masking.mask_phone.
    mask: Callable[[str], str] | None = None
    # The longest cell the field holds (checked on the normalised text before `parse`), for
    # columns whose parser does not limit it itself (parsers.text(max_length=...) does).
    max_length: int | None = None

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass(slots=True)
class Row:
    """One data row while it passes through validation and commit."""

    number: int  # the row number a spreadsheet program shows (1-based)
    raw: list  # every cell of the row as read, for the error sheet
    values: dict[str, Any] = field(default_factory=dict)  # parsed values of filled cells
    errors: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the spec's scratch space
    outcome: str = ""
    # Set by validation when the row matches a stored record (an upsert would update it).
    existing: bool = False

    def error(self, message: str) -> None:
        self.errors.append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportContext:
    """What validation and commit hooks may use: who, where, which job, and pass state."""

    actor: Any
    org: Any  # the job's target org: rows may only touch its subtree
    job: "ImportJob | None"
    kind: Any  # the registry's ImportKind
    committing: bool = False
    # The user chose "skip existing records": a row marked `existing` is left alone (SKIPPED).
    skip_existing: bool = False
    # The kind's options (registry.ImportOption) as chosen for the job: {key: value}.
    options: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    def org_allowed(self, org) -> bool:
        """True when org lies in the job's target subtree (which the actor may edit)."""
        return org is not None and org.path.startswith(self.org.path)


@dataclass(frozen=True)
class ImportSpec:
    columns: Sequence[Column]
    natural_key: str | tuple[str, ...]
    row_commit: Callable[[ImportContext, Row], str] | None = None
    batch_commit: Callable[..., None] | None = None
    # Optional first half of batch_commit: see overlap_writes in the module docstring.
    batch_prepare: Callable[[ImportContext, list[Row]], Any] | None = None
    validate_batch: Callable[[ImportContext, list[Row]], None] | None = None
    validate_row: Callable[[ImportContext, Row], None] | None = None
    # What the validation pass found, for the preview (stored as ImportJob.findings).
    findings: Callable[[ImportContext], dict] | None = None
    # Service errors name model fields; map those that are not column keys to a column label.
    field_labels: dict[str, str] = field(default_factory=dict)
    batch_size: int = 2000
    commit_batch_size: int = 500
    overlap_writes: bool = False

    def __post_init__(self):
        if (self.row_commit is None) == (self.batch_commit is None):
            raise ValueError("ImportSpec needs exactly one of row_commit or batch_commit")
        keys = [c.key for c in self.columns]
        if len(keys) != len(set(keys)):
            raise ValueError("ImportSpec column keys must be unique")
        for key in self.key_columns:
            if key not in keys:
                raise ValueError(f"natural key {key!r} is not a column")
        lookup: dict[str, str] = {}
        for column in self.columns:
            for name in column.names():
                normalised = header_key(name)
                if lookup.get(normalised, column.key) != column.key:
                    raise ValueError(f"header name {name!r} maps to two columns")
                lookup[normalised] = column.key
        object.__setattr__(self, "_lookup", lookup)

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (self.natural_key,) if isinstance(self.natural_key, str) else self.natural_key

    @property
    def header_lookup(self) -> dict[str, str]:
        """Normalised header text → column key, over labels and synonyms."""
        return self._lookup  # type: ignore[attr-defined]

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def label_for(self, field_name: str) -> str:
        if field_name in self.field_labels:
            return self.field_labels[field_name]
        for column in self.columns:
            if column.key == field_name:
                return column.label
        return ""

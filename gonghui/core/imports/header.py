"""Find the header row of an uploaded table.

Real files from county offices start with a title ("某某县工会组织名单", merged across the
sheet), a date line, sometimes a grouping row ("基本信息" over several columns), and only
then the column names. Some put a column name in a cell merged over two header rows while
its neighbours are split in the second row. So: among the first rows, take the one whose
cells name the most known columns (labels or synonyms); then see whether joining it with the
row above or below names more (a two-row header). Data starts right after.
"""

from dataclasses import dataclass, field

from gonghui.core.imports.normalise import cell_text, header_key
from gonghui.core.imports.spec import ImportSpec

SCAN_ROWS = 20


@dataclass
class HeaderMatch:
    header_row: int  # spreadsheet row number of the (first) header row
    data_after: int  # data starts after this spreadsheet row number
    mapping: dict[int, str]  # column index → column key
    headers: list[str]  # the header text per column index, as in the file
    unmatched: list[str] = field(default_factory=list)  # non-blank headers not used
    missing_required: list[str] = field(default_factory=list)  # labels of missing columns

    @property
    def score(self) -> int:
        return len(self.mapping)


def _row_keys(cells: list, lookup: dict[str, str]) -> dict[int, str]:
    """Column index → key for the header cells that match, the first of duplicates wins."""
    found: dict[int, str] = {}
    taken: set[str] = set()
    for index, value in enumerate(cells):
        key = lookup.get(header_key(value))
        if key is not None and key not in taken:
            found[index] = key
            taken.add(key)
    return found


def _merge(upper: list, lower: list, lookup: dict[str, str]) -> tuple[dict[int, str], list[str]]:
    """Two header rows as one: per column, the lower cell if it names a column, else the upper."""
    width = max(len(upper), len(lower))
    texts: list[str] = []
    for index in range(width):
        top = upper[index] if index < len(upper) else ""
        bottom = lower[index] if index < len(lower) else ""
        if lookup.get(header_key(bottom)) is not None or not cell_text(top):
            texts.append(bottom)
        else:
            texts.append(top)
    return _row_keys(texts, lookup), [cell_text(t) for t in texts]


def find_header(rows: list[tuple[int, list]], spec: ImportSpec) -> HeaderMatch | None:
    """rows: the first (row number, cells) of the table. None when no row names any column."""
    lookup = spec.header_lookup
    candidates = rows[:SCAN_ROWS]
    best_index, best_keys = -1, {}
    for index, (_, cells) in enumerate(candidates):
        keys = _row_keys(cells, lookup)
        if len(keys) > len(best_keys):
            best_index, best_keys = index, keys
    if best_index < 0:
        return None
    number, cells = candidates[best_index]
    mapping, headers, data_after = best_keys, [cell_text(c) for c in cells], number
    header_row = number
    # Two-row headers: the row above (names merged down) or below (split columns).
    if best_index > 0:
        merged, texts = _merge(candidates[best_index - 1][1], cells, lookup)
        if len(merged) > len(mapping):
            mapping, headers, header_row = merged, texts, candidates[best_index - 1][0]
    if best_index + 1 < len(candidates):
        below_number, below = candidates[best_index + 1]
        merged, texts = _merge(cells, below, lookup)
        if len(merged) > len(mapping):
            mapping, headers, data_after = merged, texts, below_number
    used = set(mapping)
    unmatched = [text for index, text in enumerate(headers) if text and index not in used]
    keys = set(mapping.values())
    missing = [c.label for c in spec.columns if c.required and c.key not in keys]
    return HeaderMatch(
        header_row=header_row,
        data_after=data_after,
        mapping=mapping,
        headers=headers,
        unmatched=unmatched,
        missing_required=missing,
    )

"""Finding the header of a stored table: the first look at an upload, and the start of a
direct import's single pass over it."""

from itertools import chain, islice
from pathlib import Path

from django.conf import settings

from gonghui.core.imports.header import SCAN_ROWS, find_header
from gonghui.core.imports.reader import ImportFileError, iter_table
from gonghui.core.imports.registry import ImportKind


def table_header(
    path: Path, fmt: str, kind: ImportKind, *, split_sheets: dict[str, int] | None = None
) -> dict:
    """Open the table once and find its header: {"info", "match", "rows", "data"}, where
    "rows" counts the data rows (or bounds them from the file's extent when that is surely
    within the limit) and "data" yields the data rows still unread. Raises ImportFileError.
    `split_sheets`: see reader.iter_table."""
    info, rows = iter_table(path, fmt, split_sheets)
    head = list(islice(rows, SCAN_ROWS))
    match = find_header(head, kind.spec)
    if match is None:
        known = "、".join(c.label for c in kind.spec.columns[:4])
        raise ImportFileError(
            f"没有找到表头：前 {SCAN_ROWS} 行中没有可识别的列名(如 {known})。"
            "请确认第一个工作表就是要导入的数据，或下载导入模板对照填写。",
            code="import_no_header",
        )
    if match.missing_required:
        raise ImportFileError(
            f"缺少必填列：{'、'.join(match.missing_required)}。"
            f"已识别的列：{'、'.join(kind.spec.column(k).label for k in match.mapping.values())}。",
            code="import_missing_columns",
        )
    limit = settings.IMPORT_MAX_ROWS
    head_data = [(number, raw) for number, raw in head if number > match.data_after]
    below_header = len(head) - len(head_data)
    count = len(head_data)
    if (
        info.row_bound is not None
        and info.row_bound - below_header <= limit
        and len(head) == SCAN_ROWS
    ):
        # Surely within the limit: skip counting (the validation pass counts exactly).
        count = info.row_bound - below_header
        data = chain(head_data, rows)
    elif len(head) < SCAN_ROWS:  # the whole table was in the head
        data = iter(head_data)
    else:  # its extent is past the limit: count the rows (keeping none), read again if kept
        for _ in rows:
            count += 1
            if count > limit:
                break
        data = _data_rows(path, fmt, split_sheets, after=match.data_after)
    if count > limit:
        raise ImportFileError(
            f"数据行数超过 {limit:,} 行的上限，请拆分后分批导入。", code="import_too_many_rows"
        )
    if count == 0:
        raise ImportFileError("表头下面没有数据行。", code="import_no_rows")
    return {"info": info, "match": match, "rows": count, "data": data}


def _data_rows(path: Path, fmt: str, split_sheets, *, after: int):
    _, rows = iter_table(path, fmt, split_sheets)  # opened on the first next(), not before
    for number, raw in rows:
        if number > after:
            yield number, raw


def job_header_fields(found: dict, spec) -> dict:
    """The ImportJob fields that record where the header is and which columns map where."""
    match, info = found["match"], found["info"]
    return {
        "encoding": info.encoding,
        "sheet_name": info.sheet_name,
        "header_row": match.header_row,
        "data_start_row": match.data_after + 1,
        "columns": [
            {
                "index": index,
                "key": key,
                "label": spec.column(key).label,
                "header": match.headers[index] if index < len(match.headers) else "",
            }
            for index, key in sorted(match.mapping.items())
        ],
        "unmatched_headers": match.unmatched,
        "headers": match.headers,
        "total_rows": found["rows"],
    }

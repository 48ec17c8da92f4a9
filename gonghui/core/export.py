"""Spreadsheet export: .xlsx written in constant memory, formulas neutralised (DESIGN §3).

Every cell that is text and starts with = + - @ tab or CR is prefixed with ' so a
spreadsheet program shows it as text instead of evaluating it.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M:%S")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence], *, sheet_name: str = "数据", title: str = ""
) -> bytes:
    """Build an .xlsx: optional title row, bold frozen header, then rows (all cells sanitised)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    row_index = 0
    if title:
        sheet.write_string(
            0, 0, neutralise(title), workbook.add_format({"bold": True, "font_size": 14})
        )
        row_index = 1
    for col, header in enumerate(headers):
        sheet.write_string(row_index, col, neutralise(header), bold)
        sheet.set_column(col, col, max(10, min(40, len(header) * 2 + 4)))
    sheet.freeze_panes(row_index + 1, 0)
    for row in rows:
        row_index += 1
        for col, value in enumerate(row):
            cell = _cell(value)
            if isinstance(cell, str):
                sheet.write_string(row_index, col, cell)
            else:
                sheet.write_number(row_index, col, cell)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    full = f"{filename}-{stamp}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"export-{stamp}.xlsx\"; filename*=UTF-8''{quote(full)}"
    )
    return response


def export_workbook(
    *,
    actor,
    what: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    sheet_name: str,
    filters: dict | None = None,
    masked: bool = True,
    reason: str | None = None,
    title: str = "",
) -> bytes:
    """Build an export and write its audit event (DESIGN §3: every export is audited).

    Rows may be a generator: they are counted as the workbook is written. `reason` is
    recorded for exports of personal data (empty when exported masked).
    """

    counted = [0]

    def counting(source):
        for row in source:
            counted[0] += 1
            yield row

    content = xlsx_bytes(headers, counting(rows), sheet_name=sheet_name, title=title)
    _export_audit(actor, what=what, rows=counted[0], filters=filters, masked=masked, reason=reason)
    return content


def _export_audit(actor, *, what, rows: int, filters, masked: bool, reason, **extra) -> None:
    from gonghui.core.audit import AuditAction, audit_record

    detail = {"what": what, "rows": rows, **extra, "filters": filters or {}, "masked": masked}
    if reason is not None:
        detail["reason"] = reason
    audit_record(
        action=AuditAction.EXPORTED, user=actor, org=getattr(actor, "org", None), detail=detail
    )


# --- several sheets, several tables per sheet (standard reports) -----------------------------

_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class SheetTable:
    """One table on a sheet: an optional bold caption line, the header row, the rows."""

    headers: Sequence[str]
    rows: Iterable[Sequence]
    caption: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    tables: Sequence[SheetTable]
    title: str = ""


def _sheet_names(names: Iterable[str]) -> list[str]:
    """Names Excel accepts: no []:*?/\\, no leading/trailing ', at most 31 characters, unique
    (case-insensitively)."""
    taken: set[str] = set()
    result = []
    for index, raw in enumerate(names, start=1):
        name = str(raw).translate(_SHEET_NAME_FORBIDDEN).strip().strip("'")[:31]
        name = name or f"Sheet{index}"
        candidate, n = name, 2
        while candidate.lower() in taken:
            suffix = f"({n})"
            candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def _report_cell(value):
    # Reports hold amounts as Decimal: written as numbers so they can be summed.
    if isinstance(value, Decimal) and value.is_finite():
        return float(value)
    return _cell(value)


def xlsx_sheets_bytes(sheets: Sequence[Sheet]) -> tuple[bytes, int]:
    """Build an .xlsx of several sheets, each with an optional title row and one or more
    tables (caption, bold header, rows; every text cell sanitised as in `xlsx_bytes`).
    A sheet holding a single table freezes its header. Returns (content, data rows written)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    caption_format = workbook.add_format({"bold": True})
    header_format = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    written = 0
    for spec, name in zip(sheets, _sheet_names(s.name for s in sheets), strict=True):
        sheet = workbook.add_worksheet(name)
        next_row = 0
        if spec.title:
            sheet.write_string(next_row, 0, neutralise(spec.title), title_format)
            next_row += 1
        widths: dict[int, int] = {}
        for number, table in enumerate(spec.tables):
            if number:
                next_row += 1  # a blank line between tables
            if table.caption:
                sheet.write_string(next_row, 0, neutralise(table.caption), caption_format)
                next_row += 1
            for col, header in enumerate(table.headers):
                sheet.write_string(next_row, col, neutralise(str(header)), header_format)
                widths[col] = max(widths.get(col, 10), min(40, len(str(header)) * 2 + 4))
            next_row += 1
            if len(spec.tables) == 1:
                sheet.freeze_panes(next_row, 0)
            for row in table.rows:
                written += 1
                for col, value in enumerate(row):
                    cell = _report_cell(value)
                    if isinstance(cell, str):
                        sheet.write_string(next_row, col, cell)
                    else:
                        sheet.write_number(next_row, col, cell)
                next_row += 1
        for col, width in widths.items():
            sheet.set_column(col, col, width)
    workbook.close()
    return buffer.getvalue(), written


def export_workbook_sheets(
    *,
    actor,
    what: str,
    sheets: Sequence[Sheet],
    filters: dict | None = None,
    masked: bool = True,
    reason: str | None = None,
) -> bytes:
    """`export_workbook` for a workbook of several sheets: built, then audited once with the
    sheet names and the number of data rows over all sheets."""
    content, rows = xlsx_sheets_bytes(sheets)
    _export_audit(
        actor,
        what=what,
        rows=rows,
        sheets=_sheet_names(s.name for s in sheets),
        filters=filters,
        masked=masked,
        reason=reason,
    )
    return content

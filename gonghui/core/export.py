"""Spreadsheet export: .xlsx written in constant memory, formulas neutralised (DESIGN §3).

Every cell that is text and starts with = + - @ tab or CR is prefixed with ' so a
spreadsheet program shows it as text instead of evaluating it.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

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
    from gonghui.audit.services import AuditAction, audit_record

    counted = [0]

    def counting(source):
        for row in source:
            counted[0] += 1
            yield row

    content = xlsx_bytes(headers, counting(rows), sheet_name=sheet_name, title=title)
    detail = {
        "what": what,
        "rows": counted[0],
        "filters": filters or {},
        "masked": masked,
    }
    if reason is not None:
        detail["reason"] = reason
    audit_record(
        action=AuditAction.EXPORTED, user=actor, org=getattr(actor, "org", None), detail=detail
    )
    return content

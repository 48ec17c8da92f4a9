"""Build upload files for the tests: .xlsx with xlsxwriter (titles, merged cells), CSV bytes."""

import csv
import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

ORG_HEADER = [
    "组织名称",
    "组织编码",
    "上级组织编码",
    "组织类型",
    "层级",
    "行政区划代码",
    "工会主席",
]


def xlsx_bytes(rows, *, title: str = "", merges=(), sheet: str = "Sheet1") -> bytes:
    """rows written from the top (after an optional title merged over the row's width)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    worksheet = workbook.add_worksheet(sheet)
    start = 0
    if title:
        width = max(len(r) for r in rows)
        worksheet.merge_range(0, 0, 0, width - 1, title)
        start = 1
    for first_row, first_col, last_row, last_col, value in merges:
        worksheet.merge_range(first_row, first_col, last_row, last_col, value)
    for offset, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            worksheet.write(start + offset, col, value)
    workbook.close()
    return buffer.getvalue()


def xlsx_upload(rows, *, name: str = "导入.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kwargs))


def csv_bytes(rows, *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def csv_upload(rows, *, name: str = "导入.csv", encoding: str = "utf-8", **kwargs):
    return SimpleUploadedFile(name, csv_bytes(rows, encoding=encoding, **kwargs))


def read_xlsx(content: bytes) -> list[list]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


def read_in_small_parts(monkeypatch, *, first: int, later: int) -> list[str]:
    """Have every splittable sheet read in parts of about these many bytes (xlsx_parts),
    whatever its size; returns the list of the parts' sheet members, one per part loaded."""
    from gonghui.core.imports import xlsx_parts

    monkeypatch.setattr(xlsx_parts, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(xlsx_parts, "FIRST_PART_BYTES", first)
    monkeypatch.setattr(xlsx_parts, "PART_BYTES", later)
    monkeypatch.setattr(xlsx_parts, "REREAD_FACTOR", 0)
    loads = []
    real_load = xlsx_parts._load

    def counting_load(template, member, xml, index):
        loads.append(member)
        return real_load(template, member, xml, index)

    monkeypatch.setattr(xlsx_parts, "_load", counting_load)
    return loads

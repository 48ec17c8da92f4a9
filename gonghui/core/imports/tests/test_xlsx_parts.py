"""Reading a worksheet in parts (xlsx_parts) gives exactly what calamine reads from the whole
sheet, and the upload's scan marks only sheets where that holds as splittable."""

import datetime
import io
import threading
import zipfile

import openpyxl
import pytest
import xlsxwriter

from gonghui.core.imports import xlsx_parts
from gonghui.core.imports.reader import (
    XLSX,
    ImportFileError,
    check_archive,
    iter_table,
    splittable_sheets,
)
from gonghui.core.imports.tests.files import read_in_small_parts
from gonghui.core.imports.xlsx_extent import sheet_extent

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def parts_loaded(monkeypatch):
    """Split every splittable sheet into parts of a few hundred bytes; count the parts."""
    return read_in_small_parts(monkeypatch, first=300, later=700)


def _read_both(path):
    """(rows read in parts, rows read whole, the split sheets the scan found)."""
    split = splittable_sheets(check_archive(path, XLSX))
    info, rows = iter_table(path, XLSX, split)
    in_parts = list(rows)
    whole_info, rows = iter_table(path, XLSX)
    whole = list(rows)
    assert (info.sheet_name, info.format) == (whole_info.sheet_name, whole_info.format)
    return in_parts, whole, split


def _member_rows(count: int, first_column: int = 0):
    today = datetime.date(2026, 3, 5)
    rows = [["会员名册(测试)"], [], ["序号", "姓名", "身份证号", "入会时间", "农民工", "工资"]]
    for i in range(count):
        if i % 17 == 5:
            rows.append([])  # blank rows are skipped, numbering goes on
            continue
        rows.append(
            [
                i + 1,
                f"会员{i}" if i % 11 else f"  Zhang San {i}  ",
                f"11010119900101{i:04d}",
                today - datetime.timedelta(days=i),
                i % 3 == 0,
                1234.5 + i if i % 7 else None,
            ]
        )
    return [[None] * first_column + row for row in rows]


def _xlsxwriter_file(tmp_path, rows, *, name="book.xlsx", **options):
    path = tmp_path / name
    workbook = xlsxwriter.Workbook(path, options)
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("名册")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    sheet.write_formula(len(rows), 0, "=SUM(A4:A10)", None, 42)  # a formula's cached value
    workbook.close()
    return path


@pytest.mark.parametrize(
    "options",
    [
        {},  # shared strings
        {"constant_memory": True},  # inline strings, as in the benchmark's file
        {"date_1904": True},
    ],
)
def test_parts_read_cell_for_cell_what_calamine_reads_whole(tmp_path, parts_loaded, options):
    path = _xlsxwriter_file(tmp_path, _member_rows(120), **options)
    in_parts, whole, split = _read_both(path)
    assert split == {SHEET: 124}
    assert len(parts_loaded) > 10
    assert in_parts == whole
    assert len(whole) == 2 + 120 - 7 + 1
    assert whole[-1] == (124, [42.0])


def test_cells_are_numbered_from_column_a_in_parts_and_whole(tmp_path, parts_loaded):
    rows = _member_rows(60, first_column=2)
    rows[70:] = [[None] * 5 + ["far right"]]  # later parts start further right
    path = _xlsxwriter_file(tmp_path, rows, constant_memory=True)
    in_parts, whole, _ = _read_both(path)
    assert in_parts == whole
    assert whole[0] == (1, ["", "", "会员名册(测试)"])
    assert whole[1][1][:4] == ["", "", "序号", "姓名"]


def test_openpyxl_workbook_with_the_data_on_a_later_sheet(tmp_path, parts_loaded):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.sheet_state = "hidden"
    book.active["A1"] = "填表说明"
    book.create_sheet("空表")  # visible but empty: calamine moves on
    data = book.create_sheet("数据")
    for row in _member_rows(80):
        data.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    in_parts, whole, split = _read_both(path)
    assert "xl/worksheets/sheet3.xml" in split
    assert parts_loaded and set(parts_loaded) == {"xl/worksheets/sheet3.xml"}
    assert in_parts == whole
    assert whole[1][1][:3] == ["序号", "姓名", "身份证号"]


def _sheet_xml(rows_xml: bytes, *, dimension: bytes = b'<dimension ref="A1:C200"/>') -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + dimension
        + b"<sheetData>"
        + rows_xml
        + b"</sheetData></worksheet>"
    )


def _with_sheet(tmp_path, sheet_xml: bytes):
    """A workbook written by xlsxwriter with its sheet's XML replaced."""
    source = _xlsxwriter_file(tmp_path, [["x"]], name="source.xlsx")
    path = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, sheet_xml if info.filename == SHEET else old.read(info))
    return path


def _rows_xml(numbers) -> bytes:
    return b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="C%d" t="inlineStr"><is><t>'
        b"\xe5\x90\x8d%d</t></is></c></row>" % (n, n, n, n, n)
        for n in numbers
    )


def test_rows_out_of_order_across_parts_are_refused(tmp_path, parts_loaded):
    path = _with_sheet(tmp_path, _sheet_xml(_rows_xml([*range(1, 40), 3])))
    split = splittable_sheets(check_archive(path, XLSX))
    assert split == {SHEET: 200}
    _, rows = iter_table(path, XLSX, split)
    with pytest.raises(ImportFileError) as refused:
        list(rows)
    assert refused.value.code == "import_file_corrupt"
    assert "行不是按行号顺序存放的" in refused.value.message


def test_rows_out_of_order_within_a_part_read_as_calamine_reads_them(tmp_path, parts_loaded):
    path = _with_sheet(tmp_path, _sheet_xml(_rows_xml([2, 1, *range(3, 30)])))
    in_parts, whole, _ = _read_both(path)
    assert in_parts == whole
    assert [number for number, _ in whole[:3]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("sheet_xml", "splittable"),
    [
        (_sheet_xml(_rows_xml(range(1, 5))), True),
        (b"\xef\xbb\xbf" + _sheet_xml(_rows_xml(range(1, 5))), True),
        (_sheet_xml(_rows_xml(range(1, 5)), dimension=b""), False),  # no bound of its own
        (_sheet_xml(_rows_xml(range(1, 5)) + b"<!-- </row> -->"), False),
        (
            _sheet_xml(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[</row>]]></t></is></c></row>'
            ),
            False,
        ),  # fmt: skip
        (_sheet_xml(_rows_xml(range(1, 5)) + b"<?pi </row>?>"), False),
        (
            _sheet_xml(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Hi! ok?</t></is></c></row>'),
            True,
        ),  # fmt: skip
        (_sheet_xml(b'<row r="1"><c t="n"><v>1</v></c></row>'), False),  # a cell without r
    ],
)
def test_the_scan_marks_only_sheets_that_read_the_same_in_parts(sheet_xml, splittable):
    pieces = [sheet_xml[i : i + 7] for i in range(0, len(sheet_xml), 7)]
    extent = sheet_extent(lambda: iter(pieces), max_cells=60_000_000, max_columns=702)
    assert extent.splittable is splittable


def test_a_reader_that_stops_early_stops_the_helper_thread(tmp_path, parts_loaded):
    path = _with_sheet(tmp_path, _sheet_xml(_rows_xml(range(1, 150))))
    _, rows = iter_table(path, XLSX, splittable_sheets(check_archive(path, XLSX)))
    assert next(rows)[0] == 1
    assert any(t.name == "xlsx-parts" for t in threading.enumerate())
    rows.close()
    assert not any(t.name == "xlsx-parts" for t in threading.enumerate())


def test_small_sheets_and_unmarked_files_are_read_whole(tmp_path, monkeypatch):
    path = _xlsxwriter_file(tmp_path, _member_rows(50))
    split = splittable_sheets(check_archive(path, XLSX))
    assert split == {SHEET: 54}
    monkeypatch.setattr(xlsx_parts, "sheet_parts", None)  # would fail if called
    assert len(list(iter_table(path, XLSX, split)[1])) == 2 + 50 - 3 + 1
    assert len(list(iter_table(path, XLSX)[1])) == 2 + 50 - 3 + 1


def test_a_part_that_will_not_cut_falls_back_to_the_whole_sheet(tmp_path, parts_loaded):
    path = _with_sheet(
        tmp_path, _sheet_xml(b"").replace(b"<sheetData></sheetData>", b"<sheetData/>")
    )
    info, rows = iter_table(path, XLSX, {SHEET: 200})
    assert list(rows) == [] and not parts_loaded


def test_template_keeps_every_part_but_the_worksheets():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("xl/workbook.xml", "xl/sharedStrings.xml", SHEET, "xl/worksheets/sheet2.xml",
                     "xl/worksheets/_rels/sheet1.xml.rels", "xl/styles.xml"):  # fmt: skip
            archive.writestr(name, b"<x/>")
    with zipfile.ZipFile(buffer) as archive:
        template = xlsx_parts._template(archive, SHEET)
    assert zipfile.ZipFile(io.BytesIO(template)).namelist() == [
        "xl/workbook.xml",
        "xl/sharedStrings.xml",
        "xl/worksheets/_rels/sheet1.xml.rels",
        "xl/styles.xml",
    ]

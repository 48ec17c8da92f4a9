"""The cell box calamine allocates, bounded from the sheet XML: checked against calamine itself.

Every crafted sheet here is small enough for calamine to load, so the bound can be compared
with what calamine really builds; the bombs at the end are only ever given to check_archive.
"""

import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from gonghui.core.imports import xlsx_extent
from gonghui.core.imports.reader import XLSX, ImportFileError, check_archive
from gonghui.core.imports.tests.files import xlsx_bytes
from gonghui.core.imports.xlsx_extent import (
    Extent,
    ExtentRefused,
    _letters_up_to,
    _numbers_up_to,
    sheet_extent,
)

SHEET = "xl/worksheets/sheet1.xml"


def _sheet_xml(cells: str, dimension: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{cells}</sheetData>"
        '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
    ).encode()


def _xlsx(tmp_path, sheet_xml: bytes, name="crafted.xlsx"):
    """A real workbook (xlsxwriter) whose only worksheet is replaced by `sheet_xml`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["x"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = sheet_xml if info.filename == SHEET else source.read(info)
            archive.writestr(info.filename, data)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def _calamine_box(path) -> tuple[int, int]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return (sheet.height, sheet.width) if sheet.start is not None else (0, 0)


def _pieces(xml: bytes, piece: int | None) -> list[bytes]:
    return [xml] if piece is None else [xml[i : i + piece] for i in range(0, len(xml), piece)]


def _extent(xml: bytes, piece: int | None = None) -> Extent:
    pieces = _pieces(xml, piece)
    return sheet_extent(lambda: iter(pieces), max_cells=60_000_000, max_columns=702)


def _exact(xml: bytes, piece: int | None = None) -> Extent:
    return xlsx_extent._exact_extent(iter(_pieces(xml, piece)), max_columns=702)


# Each: sheetData content, and calamine's (height, width) for it.
PLACEMENTS = {
    "reference far from its row": ('<row r="2"><c r="C40"><v>1</v></c></row>', (1, 1)),
    "spread over rows": ('<row r="2"><c r="B2"><v>1</v></c><c r="D30"><v>1</v></c></row>', (29, 3)),
    "single quotes": ("<row r='2'><c r='D7'><v>1</v></c><c r='A1'><v>1</v></c></row>", (7, 4)),
    "spaces around =": (
        '<row r = "2"><c r = "D7" ><v>1</v></c><c r="A1"><v>1</v></c></row>',
        (7, 4),
    ),
    "tab and newline": ('<row\tr="2"><c\nr="B9"><v>1</v></c><c r="A1"><v>1</v></c></row>', (9, 2)),
    "lower case": ('<row r="2"><c r="d7"><v>1</v></c><c r="A1"><v>1</v></c></row>', (7, 4)),
    "last r wins": ('<row r="1"><c r="A1" r="C9"><v>1</v></c><c r="A1"><v>1</v></c></row>', (9, 3)),
    "> inside a value": (
        '<row r="1"><c r="A1" ph="x>y" r="C9"><v>1</v></c><c r="A1"><v>1</v></c></row>',
        (9, 3),
    ),
    "prefixed tags": (
        '<x:row xmlns:x="urn:x" r="3"><x:c r="A3"><x:v>1</x:v></x:c><x:c r="F8">'
        "<x:v>1</x:v></x:c></x:row>",
        (6, 6),
    ),
    "no references": (
        '<row r="2"><c><v>1</v></c><c><v>1</v></c></row><row><c><v>2</v></c></row>',
        (2, 2),
    ),
    "after a reference": (
        '<row r="1"><c r="E1"><v>1</v></c><c><v>1</v></c><c><v>1</v></c></row>',
        (1, 3),
    ),
    "self-closing cells move on": ('<row r="1"><c r="C1"/><c/><c><v>1</v></c></row>', (1, 1)),
    "self-closing rows count": (
        '<row r="5"/><row/><row><c><v>1</v></c><c r="A1"><v>1</v></c></row>',
        (7, 1),
    ),
    "cells outside rows": ("<c><v>1</v></c><c><v>2</v></c>", (1, 2)),
    "out of order": (
        '<row r="5"><c r="A5"><v>1</v></c></row><row r="1"><c r="B1"><v>1</v></c></row>',
        (5, 2),
    ),
    "comments are skipped": (
        '<row r="1"><c r="A1"><v>1</v></c><!-- <c r="C9"><v>1</v></c> --></row>',
        (1, 1),
    ),
    "CDATA is text": (
        '<row r="1"><c r="A1" t="str"><v><![CDATA[</c><c r="C9"><v>1</v></c>]]></v></c></row>',
        (1, 1),
    ),
    "empty inline string holds a value": (
        '<row r="1"><c r="A1" t="inlineStr"><is><t></t></is></c><c r="A9"><v>1</v></c></row>',
        (9, 1),
    ),
}


@pytest.mark.parametrize("case", sorted(PLACEMENTS))
def test_the_bound_covers_where_calamine_puts_every_cell(tmp_path, case):
    cells, box = PLACEMENTS[case]
    xml = _sheet_xml(cells)
    assert (
        _calamine_box(_xlsx(tmp_path, xml)) == box
    )  # calamine's rules, as this module models them
    for piece in (None, 1, 7):
        exact = _exact(xml, piece)
        assert exact.rows >= box[0] and exact.columns >= box[1]
        bound = _extent(xml, piece)
        assert bound.rows >= box[0] and bound.columns >= box[1]


def test_the_exact_pass_finds_calamines_box_for_plain_cells(tmp_path):
    for case in (
        "spread over rows",
        "single quotes",
        "last r wins",
        "no references",
        "out of order",
    ):
        cells, box = PLACEMENTS[case]
        assert (_exact(_sheet_xml(cells)).rows, _exact(_sheet_xml(cells)).columns) == box, case


def test_a_workbook_as_programs_write_it_is_vouched_for_by_the_quick_pass(tmp_path, monkeypatch):
    rows = [["姓名", "身份证号", "备注"]] + [["张三", "110101199003077777", "x"]] * 50
    path = tmp_path / "plain.xlsx"
    path.write_bytes(xlsx_bytes(rows, title="某某县工会会员名册"))
    xml = zipfile.ZipFile(path).read(SHEET)

    def tag_by_tag(*args, **kwargs):
        raise AssertionError("the quick pass should have vouched for this sheet")

    monkeypatch.setattr(xlsx_extent, "_exact_extent", tag_by_tag)
    bound = _extent(xml)
    assert bound.rows == 52  # from <dimension ref="A1:C52">, wide enough to spare
    assert bound.columns == 702 and bound.cells <= 60_000_000
    monkeypatch.undo()
    assert (_exact(xml).rows, _exact(xml).columns) == _calamine_box(path) == (52, 3)


def test_the_quick_pass_hands_over_what_it_cannot_vouch_for(monkeypatch):
    handed = []
    real = xlsx_extent._exact_extent

    def exact(chunks, **kwargs):
        handed.append(True)
        return real(chunks, **kwargs)

    monkeypatch.setattr(xlsx_extent, "_exact_extent", exact)
    inside = '<row r="2"><c r="B2"><v>1</v></c></row>'
    for cells in (
        '<row r="2"><c r="B90"><v>1</v></c></row>',  # beyond <dimension>
        "<row r='2'><c r='B2'><v>1</v></c></row>",
        '<row r="2"><c s="1" r="B2"><v>1</v></c></row>',
        '<row r="2"><c r="B2" r="B2"><v>1</v></c></row>',
        '<row r="2"><x:c r="B2"><v>1</v></x:c></row>',
        '<row r="2"><c><v>1</v></c></row>',
    ):
        handed.clear()
        _extent(_sheet_xml(cells, dimension="A1:C10"))
        assert handed, cells
    handed.clear()
    _extent(_sheet_xml(inside, dimension="A1:C10"))
    assert not handed


def test_number_and_column_patterns_stop_exactly_at_their_limit():
    import re

    for limit in (1, 5, 9, 10, 57, 100, 299, 200_002, 1_048_576):
        pattern = re.compile(_numbers_up_to(limit))
        for value in {1, 9, 10, limit - 1, limit, limit + 1, limit * 10, 99_999_999}:
            if value >= 1:
                assert bool(pattern.fullmatch(str(value).encode())) == (value <= limit), (
                    limit,
                    value,
                )
    for limit, name in ((1, "A"), (26, "Z"), (27, "AA"), (57, "BE"), (299, "KM"), (702, "ZZ")):
        pattern = re.compile(_letters_up_to(limit))
        assert pattern.fullmatch(name.encode())
        following = xlsx_extent._column_name(limit + 1).encode()
        assert not pattern.fullmatch(following), (limit, following)
        assert xlsx_extent._column_number(name.encode()) == limit


def test_structures_no_spreadsheet_program_writes_are_refused():
    for cells in (
        '<row r="1"><c r="A1"><c r="B1"/></c></row>',  # a cell in a cell
        '<row r="1"><c r="A1"><v>1</c></v></row>',  # end tags crossed
        '<row r="1"><c r="A1"><row r="5"></row></c></row>',  # a row in a cell
        '<row r="1"><c r="A1"><v>1</v></c></row><!-- never closed ',
        '<row r="0"><c><v>1</v></c></row>',  # calamine refuses row 0 as well
        '<row r="1"><c r="&#65;1"><v>1</v></c></row>',
    ):
        with pytest.raises(ExtentRefused) as caught:
            _exact(_sheet_xml(cells))
        assert caught.value.reason == "corrupt", cells


# --- bombs: only ever given to check_archive -----------------------------------------------

FAR = {
    "r far from its row": '<row r="2"><c r="ZZ1048576"><v>1</v></c></row>',
    "single quotes": "<row r='2'><c r='ZZ1048576'><v>1</v></c></row>",
    "spaces around =": '<row r="2"><c r = "ZZ1048576"><v>1</v></c></row>',
    "lower case": '<row r="2"><c r="zz1048576"><v>1</v></c></row>',
    "second r": '<row r="2"><c r="A2" r="ZZ1048576"><v>1</v></c></row>',
    "second r after a quoted >": '<row r="2"><c r="A2" ph=\'x>\' r="ZZ1048576"><v>1</v></c></row>',
    "prefixed": '<row r="2"><x:c r="ZZ1048576"><x:v>1</x:v></x:c></row>',
    "row ends below": '<row r="1"><c r="ZZ1"><v>1</v></c></row>'
    + "<row/>" * 200_000
    + "<row><c><v>1</v></c></row>",
}


@pytest.mark.parametrize("case", sorted(FAR))
def test_one_cell_far_from_the_rest_is_refused_before_calamine_loads_it(tmp_path, case):
    xml = _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + FAR[case], dimension="A1:B2")
    with pytest.raises(ImportFileError) as caught:
        check_archive(_xlsx(tmp_path, xml), XLSX)
    assert caught.value.code == "import_file_bomb", case


def test_cells_without_reference_pushed_past_the_last_column_are_refused(tmp_path):
    xml = _sheet_xml('<row r="1"><c r="ZX1"/>' + "<c/>" * 10 + "<c><v>1</v></c></row>")
    with pytest.raises(ImportFileError) as caught:
        check_archive(_xlsx(tmp_path, xml), XLSX)
    assert caught.value.code == "import_file_too_wide"


def test_a_refused_structure_is_reported_as_a_damaged_file(tmp_path):
    xml = _sheet_xml('<row r="1"><c r="A1"><c r="ZZ9"/></c></row>')
    with pytest.raises(ImportFileError) as caught:
        check_archive(_xlsx(tmp_path, xml), XLSX)
    assert caught.value.code == "import_file_corrupt"
    assert "结构异常" in caught.value.message

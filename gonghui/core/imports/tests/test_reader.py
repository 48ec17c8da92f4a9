import io
import zipfile

import pytest
import xlsxwriter

from gonghui.core.imports.reader import (
    CSV,
    ODS,
    XLS,
    XLSX,
    ImportFileError,
    check_archive,
    detect_encoding,
    iter_table,
    sniff_format,
)
from gonghui.core.imports.tests.files import csv_bytes, xlsx_bytes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def _write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _zip(tmp_path, name, members: dict[str, bytes]):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return _write(tmp_path, name, buffer.getvalue())


def test_format_comes_from_the_content_not_the_name(tmp_path):
    assert sniff_format(_write(tmp_path, "a.csv", xlsx_bytes([["组织名称"]]))) == XLSX
    assert sniff_format(_write(tmp_path, "a.xlsx", "组织名称,组织编码\r\n".encode())) == CSV
    assert (
        sniff_format(_write(tmp_path, "a.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)))
        == XLS
    )
    ods = _zip(
        tmp_path,
        "a.zip",
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
    )
    assert sniff_format(ods) == ODS


def test_a_png_renamed_xlsx_is_refused_in_chinese(tmp_path):
    with pytest.raises(ImportFileError) as caught:
        sniff_format(_write(tmp_path, "照片.xlsx", PNG))
    assert caught.value.code == "import_file_not_table"
    assert (
        caught.value.message
        == "该文件不是表格文件(看起来是PNG 图片)，请上传 .xlsx、.xls 或 .csv 文件。"
    )


def test_html_saved_as_xls_and_other_zips_are_refused(tmp_path):
    with pytest.raises(ImportFileError) as caught:
        sniff_format(_write(tmp_path, "a.xls", b"<html><table><tr><td>1</td></tr></table></html>"))
    assert caught.value.code == "import_file_html"
    docx = _zip(tmp_path, "a.xlsx", {"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})
    with pytest.raises(ImportFileError) as caught:
        sniff_format(docx)
    assert caught.value.code == "import_file_not_table"
    with pytest.raises(ImportFileError) as caught:
        sniff_format(_write(tmp_path, "bad.xlsx", b"PK\x03\x04 truncated"))
    assert caught.value.code == "import_file_corrupt"
    with pytest.raises(ImportFileError) as caught:
        sniff_format(_write(tmp_path, "empty.csv", b""))
    assert caught.value.code == "import_file_empty"


def test_encodings_utf8_with_and_without_bom_utf16_and_gbk():
    text = "单位名称,联系人\r\n某某公司,张三\r\n"
    assert detect_encoding(("\ufeff" + text).encode("utf-8")) == ("utf-8-sig", "UTF-8")
    assert detect_encoding(text.encode("utf-8")) == ("utf-8", "UTF-8")
    assert detect_encoding(text.encode("utf-16")) == ("utf-16", "UTF-16")
    assert detect_encoding(text.encode("gbk")) == ("gb18030", "GBK/GB18030")


def test_csv_rows_keep_their_line_numbers_and_skip_blank_lines(tmp_path):
    content = csv_bytes(
        [["标题"], [], ["单位名称", "联系人"], ["某某公司", "张三"]], encoding="gbk"
    )
    info, rows = iter_table(_write(tmp_path, "a.csv", content), CSV)
    assert info.encoding == "GBK/GB18030"
    assert list(rows) == [(1, ["标题"]), (3, ["单位名称", "联系人"]), (4, ["某某公司", "张三"])]


def test_semicolon_and_tab_separated_text_is_read(tmp_path):
    for delimiter in (";", "\t"):
        content = csv_bytes([["单位名称", "联系人"], ["某某公司", "张三"]], delimiter=delimiter)
        _, rows = iter_table(_write(tmp_path, "a.csv", content), CSV)
        assert list(rows) == [(1, ["单位名称", "联系人"]), (2, ["某某公司", "张三"])]


def test_zip_bomb_by_compression_ratio_is_refused(tmp_path):
    bomb = _zip(
        tmp_path,
        "bomb.xlsx",
        {
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<row>" + b"0" * (8 * 1024 * 1024),
        },
    )
    with pytest.raises(ImportFileError) as caught:
        check_archive(bomb, XLSX)
    assert caught.value.code == "import_file_bomb"
    assert caught.value.message.startswith("文件解压后过大")


def test_zip_bomb_by_total_uncompressed_size_is_refused(tmp_path, settings):
    path = _write(tmp_path, "a.xlsx", xlsx_bytes([["组织名称"], ["甲"]]))
    assert check_archive(path, XLSX)["xl/worksheets/sheet1.xml"].max_row == 2
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1000
    with pytest.raises(ImportFileError) as caught:
        check_archive(path, XLSX)
    assert caught.value.code == "import_file_bomb"


def _sheet_with_cell(tmp_path, row: int, col: int):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write(0, 0, "组织名称")
    sheet.write(row, col, "x")
    workbook.close()
    return _write(tmp_path, "far.xlsx", buffer.getvalue())


def test_a_sheet_reaching_a_far_cell_is_refused_before_it_is_loaded(tmp_path):
    with pytest.raises(ImportFileError) as caught:
        check_archive(_sheet_with_cell(tmp_path, 0, 702), XLSX)  # column AAA
    assert caught.value.code == "import_file_too_wide"
    with pytest.raises(ImportFileError) as caught:
        check_archive(_sheet_with_cell(tmp_path, 1_048_575, 200), XLSX)  # GS1048576
    assert caught.value.code == "import_file_bomb"
    stats = check_archive(_sheet_with_cell(tmp_path, 9, 30), XLSX)["xl/worksheets/sheet1.xml"]
    assert stats.max_row == 10 and stats.max_column >= 31


_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="名单">{rows}</table:table>'
    "</office:spreadsheet></office:body></office:document-content>"
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
    ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/"'
    ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
)


def _ods(tmp_path, rows_xml: str):
    return _zip(
        tmp_path,
        "a.ods",
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": _ODS_CONTENT.format(rows=rows_xml).encode(),
            "META-INF/manifest.xml": _ODS_MANIFEST.encode(),
        },
    )


def _cell(text, extra=""):
    return (
        f'<table:table-cell {extra} office:value-type="string"><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def test_ods_is_read_and_its_trailing_empty_repeats_are_harmless(tmp_path):
    rows = (
        "<table:table-row>" + _cell("组织名称") + _cell("组织编码") + "</table:table-row>"
        "<table:table-row>"
        + _cell("甲镇二村工会")
        + '<table:table-cell office:value-type="float" office:value="999001003">'
        "<text:p>999001003</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    path = _ods(tmp_path, rows)
    stats = check_archive(path, ODS)["content.xml"]
    assert (stats.max_row, stats.max_column) == (2, 2)
    info, table = iter_table(path, ODS)
    assert info.sheet_name == "名单"
    assert list(table) == [(1, ["组织名称", "组织编码"]), (2, ["甲镇二村工会", 999001003.0])]


def test_ods_cells_repeated_into_billions_are_refused(tmp_path):
    rows = (
        '<table:table-row table:number-rows-repeated="1000000">'
        + _cell("x", 'table:number-columns-repeated="500"')
        + "</table:table-row>"
    )
    with pytest.raises(ImportFileError) as caught:
        check_archive(_ods(tmp_path, rows), ODS)
    assert caught.value.code == "import_file_bomb"


def test_ods_repeats_in_single_quotes_or_after_a_quoted_angle_bracket_are_counted(tmp_path):
    for row_attrs, cell_attrs in (
        ("table:number-rows-repeated='1000000'", "table:number-columns-repeated = '500'"),
        (
            'table:style-name="a>b" table:number-rows-repeated="1000000"',
            'number-columns-repeated="500"',
        ),
    ):
        rows = f"<table:table-row {row_attrs}>" + _cell("x", cell_attrs) + "</table:table-row>"
        with pytest.raises(ImportFileError) as caught:
            check_archive(_ods(tmp_path, rows), ODS)
        assert caught.value.code == "import_file_bomb", row_attrs

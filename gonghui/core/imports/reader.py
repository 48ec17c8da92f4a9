"""Reading uploaded tables: what the file really is, whether it is safe to open, and its rows.

- The format comes from the file's first bytes, never its name: a PNG renamed .xlsx is refused.
- .xlsx/.ods are zip archives: before anything decompresses them we check the members'
  declared sizes and compression ratios, then stream the worksheets through a byte counter
  and bound the box of cells calamine will allocate without building any (`xlsx_extent`),
  so a "zip bomb" or a sheet placing one cell at ZZ1048576 is refused before calamine loads it.
- .xlsx/.xls/.ods are read with python-calamine; .csv with the stdlib csv module after
  detecting the encoding (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030/GBK).

`iter_table(path, fmt)` yields (spreadsheet row number, raw cell values) for non-empty rows.
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from xml.etree import ElementTree

from django.conf import settings

from gonghui.core.errors import ValidationFailed
from gonghui.core.imports import xlsx_parts
from gonghui.core.imports.xlsx_extent import ExtentRefused, sheet_extent

XLSX, XLS, ODS, CSV = "xlsx", "xls", "ods", "csv"
FORMAT_LABELS = {
    XLSX: "Excel 工作簿 xlsx",
    XLS: "Excel 97-2003 工作簿 xls",
    ODS: "OpenDocument 表格 ods",
    CSV: "CSV 文本",
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_BINARY_SIGNATURES = (
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"%PDF", "PDF 文档"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"MZ", "可执行程序"),
    (b"\x7fELF", "可执行程序"),
    (b"RIFF", "音视频文件"),
)
# Zip members above this many bytes must not expand more than MAX_RATIO times.
_RATIO_CHECK_FROM = 1024 * 1024
MAX_RATIO = 200
MAX_ZIP_MEMBERS = 10_000
MAX_COLUMNS = 702  # column ZZ; a real import has a few dozen
# Cells calamine may allocate for one sheet (rows x columns of its bounding box).
MAX_CELLS = 60_000_000


class ImportFileError(ValidationFailed):
    """The uploaded file itself is unusable; `code` says why (stable, for tests and the API)."""

    code = "import_file_invalid"

    def __init__(self, message: str, *, code: str = "import_file_invalid"):
        super().__init__(message, code=code, fields={"file": [message]})


@dataclass
class SheetStats:
    """Upper bounds on the box of cells calamine allocates for one worksheet."""

    max_row: int = 0
    max_column: int = 0
    max_cells: int = 0  # ODS: the largest rows x columns box of any of its tables
    splittable: bool = False  # .xlsx: may be read in parts (xlsx_extent, xlsx_parts)

    @property
    def cells(self) -> int:
        return max(self.max_cells, self.max_row * self.max_column)


@dataclass
class TableInfo:
    format: str
    encoding: str = ""
    sheet_name: str = ""
    delimiter: str = ""
    # An upper bound on the rows (blank ones included), when it is known without reading them.
    row_bound: int | None = None


# --- what is it? -----------------------------------------------------------------------


def sniff_format(path) -> str:
    """Return xlsx/xls/ods/csv from the content, or raise ImportFileError in Chinese."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise ImportFileError("上传的文件是空的。", code="import_file_empty")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(_OLE2):
        return XLS
    for signature, label in _BINARY_SIGNATURES:
        if label and head.startswith(signature):
            raise ImportFileError(
                f"该文件不是表格文件(看起来是{label})，请上传 .xlsx、.xls 或 .csv 文件。",
                code="import_file_not_table",
            )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return CSV
    if b"\x00" in head:
        raise ImportFileError(
            "该文件不是表格文件，请上传 .xlsx、.xls 或 .csv 文件。", code="import_file_not_table"
        )
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        raise ImportFileError(
            "该文件是网页(HTML/XML)格式，不是真正的 Excel 文件。"
            "请用 Excel 打开后“另存为” .xlsx 再上传。",
            code="import_file_html",
        )
    return CSV


def _zip_kind(path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
                    raise ImportFileError(
                        "暂不支持 Excel 二进制工作簿(.xlsb)，请另存为 .xlsx 后上传。",
                        code="import_file_unsupported",
                    )
                return XLSX
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return ODS
    except zipfile.BadZipFile as exc:
        raise ImportFileError(
            "文件已损坏，无法打开。请用 Excel 打开确认后重新保存再上传。",
            code="import_file_corrupt",
        ) from exc
    raise ImportFileError(
        "该文件是压缩包或其他 Office 文档，不是表格文件。请上传 .xlsx、.xls 或 .csv 文件。",
        code="import_file_not_table",
    )


# --- is it safe to open? -----------------------------------------------------------------


def check_archive(path, fmt: str) -> dict[str, SheetStats]:
    """Zip-bomb guard for .xlsx/.ods. Returns per-worksheet bounds on what calamine allocates."""
    max_total = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportFileError("文件已损坏，无法打开。", code="import_file_corrupt") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _too_big()
        declared = 0
        for info in members:
            declared += info.file_size
            if info.file_size > _RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise _too_big()
        if declared > max_total:
            raise _too_big()
        if fmt == XLSX:
            sheets = [
                m
                for m in members
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
            ]
        else:
            sheets = [m for m in members if m.filename == "content.xml"]
        # Headers can lie about sizes: count what really comes out (calamine stops at the
        # declared size, so this is about the time we spend, not its memory).
        budget = _InflateBudget(max_total)
        stats: dict[str, SheetStats] = {}
        for info in sheets:
            if fmt == ODS:
                sheet = SheetStats()
                ods = _OdsExtent(sheet)
                for chunk in _inflate(archive, info, budget):
                    ods.feed(chunk)
            else:
                sheet = _xlsx_sheet_stats(archive, info, budget)
            stats[info.filename] = sheet
            if sheet.max_column > MAX_COLUMNS:
                raise _too_wide()
            if sheet.cells > MAX_CELLS:
                raise _too_big()
    return stats


def _too_big() -> ImportFileError:
    return ImportFileError(
        "文件解压后过大(可能是恶意构造的压缩文件)，已拒绝。请删除无关的工作表或拆分后再上传。",
        code="import_file_bomb",
    )


def _too_wide() -> ImportFileError:
    return ImportFileError(
        f"工作表的列数过多(超过 {MAX_COLUMNS} 列)，请只保留需要导入的列。",
        code="import_file_too_wide",
    )


class _InflateBudget:
    def __init__(self, limit: int):
        self.limit = limit
        self.spent = 0

    def spend(self, size: int) -> None:
        self.spent += size
        if self.spent > self.limit:
            raise _too_big()


def _inflate(archive, info, budget: _InflateBudget | None) -> Iterator[bytes]:
    """The member's bytes in 1 MiB pieces; a CRC or deflate error is a corrupt file."""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                if budget is not None:
                    budget.spend(len(chunk))
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ImportFileError("文件已损坏，无法打开。", code="import_file_corrupt") from exc


def _xlsx_sheet_stats(archive, info, budget: _InflateBudget) -> SheetStats:
    passes = iter((budget, None))  # a second, exact pass re-reads without counting again
    try:
        extent = sheet_extent(
            lambda: _inflate(archive, info, next(passes)),
            max_cells=MAX_CELLS,
            max_columns=MAX_COLUMNS,
        )
    except ExtentRefused as refused:
        if refused.reason == "too_wide":
            raise _too_wide() from refused
        if refused.reason == "bomb":
            raise _too_big() from refused
        raise ImportFileError(
            "文件的内部结构异常，无法安全打开。请用 Excel 或 WPS 打开后重新保存再上传。",
            code="import_file_corrupt",
        ) from refused
    return SheetStats(max_row=extent.rows, max_column=extent.columns, splittable=extent.splittable)


class _OdsExtent:
    """Where an ODS table's last non-empty cell lies, from content.xml, without expanding it.

    ODS repeats rows and cells by attribute (number-rows-repeated="1048576"), so a 1 KB file
    can describe billions of cells. Empty repeats (every LibreOffice file ends with some) do
    not count; repeated cells with a value do.
    """

    # Quote-aware: an attribute value may hold ">"; values may use either quote.
    _TOKEN = re.compile(
        rb"<(?:[^\s<>/!?=:]+:)?(table-row|table-cell|covered-table-cell|table)\b"
        rb"""((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)>"""
        rb"|</(?:[^\s<>/!?=:]+:)?(table-row|table)\s*>"
    )
    _ROWS = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*(\d+)""")
    _COLUMNS = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*(\d+)""")
    _VALUE_TYPE = re.compile(rb"value-type\s*=")

    def __init__(self, sheet: SheetStats):
        self.sheet = sheet
        self.leftover = b""
        self.row = self.col = 0  # where the current row starts / the next cell goes
        self.repeat = 1  # the current row's repeat count
        self.row_has_value = False
        self.table_rows = self.table_cols = 0

    def feed(self, chunk: bytes) -> None:
        buffer = self.leftover + chunk
        last = 0
        for match in self._TOKEN.finditer(buffer):
            self._token(match)
            last = match.end()
        self.leftover = buffer[max(last, len(buffer) - 4096) :]

    def _token(self, match) -> None:
        opening, attrs, empty, closing = match.groups()
        sheet = self.sheet
        if opening == b"table":
            self.row = self.table_rows = self.table_cols = 0
        elif opening == b"table-row":
            found = self._ROWS.search(attrs)
            self.repeat = int(found.group(1)) if found else 1
            self.col, self.row_has_value = 0, False
            if empty:
                self.row += self.repeat
        elif opening is not None:  # a cell
            found = self._COLUMNS.search(attrs)
            span = int(found.group(1)) if found else 1
            if self._VALUE_TYPE.search(attrs) or (not empty and opening == b"table-cell"):
                self.row_has_value = True
                self.table_cols = max(self.table_cols, self.col + span)
            self.col += span
        elif closing == b"table-row":
            if self.row_has_value:
                self.table_rows = self.row + self.repeat
            self.row += self.repeat
        if self.row_has_value or closing is not None:
            sheet.max_row = max(sheet.max_row, self.table_rows)
            sheet.max_column = max(sheet.max_column, self.table_cols)
            sheet.max_cells = max(sheet.max_cells, self.table_rows * self.table_cols)


# --- reading -----------------------------------------------------------------------------


def detect_encoding(data: bytes) -> tuple[str, str]:
    """(codec for decoding, label for people). Raises ImportFileError when nothing fits."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "UTF-8"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "无法识别 CSV 文件的编码，请另存为“CSV UTF-8”或 .xlsx 后再上传。",
            code="import_file_encoding",
        ) from exc
    return "gb18030", "GBK/GB18030"


def _sniff_delimiter(text: str) -> str:
    sample_lines = [line for line in text[:65536].splitlines()[:20] if line.strip()]
    if not sample_lines:
        return ","
    best, best_score = ",", 0
    for delimiter in (",", "\t", ";", "|"):
        counts = [line.count(delimiter) for line in sample_lines]
        score = sorted(counts)[len(counts) // 2]  # the median line's count
        if score > best_score:
            best, best_score = delimiter, score
    return best


# The most a spreadsheet cell holds (Excel, WPS): a longer CSV cell that spans lines is an
# unclosed quote, not data.
CSV_CELL_MAX = 32_767


def open_csv(path) -> tuple[TableInfo, Iterator[tuple[int, list]]]:
    with open(path, "rb") as handle:
        data = handle.read()
    codec, label = detect_encoding(data)
    text = data.decode(codec)
    del data
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = _sniff_delimiter(text)
    info = TableInfo(
        format=CSV, encoding=label, delimiter=delimiter, row_bound=text.count("\n") + 1
    )

    def rows() -> Iterator[tuple[int, list]]:
        # Any cell the file can hold is read (the csv module's own limit, 128 KiB, would
        # turn a long cell into a "malformed file"): the pipeline then refuses a cell too
        # long for its field in words that name the field.
        if csv.field_size_limit() < len(text) + 1:
            csv.field_size_limit(len(text) + 1)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        line = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if any(len(cell) > CSV_CELL_MAX and "\n" in cell for cell in cells):
                    # Longer than any spreadsheet cell and across lines: a quote opened and
                    # never closed has swallowed the lines after it.
                    raise ImportFileError(
                        f"CSV 文件第 {line + 1} 行的引号不配对，其后 {reader.line_num - line - 1} "
                        "行被读成了一个单元格，请检查后重新上传。",
                        code="import_file_corrupt",
                    )
                line = reader.line_num
                if cells and any(cells):
                    yield number, cells
        except csv.Error as exc:
            raise ImportFileError(
                f"CSV 文件第 {reader.line_num} 行格式不正确(引号不配对等)，请检查后重新上传。",
                code="import_file_corrupt",
            ) from exc

    return info, rows()


def splittable_sheets(stats: dict[str, SheetStats]) -> dict[str, int]:
    """The worksheets that may be read in parts, each with the bound on its rows."""
    return {name: sheet.max_row for name, sheet in stats.items() if sheet.splittable}


def open_workbook(
    path, fmt: str, split_sheets: dict[str, int] | None = None
) -> tuple[TableInfo, Iterator[tuple[int, list]]]:
    """The first visible worksheet that has data (calamine). A large worksheet the upload's
    scan found splittable (`split_sheets`) is read in parts, the first rows flowing while
    calamine still reads the rest (xlsx_parts). Cells are numbered from column A."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    with _reading_errors():
        workbook = CalamineWorkbook.from_path(str(path))
        members = _large_split_members(path, split_sheets) if fmt == XLSX and split_sheets else {}
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.visible != SheetVisibleEnum.Visible:
                continue
            member = members.get(meta.name)
            if member is not None:
                try:
                    parts = xlsx_parts.sheet_parts(path, member, index)
                    first = next(parts, None)
                except xlsx_parts.NotSplittable:
                    pass
                else:
                    if first is None:
                        continue
                    info = TableInfo(
                        format=fmt, sheet_name=meta.name, row_bound=split_sheets[member]
                    )
                    return info, _rows_of_parts(chain([first], parts))
            sheet = workbook.get_sheet_by_index(index)
            if sheet.start is not None:
                # The used range: at least as many rows as the non-empty ones.
                info = TableInfo(format=fmt, sheet_name=meta.name, row_bound=sheet.height)
                # iter_rows starts at row 1 but at the range's first column.
                return info, _from_column_a(enumerate(sheet.iter_rows(), start=1), sheet.start[1])
    return TableInfo(format=fmt), iter(())


@contextmanager
def _reading_errors():
    """calamine's errors, and parts that cannot be read as the whole, in Chinese."""
    from python_calamine import CalamineError

    try:
        yield
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as exc:
        if type(exc).__name__ == "PasswordError":
            raise ImportFileError(
                "文件设置了打开密码，请取消密码后再上传。", code="import_file_encrypted"
            ) from exc
        raise ImportFileError(
            "文件已损坏或不是有效的表格文件，无法打开。请用 Excel 打开确认后重新保存再上传。",
            code="import_file_corrupt",
        ) from exc
    except xlsx_parts.PartsRefused as exc:
        raise ImportFileError(
            f"{exc}，无法按顺序读取。请用 Excel 或 WPS 打开后重新保存再上传。",
            code="import_file_corrupt",
        ) from exc


def _from_column_a(numbered_rows, first_column: int) -> Iterator[tuple[int, list]]:
    """Non-empty rows with their cells from column A to their last non-empty one: the same
    whether calamine read the whole sheet or parts with narrower used ranges."""
    pad = [""] * first_column
    for number, cells in numbered_rows:
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            yield number, pad + cells if pad else cells


def _rows_of_parts(parts) -> Iterator[tuple[int, list]]:
    with _reading_errors():
        for sheet in parts:
            first_row, first_column = sheet.start
            rows = enumerate(sheet.to_python(skip_empty_area=True), start=first_row + 1)
            yield from _from_column_a(rows, first_column)


def _large_split_members(path, split_sheets: dict[str, int]) -> dict[str, str]:
    """Sheet name -> zip member, for the splittable worksheets large enough to be split."""
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            large = {
                name for name in split_sheets if sizes.get(name, 0) >= xlsx_parts.SPLIT_FROM_BYTES
            }
            if not large:
                return {}
            return {
                sheet: member
                for sheet, member in xlsx_parts.sheet_members(archive).items()
                if member in large
            }
    except (zipfile.BadZipFile, OSError, KeyError, ElementTree.ParseError):
        return {}


def iter_table(
    path, fmt: str, split_sheets: dict[str, int] | None = None
) -> tuple[TableInfo, Iterator[tuple[int, list]]]:
    """(info, rows): rows yields (spreadsheet row number, raw cells) for each non-empty row.
    `split_sheets`: what the upload's scan found splittable (`splittable_sheets`)."""
    if fmt == CSV:
        return open_csv(path)
    return open_workbook(path, fmt, split_sheets)

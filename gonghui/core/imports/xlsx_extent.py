"""How large a box of cells calamine will allocate for an .xlsx worksheet, from its XML alone.

calamine (python-calamine 0.9) reads a sheet's cells and then allocates one slot for every
position of the box spanning the non-empty ones, so a few hundred bytes holding A1 and
ZZ1048576 ask for 736 million slots and the process aborts. The box follows calamine's rules,
checked against it cell by cell in the tests:

- a cell with an `r` attribute sits where `r` says, whatever row element holds it; the last
  `r` of a tag wins; letters may be lower case, quotes single, `=` surrounded by spaces;
- a cell without `r` sits at the current row index (set by a `<row r>`, plus one for every
  row that ends) and one column right of the previous cell of its row;
- names are compared without their prefix (`<x:c>` is a cell), self-closing elements open and
  close, comments, CDATA and processing instructions are skipped, and everything after the
  sheet data's end is ignored.

`sheet_extent` makes one cheap pass that can vouch for a sheet (every cell tag starts with a
plain `r` inside a box small enough, the case for what Excel, WPS, openpyxl and xlsxwriter
write) and, only when it cannot, a second pass that follows calamine tag by tag. That pass
refuses structures no spreadsheet program writes (a cell inside a cell, end tags that do not
match) instead of guessing how calamine would read them.

A sheet the cheap pass vouches for within its own `<dimension>`, with no comment, CDATA or
processing instruction past the XML declaration, is also `splittable`: every cell says where
it sits and every `</row>` ends an element, so the sheet data cut at any `</row>` reads,
part by part, as the whole does (`xlsx_parts`), and no part can ask calamine for more than
the whole sheet could.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

EXCEL_ROWS = 1_048_576
# A tag or comment longer than this is not from a spreadsheet program.
MAX_TOKEN_BYTES = 16 * 1024 * 1024


class ExtentRefused(Exception):
    """The sheet must not be loaded; `reason` is "bomb", "too_wide" or "corrupt"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Extent:
    """At least as many rows and columns as the box calamine allocates for the sheet."""

    rows: int
    columns: int
    splittable: bool = False  # see the module docstring

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def sheet_extent(
    open_chunks: Callable[[], Iterator[bytes]], *, max_cells: int, max_columns: int
) -> Extent:
    """The sheet's extent; `open_chunks()` yields its XML in order and may be called twice."""
    vouched = _quick_extent(open_chunks(), max_cells=max_cells, max_columns=max_columns)
    if vouched is not None:
        return vouched
    return _exact_extent(open_chunks(), max_columns=max_columns)


# --- the quick pass ------------------------------------------------------------------------

_DIMENSION = re.compile(
    rb"""<(?:[^\s<>/!?=]+:)?dimension\s[^>]*?\bref\s*=\s*["'](?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})["']"""
)
# Anything after the reference except another `r` attribute (calamine keeps the last one);
# quoted values may hold ">" and "r=".
_REST_OF_TAG = rb"""[^>"'r]*+(?:(?:"[^"]*+"|'[^']*+'|r(?!\s*=))[^>"'r]*+)*+>"""
_PREFIXED_CELL = re.compile(rb":c(?=[\s/>])")
# What stops a sheet from being cut at its `</row>`s (see the module docstring).
_MARKUP = re.compile(rb"<[!?]")
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^<>]*\?>")
_HEAD_BYTES = 64 * 1024


def _quick_extent(chunks: Iterable[bytes], *, max_cells: int, max_columns: int) -> Extent | None:
    """A bound from C-level searches only, or None when the sheet needs the exact pass."""
    bound: Extent | None = None
    suspect = None
    splittable = False
    carried = b""
    for chunk in chunks:
        buffer = carried + chunk
        start = 0
        if suspect is None:
            if b"sheetData" not in buffer and len(buffer) < _HEAD_BYTES:
                carried = buffer  # the <dimension> comes before the cells
                continue
            bound = _box_to_check(buffer, max_cells=max_cells, max_columns=max_columns)
            suspect = _suspect_cell_pattern(bound)
            splittable = bound.splittable
            declaration = _DECLARATION.match(buffer)
            start = declaration.end() if declaration else 0
        # Search up to the last "<": every tag before it is complete.
        cut = buffer.rfind(b"<")
        if cut < 0:
            cut = len(buffer)
        if suspect.search(buffer, 0, cut) or _PREFIXED_CELL.search(buffer, 0, cut):
            return None
        if splittable and _has_markup(buffer, start, cut):
            splittable = False
        carried = buffer[cut:]
        if len(carried) > MAX_TOKEN_BYTES:
            return None
    start = 0
    if suspect is None:
        bound = _box_to_check(carried, max_cells=max_cells, max_columns=max_columns)
        suspect = _suspect_cell_pattern(bound)
        splittable = bound.splittable
        declaration = _DECLARATION.match(carried)
        start = declaration.end() if declaration else 0
    if suspect.search(carried) or _PREFIXED_CELL.search(carried):
        return None
    if splittable and _has_markup(carried, start, len(carried)):
        splittable = False
    return Extent(bound.rows, bound.columns, splittable)


def _has_markup(buffer: bytes, start: int, end: int) -> bool:
    """A comment, CDATA section or processing instruction between start and end. ("!" and
    "?" are rare in sheet XML; looking for them alone is a memchr, "<!" is not.)"""
    if buffer.find(b"!", start, end) < 0 and buffer.find(b"?", start, end) < 0:
        return False
    return _MARKUP.search(buffer, start, end) is not None


def _box_to_check(head: bytes, *, max_cells: int, max_columns: int) -> Extent:
    """The sheet's own <dimension> when it is plausible (then, so far, splittable), else
    every row and a few columns."""
    found = _DIMENSION.search(head)
    if found:
        rows = int(found.group(2))
        columns = _column_number(found.group(1))
        if 1 < rows <= EXCEL_ROWS and columns <= max_columns and rows * columns <= max_cells:
            return Extent(rows, min(max_columns, max_cells // rows), splittable=True)
    return Extent(EXCEL_ROWS, min(max_columns, max_cells // EXCEL_ROWS))


def _suspect_cell_pattern(bound: Extent) -> re.Pattern:
    """A cell tag that does not start with a plain `r` inside `bound`, or that has two."""
    reference = _letters_up_to(bound.columns) + _numbers_up_to(bound.rows)
    return re.compile(rb'<c(?=[\s/>])(?! r="' + reference + rb'"' + _REST_OF_TAG + rb")")


def _numbers_up_to(limit: int) -> bytes:
    """A regex for the decimal numbers 1..limit without leading zeros."""
    text = str(limit)
    options = [f"[1-9][0-9]{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for index, digit in enumerate(text):
        lowest = 1 if index == 0 else 0
        if int(digit) > lowest:
            rest = len(text) - index - 1
            options.append(f"{text[:index]}[{lowest}-{int(digit) - 1}][0-9]{{{rest}}}")
    options.append(text)
    return ("(?:" + "|".join(options) + ")").encode()


def _letters_up_to(limit: int) -> bytes:
    """A regex for the column names A..(column `limit`), upper case."""
    name = _column_name(limit)
    options = [f"[A-Z]{{1,{len(name) - 1}}}"] if len(name) > 1 else []
    for index, letter in enumerate(name):
        if letter > "A":
            rest = len(name) - index - 1
            options.append(f"{name[:index]}[A-{chr(ord(letter) - 1)}][A-Z]{{{rest}}}")
    options.append(name)
    return ("(?:" + "|".join(options) + ")").encode()


def _column_name(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters.upper():
        number = number * 26 + (byte - 64)
    return number


# --- the exact pass ------------------------------------------------------------------------

# A whole row in the form spreadsheet programs write, handled at once: an optional prefix
# shared by every tag, cells that either all carry the row's own number in `r` or carry no
# `r` at all, and values that are a plain <v>, <f> or one-piece inline string.
_ATTRS_NO_R = rb"""(?:\s+(?!r\s*=)[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*+\s*"""
_VALUE = (
    rb"(?:<(?P=p)f" + _ATTRS_NO_R + rb"(?:/>|>[^<]*</(?P=p)f>))?"
    rb"(?:<(?P=p)v>[^<]*</(?P=p)v>"
    rb"|<(?P=p)is><(?P=p)t" + _ATTRS_NO_R + rb">[^<]*</(?P=p)t></(?P=p)is>)?"
)
_CELL_END = rb"(?:/>|>" + _VALUE + rb"</(?P=p)c>)"
_PLAIN_ROW = (
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)row(?: r=\"(?P<n>[1-9][0-9]{0,6})\")?" + _ATTRS_NO_R + rb">"
    rb"(?:(?P<referenced>(?:<(?P=p)c r=\"[A-Z]{1,3}(?P=n)\"" + _ATTRS_NO_R + _CELL_END + rb")++)"
    rb"|(?P<unreferenced>(?:<(?P=p)c" + _ATTRS_NO_R + _CELL_END + rb")*+))"
    rb"</(?P=p)row>"
)
_CELL_LETTERS = re.compile(rb'<(?:[\w.-]+:)?c r="([A-Z]{1,3})')
_TOKEN = re.compile(
    rb"(?P<row>" + _PLAIN_ROW + rb")"
    rb"|<!--.*?-->"
    rb"|<!\[CDATA\[.*?\]\]>"
    rb"|<\?.*?\?>"
    rb"""|<(?P<close>/)?(?P<name>[^\s<>/!?="']+)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>""",
    re.S,
)
_ATTRIBUTES = re.compile(rb"""(?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?""")
_ATTRIBUTE = re.compile(rb"""\s+([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")


def _exact_extent(chunks: Iterable[bytes], *, max_columns: int) -> Extent:
    scan = _TagByTag(max_columns)
    carried = b""
    for chunk in chunks:
        buffer = carried + chunk
        position = scan.feed(buffer)
        if scan.finished:
            return scan.extent()
        carried = buffer[position:]
        if len(carried) > MAX_TOKEN_BYTES:
            raise ExtentRefused("corrupt")
    if b"<" in carried:
        raise ExtentRefused("corrupt")  # a tag, comment or DOCTYPE left open
    return scan.extent()


class _TagByTag:
    """calamine's XlsxCellReader, reduced to where it puts cells."""

    def __init__(self, max_columns: int):
        self.max_columns = max_columns
        self.open: list[bytes] = []  # names of the elements open now
        self.in_sheet_data = False
        self.finished = False
        self.cell_depth: int | None = None  # len(open) outside the open cell
        self.cell_at: tuple[int, int] | None = None  # where it goes if it has a value
        self.row_index = 0
        self.column_index = 0
        self.first = [EXCEL_ROWS, max_columns]  # smallest row, column holding a value
        self.last = [-1, -1]

    def feed(self, buffer: bytes) -> int:
        """Handle the complete tokens of `buffer`; return where the unfinished rest begins."""
        done = 0
        for match in _TOKEN.finditer(buffer):
            if buffer.find(b"<", done, match.start()) >= 0:
                break  # an unfinished comment or tag: wait for more
            done = match.end()
            if match.group("row") is not None:
                self._plain_row(buffer, match)
                continue
            name = match.group("name")
            if name is not None:
                self._tag(name, match.group("close") is not None, match.group("attrs"))
                if self.finished:
                    break
        return done

    def extent(self) -> Extent:
        if self.last[0] < 0:
            return Extent(0, 0)
        return Extent(self.last[0] - self.first[0] + 1, self.last[1] - self.first[1] + 1)

    def _tag(self, name: bytes, closing: bool, attrs: bytes) -> None:
        local = name.partition(b":")[2] or name
        if closing:
            self._end(name, local)
            return
        if not _ATTRIBUTES.fullmatch(attrs):
            raise ExtentRefused("corrupt")
        empty = attrs.endswith(b"/")
        if not self.in_sheet_data:
            if local == b"sheetData":
                self.in_sheet_data = True
                self.finished = empty
            if not empty:
                self.open.append(name)
            return
        if self.cell_depth is not None:
            if local in (b"c", b"row"):
                raise ExtentRefused("corrupt")
            if self.cell_at is not None:
                self._holds_value(*self.cell_at)
                self.cell_at = None
            if not empty:
                self.open.append(name)
            return
        if local == b"row":
            self._row(attrs, empty)
        elif local == b"c":
            self._cell(attrs, empty)
        if not empty:
            self.open.append(name)
            if local == b"c":
                self.cell_depth = len(self.open) - 1

    def _plain_row(self, buffer: bytes, match: re.Match) -> None:
        if not self.in_sheet_data or self.cell_depth is not None:
            raise ExtentRefused("corrupt")
        number = match.group("n")
        if number is not None:
            self.row_index = _row_number(number) - 1
        cells = match.group("referenced")
        if cells is not None:
            letters = _CELL_LETTERS.findall(buffer, match.start(), match.end())
            first, last = _column_range(letters)
        else:
            cells = match.group("unreferenced")
            count = cells.count(b"<" + match.group("p") + b"c")
            first, last = self.column_index, self.column_index + count - 1
        if cells:
            if last >= self.max_columns:
                raise ExtentRefused("too_wide")
            self._holds_value(self.row_index, first)
            self._holds_value(self.row_index, last)
        self.row_index += 1
        self.column_index = 0

    def _end(self, name: bytes, local: bytes) -> None:
        if not self.open or self.open[-1] != name:
            raise ExtentRefused("corrupt")
        self.open.pop()
        if not self.in_sheet_data:
            return
        if self.cell_depth is not None:
            if len(self.open) == self.cell_depth:
                self.cell_depth = self.cell_at = None
        elif local == b"row":
            self.row_index += 1
            self.column_index = 0
        elif local == b"sheetData":
            self.finished = True

    def _row(self, attrs: bytes, empty: bool) -> None:
        values = _r_values(attrs)
        if values:
            self.row_index = _row_number(values[0]) - 1  # calamine keeps a row's first `r`
        if empty:
            self.row_index += 1
            self.column_index = 0

    def _cell(self, attrs: bytes, empty: bool) -> None:
        values = _r_values(attrs)
        if values:
            row, column = _cell_reference(values[-1])  # and a cell's last `r`
        else:
            row, column = self.row_index, self.column_index
        if column >= self.max_columns:
            raise ExtentRefused("too_wide")
        self.column_index = column + 1
        if not empty:  # a self-closing cell has no value and takes no slot
            self.cell_at = (row, column)

    def _holds_value(self, row: int, column: int) -> None:
        self.first[0] = min(self.first[0], row)
        self.first[1] = min(self.first[1], column)
        self.last[0] = max(self.last[0], row)
        self.last[1] = max(self.last[1], column)


def _column_range(letters: list[bytes]) -> tuple[int, int]:
    """The first and last column (from 0) among column names."""
    narrowest, widest = min(map(len, letters)), max(map(len, letters))
    if narrowest == widest:  # same length: the alphabet orders them
        return _column_number(min(letters)) - 1, _column_number(max(letters)) - 1
    numbers = [_column_number(name) for name in letters]
    return min(numbers) - 1, max(numbers) - 1


def _r_values(attrs: bytes) -> list[bytes]:
    return [
        found.group(2) if found.group(2) is not None else found.group(3)
        for found in _ATTRIBUTE.finditer(attrs)
        if found.group(1) == b"r"
    ]


def _row_number(value: bytes) -> int:
    found = _REFERENCE.fullmatch(value)
    if not found:
        raise ExtentRefused("corrupt")
    number = int(found.group(2))
    if number == 0:
        raise ExtentRefused("corrupt")
    if number > EXCEL_ROWS:
        raise ExtentRefused("bomb")
    return number


def _cell_reference(value: bytes) -> tuple[int, int]:
    found = _REFERENCE.fullmatch(value)
    if not found or not found.group(1):
        raise ExtentRefused("corrupt")
    return _row_number(value) - 1, _column_number(found.group(1)) - 1

"""Reading a large .xlsx worksheet in parts, so that its first rows are checked and written
while calamine is still reading the rest.

calamine reads a whole sheet before it hands over the first cell: 1.7 s for 200,000 member
rows, during which nothing else happens. A sheet the upload's scan found `splittable`
(xlsx_extent: every cell carries its own plain reference, every `</row>` ends a row) is cut
at `</row>`s into parts of a few MiB instead. Each part, with the sheet's own start (the
part before `<sheetData>`) and end tags around it, goes into a small stored zip that holds
the workbook's other parts unchanged (shared strings, styles, the 1904 date flag), and
calamine loads it on a helper thread (it releases the GIL) while the caller works through
the part before. A cell sits where its reference says, in a part as in the whole sheet; the
tests compare part-by-part reading with calamine's whole-sheet reading cell by cell.

Rows come in ascending order across parts in what spreadsheet programs write. A part that
starts at or above a row an earlier part reached would be read differently from calamine,
so the file is refused as corrupt instead.
"""

import io
import posixpath
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

# The first part is small so that rows flow early; later parts are larger, and at least
# REREAD_FACTOR times the shared strings and styles, which calamine reads again per part.
FIRST_PART_BYTES = 4 << 20
PART_BYTES = 8 << 20
REREAD_FACTOR = 2
# Below this a sheet loads at once in about 0.2 s: parts would only add work.
SPLIT_FROM_BYTES = 24 << 20
_READ_BYTES = 1 << 20
_LOADED_AHEAD = 2  # parts loaded and waiting: bounds the memory held
_HEAD_LIMIT = 64 << 20  # no <sheetData> start this far in: not what the scan vouched for

_ROOT = re.compile(rb"<([^\s<>/!?]+)")
_SHEET_DATA_START = b"<sheetData"
_SHEET_DATA_END = b"</sheetData>"
_ROW_END = b"</row>"
_DONE = object()  # the worker's last hand-over


class NotSplittable(Exception):
    """The sheet cannot be cut into parts after all: read it whole (nothing was read yet)."""


class PartsRefused(Exception):
    """The sheet cannot be read in parts the way calamine reads it whole (the reason, in
    Chinese, for the reader's message)."""


def sheet_parts(path, member: str, index: int) -> Iterator:
    """The non-empty parts of worksheet `member` (number `index` in the workbook) as
    calamine sheets, in file order, loaded one or two ahead on a helper thread. Raises
    NotSplittable before the first part, calamine's errors, or PartsRefused."""
    loaded: queue.Queue = queue.Queue(maxsize=_LOADED_AHEAD)
    stop = threading.Event()
    worker = threading.Thread(
        target=_load_parts,
        args=(path, member, index, loaded, stop),
        name="xlsx-parts",
        daemon=True,
    )
    worker.start()
    try:
        while (item := loaded.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()  # the worker notices it between parts and while waiting to hand one over
        worker.join()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SMALL_PART = 4 << 20  # workbook.xml and its relationships are a few KiB


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member, from xl/workbook.xml and its relationships."""
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if archive.getinfo(name).file_size > _SMALL_PART:
            return {}
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relationships.iter(f"{_RELATIONSHIPS}Relationship")
    }
    members = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP_ID), "")
        if target:
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            members[sheet.get("name", "")] = posixpath.normpath(path)
    return members


def _load_parts(path, member: str, index: int, loaded: queue.Queue, stop: threading.Event):
    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                loaded.put(item, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False

    try:
        with zipfile.ZipFile(path) as archive:
            template = _template(archive, member)
            reread = sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.endswith(("sharedStrings.xml", "styles.xml"))
            )
            later_bytes = max(PART_BYTES, REREAD_FACTOR * reread)
            reached = -1
            for xml in _cut(archive, member, later_bytes=later_bytes):
                if stop.is_set():
                    return
                sheet = _load(template, member, xml, index)
                if sheet.start is None:
                    continue
                if sheet.start[0] <= reached:
                    raise PartsRefused("工作表中的行不是按行号顺序存放的")
                reached = sheet.end[0]
                if not hand_over(sheet):
                    return
        hand_over(_DONE)
    except BaseException as exc:  # handed to the reading thread, raised there
        hand_over(exc)


def _template(archive: zipfile.ZipFile, member: str) -> bytes:
    """A stored zip of the workbook without its worksheets (the parts go in one by one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as template:
        for info in archive.infolist():
            name = info.filename
            if name == member or (name.startswith("xl/worksheets/") and name.count("/") == 2):
                continue
            template.writestr(name, archive.read(info))
    return buffer.getvalue()


def _cut(archive: zipfile.ZipFile, member: str, *, later_bytes: int) -> Iterator[bytes]:
    """The sheet's XML as complete sheets of a few MiB of rows each."""
    with archive.open(member) as stream:
        head = b""
        while (start := head.find(_SHEET_DATA_START)) < 0 or head.find(b">", start) < 0:
            chunk = stream.read(_READ_BYTES)
            if not chunk or len(head) > _HEAD_LIMIT:
                raise NotSplittable
            head += chunk
        tag_end = head.find(b">", start) + 1
        root = _ROOT.search(
            head, head.find(b"?>") + 2 if head.lstrip(b"\xef\xbb\xbf").startswith(b"<?") else 0
        )
        if head[tag_end - 2 : tag_end] == b"/>" or root is None:
            raise NotSplittable
        prolog = head[:tag_end]
        closing = _SHEET_DATA_END + b"</" + root.group(1) + b">"
        pieces, size, target = [head[tag_end:]], len(head) - tag_end, FIRST_PART_BYTES
        while True:
            chunk = stream.read(_READ_BYTES)
            if chunk:
                pieces.append(chunk)
                size += len(chunk)
                if size < target:
                    continue
            buffer = b"".join(pieces)
            view = memoryview(buffer)
            end = buffer.find(_SHEET_DATA_END)
            limit = end if end >= 0 else len(buffer)
            start = 0
            while limit - start >= target:
                # The last row end within the target size, else the first one after it.
                cut = buffer.rfind(_ROW_END, start, start + target)
                if cut < 0:
                    cut = buffer.find(_ROW_END, start, limit)
                    if cut < 0:
                        break
                cut += len(_ROW_END)
                yield b"".join((prolog, view[start:cut], closing))
                start, target = cut, later_bytes
            if end >= 0:
                yield b"".join((prolog, view[start:end], closing))
                return
            if not chunk:
                raise PartsRefused("工作表数据不完整")  # no </sheetData>: a truncated sheet
            pieces, size = [buffer[start:]], len(buffer) - start


def _load(template: bytes, member: str, xml: bytes, index: int):
    from python_calamine import CalamineWorkbook

    buffer = io.BytesIO(template)
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(member, xml)
    buffer.seek(0)
    return CalamineWorkbook.from_filelike(buffer).get_sheet_by_index(index)

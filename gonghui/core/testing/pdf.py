"""Reading back the PDFs the app writes (gonghui.core.pdf), without a PDF library: the
objects with their compressed streams inflated, the page count, and the text strings of the
document information and the bookmarks (WeasyPrint makes a bookmark of every h1–h6)."""

import re
import zlib

# A stream's dictionary ends with its /Length; the data is read by that length, not up to the
# next "endstream" (compressed font data may hold those bytes).
_STREAM = re.compile(rb"<<((?:[^<>]|<[^<>]*>)*?/Length (\d+)[^<>]*)>>\s*stream\r?\n")
_TITLE = re.compile(rb"/Title\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))")


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects with its compressed streams (object streams included) inflated."""
    parts = [pdf]
    for match in _STREAM.finditer(pdf):
        data = pdf[match.end() : match.end() + int(match.group(2))]
        try:
            parts.append(zlib.decompress(data))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _decode(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(re.sub(rb"\s", b"", raw[1:-1]).decode())
        if data.startswith(b"\xfe\xff"):
            return data[2:].decode("utf-16-be")
        return data.decode("latin-1")
    return re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1")


def pdf_titles(pdf: bytes) -> list[str]:
    """Every /Title string (the document's title, then the bookmarks), decoded."""
    return [_decode(m.group(1)) for m in _TITLE.finditer(pdf_objects(pdf))]


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf_objects(pdf)))

"""Uploaded files kept by the domain apps (rights records, 五小 results, ...).

What a file may be is decided by its first bytes (a renamed .exe stays refused), and its
name's extension must agree; at most MAX_BYTES. `file_check` gives the random name to store
it under; the uploaded name is kept only in the record and given back on download
(`file_response`). Files are served only through scoped views, never from MEDIA_URL.
"""

import os
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.http import FileResponse, Http404

from gonghui.core.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), DOCX: (".docx",)}
LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG", DOCX: "Word(.docx)"}
DOCUMENTS = (PDF, JPEG, PNG, DOCX)
# The OpenAPI description of an operation answering with a stored file.
FILE_OPENAPI = {
    "responses": {
        200: {
            "description": "文件(PDF、Word 文档或图片，按上传时的类型)",
            "content": {"application/octet-stream": {}},
        }
    }
}
IMAGES = (JPEG, PNG)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    stored_name: str
    original_name: str


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return DOCX  # a zip: only accepted under a .docx name
    return None


def file_check(upload, allowed: tuple[str, ...] = DOCUMENTS, field: str = "file") -> CheckedFile:
    """Validate an upload; ValidationFailed (Chinese, at `field`) when it may not be kept."""

    def refuse(message: str):
        raise ValidationFailed(message, fields={field: [message]})

    if upload is None:
        refuse("请选择要上传的文件。")
    name = os.path.basename(getattr(upload, "name", "") or "")[:200] or "file"
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if not size:
        refuse("所选文件是空的，请检查后重新选择。")
    if size > MAX_BYTES:
        refuse(f"文件过大({size / 1024 / 1024:.1f} MB)，单个文件不能超过 10 MB。")
    upload.seek(0)
    content_type = sniff(upload.read(8))
    upload.seek(0)
    kinds = "、".join(LABELS[c] for c in allowed)
    if content_type not in allowed:
        refuse(f"只能上传 {kinds} 文件，所选文件不是。")
    if os.path.splitext(name)[1].lower() not in EXTENSIONS[content_type]:
        refuse("文件扩展名与文件内容不符，请确认后重新上传。")
    stored = f"{secrets.token_hex(16)}{EXTENSIONS[content_type][0]}"
    return CheckedFile(content_type, size, stored, name)


def file_response(stored, *, personal: bool = False) -> FileResponse:
    """A stored attachment's file (a record with `file`, `name` = the uploaded name and
    `content_type`), for the scoped pages and API operations that serve it. Images open
    inline, other files download under their uploaded name; `personal` files (legal-aid
    papers) stay out of every cache."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = stored.content_type or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    disposition = "inline" if content_type in IMAGES else "attachment"
    extension = os.path.splitext(stored.file.name)[1]
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"file{extension}\"; filename*=UTF-8''{quote(stored.name)}"
    )
    response["Cache-Control"] = "private, no-store" if personal else "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response

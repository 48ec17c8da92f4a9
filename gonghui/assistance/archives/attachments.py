"""What an archive attachment may be: PDF or image, at most MAX_BYTES, checked by content.

The file's first bytes decide its type (a renamed .exe stays refused); the name's extension
must agree. Stored under a random name, never the uploaded one.
"""

import hashlib
import os
import secrets
from dataclasses import dataclass

from gonghui.assistance.choices import AttachmentKind
from gonghui.core.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), WEBP: (".webp",)}
ALLOWED = {
    AttachmentKind.EVIDENCE: (PDF, JPEG, PNG, WEBP),
    AttachmentKind.AUTHORISATION: (PDF, JPEG, PNG, WEBP),
    AttachmentKind.PHOTO: (JPEG, PNG, WEBP),
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    stored_name: str
    original_name: str


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def attachment_check(upload, kind: str) -> CheckedFile:
    """Validate an uploaded file for `kind`; ValidationFailed with a Chinese message."""
    if kind not in AttachmentKind.values:
        raise ValidationFailed("请选择附件类型。", fields={"kind": ["请选择附件类型。"]})
    if upload is None:
        raise ValidationFailed("请选择要上传的文件。", fields={"file": ["请选择要上传的文件。"]})
    name = os.path.basename(getattr(upload, "name", "") or "")[:200] or "file"
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise ValidationFailed("文件是空的，请重新选择。", fields={"file": ["文件是空的。"]})
    if size > MAX_BYTES:
        message = f"文件过大({size / 1024 / 1024:.1f} MB)，单个附件不能超过 10 MB。"
        raise ValidationFailed(message, fields={"file": [message]})
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff(head)
    allowed = ALLOWED[kind]
    labels = "PDF、JPG、PNG、WebP" if PDF in allowed else "JPG、PNG、WebP 图片"
    if content_type is None or content_type not in allowed:
        message = f"“{AttachmentKind(kind).label}”只能上传 {labels} 文件，所选文件不是。"
        raise ValidationFailed(message, fields={"file": [message]})
    extension = os.path.splitext(name)[1].lower()
    if extension not in EXTENSIONS[content_type]:
        message = "文件扩展名与文件内容不符，请确认后重新上传。"
        raise ValidationFailed(message, fields={"file": [message]})
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    stored = f"{secrets.token_hex(16)}{EXTENSIONS[content_type][0]}"
    return CheckedFile(content_type, size, digest.hexdigest(), stored, name)

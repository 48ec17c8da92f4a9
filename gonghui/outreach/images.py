"""Uploaded pictures of outreach (stop and activity photos, contest entries): decoded with
Pillow before anything is stored, so only real JPEG, PNG or WebP images of a bounded size are
kept, under a random name. Pure checking: the services store and audit."""

import io
import uuid

from django.core.files.base import ContentFile

from gonghui.core.errors import ValidationFailed

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000
NOT_AN_IMAGE = "上传的文件不是有效的图片，请上传 JPG、PNG 或 WebP 格式的图片。"


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def image_check(upload, *, max_bytes: int, field: str = "image", label: str = "图片"):
    """(content, extension, (width, height)) of an upload that Pillow decodes as JPEG, PNG or
    WebP within `max_bytes` and MAX_PIXELS; ValidationFailed (Chinese) otherwise."""
    from PIL import Image, UnidentifiedImageError

    limit_mb = max_bytes // (1024 * 1024)
    too_big = f"{label}不能超过 {limit_mb} MB。"
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _fail(field, too_big)
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise _fail(field, too_big)
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            if kind not in FORMATS:
                raise _fail(field, NOT_AN_IMAGE)
            if image.width * image.height > MAX_PIXELS:
                raise _fail(field, f"{label}像素过大，请压缩后再上传。")
            dimensions = image.size
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() skips the pixel data: decode once to catch truncation
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _fail(field, NOT_AN_IMAGE) from None
    return content, FORMATS[kind], dimensions


def image_store(instance, content: bytes, ext: str, dimensions) -> None:
    """Attach checked content to `instance.image` under a random name and save the row
    (the file is removed again when the row cannot be saved)."""
    instance.image.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
    instance.width, instance.height = dimensions
    storage, name = instance.image.storage, instance.image.name
    try:
        instance.save()
    except Exception:
        storage.delete(name)
        raise


def file_response(field):
    """A stored picture for a page that has checked who may see it (media is not public)."""
    from django.http import FileResponse, Http404

    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response

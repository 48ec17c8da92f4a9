"""Small real images for upload tests (and the permission matrix)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "站点.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")

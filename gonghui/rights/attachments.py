"""Files attached to rights records (contract texts, finding photos, legal-aid papers).

The checks (content by magic bytes, extension, size), the random stored name and the
download live in `gonghui.core.attachments`, shared with the other apps' attachments;
here only the columns every rights attachment shares and where its files are stored.
"""

from django.db import models

from gonghui.core.attachments import (  # noqa: F401  (re-exported for the rights modules)
    DOCUMENTS,
    DOCX,
    EXTENSIONS,
    FILE_OPENAPI,
    IMAGES,
    JPEG,
    LABELS,
    MAX_BYTES,
    PDF,
    PNG,
    CheckedFile,
    file_check,
    file_response,
    sniff,
)


def stored_path(instance, filename: str) -> str:
    # The stored name is random (file_check); the uploaded name stays in `name` only.
    return f"rights/{instance._meta.model_name}/{filename}"


class StoredFile(models.Model):
    """The columns every attachment shares."""

    file = models.FileField("文件", upload_to=stored_path, max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGES

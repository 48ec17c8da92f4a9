"""One spreadsheet import: the uploaded file, what validation found, and how the commit went.

The model lives in the `core` app (gonghui/core/models.py imports it). Per-row errors are
not stored in the database: they go to a JSON-lines file beside the upload (a million-row
file may have a million errors); the job keeps counts, a preview and the first errors.
"""

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", "校验中"
    READY = "ready", "待确认导入"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    DISCARDED = "discarded", "已放弃"


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "只有全部行有效才导入"
    SKIP_INVALID = "skip_invalid", "导入有效行，跳过其余"


class ExistingPolicy(models.TextChoices):
    UPDATE = "update", "更新已有记录(按文件修改，空白单元格不修改)"
    SKIP = "skip", "跳过已有记录(只新增，不修改已有记录)"


class ImportJob(models.Model):
    kind = models.CharField("导入类型", max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    org = models.ForeignKey(
        settings.ORG_MODEL, verbose_name="导入范围", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    mode = models.CharField("导入方式", max_length=16, choices=ImportMode.choices, blank=True)
    existing = models.CharField(
        "已有记录", max_length=8, choices=ExistingPolicy.choices, blank=True
    )
    # Checked and written in one pass, without the preview (chosen at upload).
    direct = models.BooleanField("直接导入", default=False)

    # The stored upload (path relative to MEDIA_ROOT) and what it turned out to be.
    file_path = models.CharField(max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField("文件格式", max_length=8)
    # What the upload's scan found may be read in parts: {"xl/worksheets/sheet1.xml": row
    # bound} (reader.splittable_sheets); the stored file never changes.
    split_sheets = models.JSONField(default=dict, blank=True, editable=False)
    encoding = models.CharField("编码", max_length=20, blank=True)
    sheet_name = models.CharField("工作表", max_length=100, blank=True)
    header_row = models.PositiveIntegerField("表头行", default=0)
    data_start_row = models.PositiveIntegerField("数据起始行", default=0)
    # [{"index": 0, "header": "单位名称", "key": "name", "label": "单位名称"}, ...]
    columns = models.JSONField("列对应", default=list)
    unmatched_headers = models.JSONField("未使用的列", default=list)
    headers = models.JSONField("原表头", default=list)

    total_rows = models.PositiveIntegerField("数据行数", default=0)
    valid_rows = models.PositiveIntegerField("有效行数", default=0)
    error_rows = models.PositiveIntegerField("错误行数", default=0)
    # Valid rows that match a record already stored (kinds that offer update-or-skip).
    existing_rows = models.PositiveIntegerField("已有记录行数", default=0)
    preview = models.JSONField("预览", default=list)
    error_sample = models.JSONField("错误示例", default=list)
    errors_path = models.CharField(max_length=255, blank=True)

    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    skipped_count = models.PositiveIntegerField("已有记录跳过", default=0)
    rejected_count = models.PositiveIntegerField("未导入", default=0)
    message = models.TextField("说明", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # The kind's ImportOptions as chosen ({key: value}), and what the validation pass found
    # for the preview page (the spec's `findings`, e.g. employer names matching nothing).
    options = models.JSONField("导入选项", default=dict, blank=True)
    findings = models.JSONField("校验发现", default=dict, blank=True)

    # Surviving a worker that dies (services.import_recover_stale): every run of the job's
    # task takes the next `attempt` and writes only while the job still carries it, beating
    # `heartbeat_at` while it works; a job whose heartbeat stops is taken over.
    attempt = models.PositiveIntegerField(default=0, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A skip-invalid commit records each batch in that batch's own transaction: the last
    # file row written (and *_count so far). A resumed commit carries on after this row.
    committed_through = models.PositiveIntegerField(default=0, editable=False)
    # What each interruption found: [{"at", "attempt", "through_row", "written", ...}].
    interruptions = models.JSONField(default=list, blank=True, editable=False)
    # A failed job that 继续导入 (import_resume) can complete from where it stopped.
    resumable = models.BooleanField(default=False)

    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    started_at = models.DateTimeField("开始导入", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="importjob_user_recent")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_busy(self) -> bool:
        return self.status in {ImportStatus.VALIDATING, ImportStatus.QUEUED, ImportStatus.RUNNING}

    @property
    def can_commit(self) -> bool:
        return self.status == ImportStatus.READY and self.valid_rows > 0

    @property
    def written_rows(self) -> int:
        """Rows a commit has written or settled so far (durable: see committed_through)."""
        return self.created_count + self.updated_count + self.unchanged_count + self.skipped_count

"""Writes of the import pipeline: upload (check + validate), commit, discard; and the files
the pages offer (error sheet, template).

    job = import_upload(actor=user, kind="enterprises", file=request.FILES["file"])
    # job.status READY: job.preview, job.error_rows, job.error_sample …
    job = import_commit(actor=user, job=job, mode=ImportMode.SKIP_INVALID)
    # queued as a background task; job.progress / processed_rows / *_count while it runs

A refused file raises ImportFileError (a ValidationFailed with a Chinese message and a
stable code), writes an IMPORT_REJECTED audit event and leaves no job and no stored file.
"""

import hashlib
import io
import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import AuditAction, AuditResult, audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.export import neutralise, xlsx_bytes
from gonghui.core.imports import pipeline
from gonghui.core.imports.models import ExistingPolicy, ImportJob, ImportMode, ImportStatus
from gonghui.core.imports.reader import (
    FORMAT_LABELS,
    ODS,
    XLSX,
    ImportFileError,
    check_archive,
    sniff_format,
    splittable_sheets,
)
from gonghui.core.imports.registry import ImportKind, get_kind
from gonghui.core.imports.table import job_header_fields, table_header
from gonghui.core.modules import Action
from gonghui.core.scope import can, org_in_scope, scope_paths

logger = logging.getLogger(__name__)

# Files with at most this many rows are validated within the upload request; direct
# imports (whose rows are only counted in the task) run inline up to this file size.
INLINE_VALIDATE_ROWS = 5000
INLINE_DIRECT_BYTES = 256 * 1024


def kind_get(code: str) -> ImportKind:
    try:
        return get_kind(code)
    except KeyError as exc:
        raise NotFound("没有这种导入类型。") from exc


def import_default_org(actor, kind: ImportKind):
    """The top of the actor's edit scope for the kind's module (the first, if several)."""
    from gonghui.orgs.models import Org

    paths = scope_paths(actor, kind.module, Action.EDIT)
    return Org.objects.filter(path__in=paths).order_by("path").first() if paths else None


def _refuse(*, actor, kind: ImportKind, org, name: str, size: int, exc: ImportFileError):
    audit_record(
        action=AuditAction.IMPORT_REJECTED,
        user=actor,
        org=org,
        result=AuditResult.FAILURE,
        detail={
            "kind": kind.code,
            "file": name,
            "size": size,
            "reason": exc.code,
            "message": exc.message,
        },
    )


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def _store_upload(file, destination: Path) -> tuple[int, str]:
    """Copy the upload to destination, refusing past the size limit. (size, sha256)"""
    limit = settings.IMPORT_MAX_FILE_BYTES
    digest, size = hashlib.sha256(), 0
    chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b"")
    with open(destination, "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise ImportFileError(
                    f"文件超过 {_size_label(limit)} 的上限，请拆分后分批导入。",
                    code="import_file_too_large",
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise ImportFileError("上传的文件是空的。", code="import_file_empty")
    return size, digest.hexdigest()


def _safety_check(path: Path) -> tuple[str, dict[str, int]]:
    """The file's format and its worksheets that may be read in parts, after the zip-bomb
    guard for zipped formats; raises ImportFileError."""
    fmt = sniff_format(path)
    if fmt in (XLSX, ODS):
        return fmt, splittable_sheets(check_archive(path, fmt))
    return fmt, {}


def _commit_choice_check(mode: str, existing: str) -> None:
    if mode not in ImportMode.values:
        raise ValidationFailed("请选择导入方式。", fields={"mode": ["请选择导入方式。"]})
    if existing not in ExistingPolicy.values:
        raise ValidationFailed(
            "请选择如何处理已有记录。", fields={"existing": ["请选择如何处理已有记录。"]}
        )


def import_upload(
    *,
    actor,
    kind: str,
    file,
    org=None,
    background: bool | None = None,
    direct_mode: str = "",
    existing: str = ExistingPolicy.UPDATE,
) -> ImportJob:
    """Check an uploaded table and validate its rows into a job awaiting the user's decision.

    `background`: validate in a task (True), in this call (False), or by size (None).
    `direct_mode` (an ImportMode): skip the preview and write in the same pass that checks
    the rows (one read of the file instead of two; rows with errors still go to the error
    sheet), with `existing` deciding about rows that match stored records.
    Not one transaction on purpose: the IMPORT_REJECTED audit of a refused file must stay,
    and validation (file reading) may take long; the job row itself is a single insert.
    """
    if direct_mode:
        _commit_choice_check(direct_mode, existing)
    import_kind = kind_get(kind)
    if not can(actor, import_kind.module, Action.EDIT):
        raise PermissionDenied("您没有导入该类数据的权限。")
    if org is None:
        org = import_default_org(actor, import_kind)
    if org is None or not org_in_scope(actor, import_kind.module, Action.EDIT, org):
        raise NotFound()
    if not org.is_active:
        raise ValidationFailed("所选组织已撤销，不能导入。", fields={"org": ["所选组织已撤销。"]})
    name = Path(getattr(file, "name", "") or "upload").name[:255]
    handle, temp_name = tempfile.mkstemp(prefix="gonghui-import-")
    temp = Path(temp_name)
    size = 0
    os.close(handle)
    try:
        size, sha256 = _store_upload(file, temp)
        fmt, split_sheets = _safety_check(temp)
        # A direct import reads the file once, in its task: header problems fail the job there.
        found = (
            None if direct_mode else table_header(temp, fmt, import_kind, split_sheets=split_sheets)
        )
        relative = f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{fmt}"
        destination = pipeline.media_path(relative)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(temp, destination)
    except ImportFileError as exc:
        _refuse(actor=actor, kind=import_kind, org=org, name=name, size=size, exc=exc)
        raise
    finally:
        temp.unlink(missing_ok=True)
    fields = {
        "kind": import_kind.code,
        "user": actor,
        "org": org,
        "file_path": relative,
        "original_name": name,
        "file_size": size,
        "file_sha256": sha256,
        "file_format": fmt,
        "split_sheets": split_sheets,
    }
    if direct_mode:
        job = ImportJob.objects.create(
            **fields,
            status=ImportStatus.QUEUED,
            direct=True,
            mode=direct_mode,
            existing=existing if import_kind.existing_choice else "",
        )
        if background is None:
            background = size > INLINE_DIRECT_BYTES
        if background:
            _commit_enqueue(job)
        else:
            import_run_commit(job.pk)
        job.refresh_from_db()
        return job
    job = ImportJob.objects.create(
        **fields,
        **job_header_fields(found, import_kind.spec),
        status=ImportStatus.VALIDATING,
    )
    if background is None:
        background = found["rows"] > INLINE_VALIDATE_ROWS
    if background:
        from gonghui.core.imports.tasks import import_validate_task

        result = import_validate_task.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id)
        job.refresh_from_db()
    else:
        import_run_validation(job.pk)
        job.refresh_from_db()
    return job


def import_run_validation(job_id: int) -> None:
    """Task body: the validation pass. A crash marks the job failed instead of hanging."""
    job = ImportJob.objects.select_related("user", "org").get(pk=job_id)
    if job.status != ImportStatus.VALIDATING:
        return
    try:
        pipeline.validate_job(job, kind=get_kind(job.kind))
    except Exception as exc:
        logger.exception("import %s: validation failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), message=_failure_message(exc)
        )


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, ImportFileError):
        return exc.message
    return "处理文件时发生系统错误，请稍后重试；如仍失败请联系管理员。"


def import_commit(
    *, actor, job: ImportJob, mode: str, existing: str = ExistingPolicy.UPDATE
) -> ImportJob:
    """Queue the commit of a validated job. all_or_nothing refuses a job with any invalid row;
    `existing` (update or skip rows matching stored records) applies to kinds that offer it."""
    _commit_choice_check(mode, existing)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("org").get(pk=job.pk)
        if job.user_id != getattr(actor, "pk", None):
            raise NotFound()
        kind = kind_get(job.kind)
        if not org_in_scope(actor, kind.module, Action.EDIT, job.org):
            raise NotFound()
        if job.status != ImportStatus.READY:
            raise Conflict(
                f"该导入任务当前为“{job.get_status_display()}”，不能再次导入。",
                code="import_not_ready",
            )
        if job.valid_rows == 0:
            raise ValidationFailed("没有可导入的有效行。", code="import_nothing_valid")
        if mode == ImportMode.ALL_OR_NOTHING and job.error_rows:
            raise ValidationFailed(
                f"有 {job.error_rows} 行存在错误，按“只有全部行有效才导入”的方式不能导入。"
                "请修正后重新上传，或选择“导入有效行，跳过其余”。",
                code="import_has_errors",
                fields={"mode": [f"有 {job.error_rows} 行存在错误。"]},
            )
        job.mode, job.status = mode, ImportStatus.QUEUED
        job.existing = existing if kind.existing_choice else ""
        job.processed_rows, job.progress = 0, 0
        job.save(
            update_fields=["mode", "existing", "status", "processed_rows", "progress", "updated_at"]
        )
    _commit_enqueue(job)
    job.refresh_from_db()
    return job


def _commit_enqueue(job: ImportJob) -> None:
    from gonghui.core.imports.tasks import import_commit_task

    try:
        result = import_commit_task.enqueue(job.pk)
    except Exception:
        # Nothing will pick the job up: give it back to the user instead of leaving it queued
        # (a direct job has nothing to give back: it fails and the user uploads again).
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
            **(
                {"status": ImportStatus.FAILED, "message": "导入任务未能启动，请稍后重新上传。"}
                if job.direct
                else {"status": ImportStatus.READY, "mode": "", "existing": ""}
            )
        )
        raise
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id)


def import_run_commit(job_id: int) -> dict:
    """Task body: claim the queued job and commit it."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return {"skipped": True}
    job = ImportJob.objects.select_related("user", "org").get(pk=job_id)
    try:
        result = pipeline.commit_job(job, kind=get_kind(job.kind))
    except ImportFileError as exc:  # a direct import's file, read for the first time
        _commit_failed(job, exc.message, {"reason": exc.code, "message": exc.message})
        return {"failed": True}
    except Exception as exc:
        logger.exception("import %s: commit failed", job_id)
        message = _failure_message(exc)
        if job.mode == ImportMode.SKIP_INVALID:
            message += (
                "中断前已完成的批次已写入；重新上传同一文件可继续导入其余行(已导入的行不会重复)。"
            )
        else:
            message += "本次没有写入任何数据。"
        _commit_failed(job, message, {"reason": "system_error"})
        return {"failed": True}
    return result.counts()


def _commit_failed(job: ImportJob, message: str, detail: dict) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, finished_at=timezone.now(), message=message
    )
    audit_record(
        action=AuditAction.IMPORT_REJECTED,
        user=job.user,
        org=job.org,
        obj=job,
        result=AuditResult.FAILURE,
        detail={"kind": job.kind, "job": job.pk, **detail},
    )


def import_discard(*, actor, job: ImportJob) -> ImportJob:
    """Give up a validated job: its stored files are deleted."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.user_id != getattr(actor, "pk", None):
            raise NotFound()
        if job.status not in (ImportStatus.READY, ImportStatus.FAILED):
            raise Conflict("该导入任务正在处理或已完成，不能放弃。", code="import_not_ready")
        job.status = ImportStatus.DISCARDED
        job.save(update_fields=["status", "updated_at"])
    _delete_files(job)
    return job


def _delete_files(job: ImportJob) -> None:
    stored = pipeline.media_path(job.file_path)
    for path in stored.parent.glob(f"{stored.stem}.*"):
        path.unlink(missing_ok=True)


# --- files offered for download ----------------------------------------------------------


def import_errors_may_unmask(actor, job: ImportJob) -> bool:
    kind = kind_get(job.kind)
    return org_in_scope(actor, kind.module, Action.VIEW_SENSITIVE, job.org)


def import_errors_export(*, actor, job: ImportJob, reason: str = "") -> bytes | None:
    """The error sheet for its owner, audited as an export. Personal data is masked; with a
    reason, a user who may view sensitive data of the kind's module at the job's org gets
    it unmasked (so corrected rows can be uploaded again), the reason in the audit event."""
    if job.user_id != getattr(actor, "pk", None):
        raise NotFound()
    reason = reason.strip()
    if reason and not import_errors_may_unmask(actor, job):
        raise PermissionDenied("您没有查看完整信息的权限。")
    content = import_errors_xlsx(job, unmask=bool(reason))
    if content is not None:
        detail = {
            "what": "import_errors",
            "kind": job.kind,
            "job": job.pk,
            "unmasked": bool(reason),
        }
        if reason:
            detail["reason"] = reason[:200]
        audit_record(action=AuditAction.EXPORTED, user=actor, org=job.org, obj=job, detail=detail)
    return content


def import_errors_xlsx(job: ImportJob, *, unmask: bool = False) -> bytes | None:
    """The rejected rows with their original columns plus 错误原因 (formulas neutralised).

    Its header row is the file's own, so the sheet can be corrected and uploaded again.
    Columns the spec marks as personal data are masked unless `unmask`.
    """
    if not job.errors_path:
        return None
    cache = pipeline.media_path(job.errors_path + (".xlsx" if unmask else ".masked.xlsx"))
    if cache.exists():
        return cache.read_bytes()
    if not pipeline.media_path(job.errors_path).exists():
        return None
    masks = {}
    if not unmask:
        spec = kind_get(job.kind).spec
        for item in job.columns:
            mask = spec.column(item["key"]).mask
            if mask is not None:
                masks[int(item["index"])] = mask
    # Rows the database refused at commit follow the validation pass's: show them in file order.
    records = sorted(pipeline.read_errors(job), key=lambda record: record["row"])
    for record in records:
        for index, mask in masks.items():
            if index < len(record["cells"]) and record["cells"][index]:
                record["cells"][index] = mask(record["cells"][index])
    width = max([len(job.headers), *(len(r["cells"]) for r in records)])
    headers = [
        (job.headers[i] if i < len(job.headers) and job.headers[i] else f"第{i + 1}列")
        for i in range(width)
    ]
    rows = (
        [
            record["row"],
            *record["cells"],
            *[""] * (width - len(record["cells"])),
            "；".join(record["errors"]),
        ]
        for record in records
    )
    content = xlsx_bytes(["原行号", *headers, pipeline.ERROR_REASON], rows, sheet_name="未导入的行")
    cache.write_bytes(content)
    return content


def import_template_xlsx(kind: ImportKind) -> bytes:
    """A blank sheet with the header row, and a 填写说明 sheet describing each column."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    required_format = workbook.add_format(
        {"bold": True, "bg_color": "#FDECEA", "border": 1, "font_color": "#B3261E"}
    )
    text_format = workbook.add_format({"num_format": "@"})
    data = workbook.add_worksheet("数据")
    for col, column in enumerate(kind.spec.columns):
        data.write_string(
            0, col, neutralise(column.label), required_format if column.required else bold
        )
        # Text format keeps codes such as 000123 and 18-digit numbers intact.
        data.set_column(col, col, max(12, len(column.label) * 2 + 4), text_format)
    data.freeze_panes(1, 0)
    notes = workbook.add_worksheet("填写说明")
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for col, title in enumerate(("列名", "是否必填", "也可用的列名", "填写说明", "示例")):
        notes.write_string(0, col, title, bold)
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 30, wrap)
    notes.set_column(3, 3, 60, wrap)
    notes.set_column(4, 4, 24)
    for row, column in enumerate(kind.spec.columns, start=1):
        notes.write_string(row, 0, neutralise(column.label))
        notes.write_string(row, 1, "必填" if column.required else "选填")
        notes.write_string(row, 2, neutralise("、".join(column.synonyms)))
        notes.write_string(row, 3, neutralise(column.help))
        notes.write_string(row, 4, neutralise(column.example))
    last = len(kind.spec.columns) + 2
    notes.write_string(last, 0, "说明", bold)
    notes.write_string(
        last + 1,
        0,
        "表头可以放在前 20 行中的任意一行(上面可以有标题行、合并单元格)；列的顺序不限；"
        "不认识的列会被忽略；空白单元格表示“不修改”。同一文件重复导入不会产生重复数据。",
    )
    workbook.close()
    return buffer.getvalue()


def import_format_label(job: ImportJob) -> str:
    return FORMAT_LABELS.get(job.file_format, job.file_format)

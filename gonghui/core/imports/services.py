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
from datetime import timedelta
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.core.audit import AuditAction, AuditResult, audit_record
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
from gonghui.core.imports.tasks import (
    import_commit_task,
    import_run_commit,
    import_run_validation,
    import_validate_task,
    job_written_detail,
    job_written_text,
)
from gonghui.core.modules import Action
from gonghui.core.scope import can, org_in_scope, org_model, scope_paths

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
    paths = scope_paths(actor, kind.module, Action.EDIT)
    return org_model().objects.filter(path__in=paths).order_by("path").first() if paths else None


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


def _options_clean(kind: ImportKind, actor, org, options: dict | None) -> dict[str, str]:
    """The kind's options as chosen (each defaulted), or ValidationFailed in Chinese."""
    options = dict(options or {})
    known = {option.key for option in kind.options}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValidationFailed(
            f"没有这样的导入选项：{'、'.join(unknown)}。",
            fields={"options": ["没有这样的导入选项。"]},
        )
    cleaned = {}
    for option in kind.options:
        value = options.get(option.key) or option.default
        if value not in option.values_for(actor, org):
            message = f"“{option.label}”不能选择这一项。"
            raise ValidationFailed(message, fields={option.key: [message]})
        cleaned[option.key] = value
    return cleaned


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
    options: dict | None = None,
) -> ImportJob:
    """Check an uploaded table and validate its rows into a job awaiting the user's decision.

    `background`: validate in a task (True), in this call (False), or by size (None).
    `direct_mode` (an ImportMode): skip the preview and write in the same pass that checks
    the rows (one read of the file instead of two; rows with errors still go to the error
    sheet), with `existing` deciding about rows that match stored records and `options` the
    kind's own choices (registry.ImportOption; otherwise chosen at import_commit).
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
    chosen = _options_clean(import_kind, actor, org, options) if direct_mode else {}
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
            options=chosen,
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
        result = import_validate_task.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id)
        job.refresh_from_db()
    else:
        import_run_validation(job.pk)
        job.refresh_from_db()
    return job


def import_commit(
    *,
    actor,
    job: ImportJob,
    mode: str,
    existing: str = ExistingPolicy.UPDATE,
    options: dict | None = None,
) -> ImportJob:
    """Queue the commit of a validated job. all_or_nothing refuses a job with any invalid row;
    `existing` (update or skip rows matching stored records) applies to kinds that offer it,
    `options` are the kind's own choices (registry.ImportOption)."""
    _commit_choice_check(mode, existing)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("org").get(pk=job.pk)
        if job.user_id != getattr(actor, "pk", None):
            raise NotFound()
        kind = kind_get(job.kind)
        if not org_in_scope(actor, kind.module, Action.EDIT, job.org):
            raise NotFound()
        chosen = _options_clean(kind, actor, job.org, options)
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
        job.options = chosen
        job.processed_rows, job.progress = 0, 0
        job.save(
            update_fields=[
                "mode",
                "existing",
                "options",
                "status",
                "processed_rows",
                "progress",
                "updated_at",
            ]
        )
    _commit_enqueue(job)
    job.refresh_from_db()
    return job


def _commit_enqueue(job: ImportJob) -> None:
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


# --- crash recovery ------------------------------------------------------------------------


def _lease_cutoff(now):
    return now - timedelta(seconds=settings.IMPORT_LEASE_SECONDS)


def _db_task(task_id: str):
    """The django-tasks-db row of a task id, or None (another backend, or no such row)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not task_id or not isinstance(task_backends["default"], DatabaseBackend):
        return None
    try:
        return DBTaskResult.objects.filter(pk=task_id).first()
    except DjangoValidationError:  # not a UUID: a task of another backend
        return None


def _task_gone(job: ImportJob, cutoff) -> bool:
    """A job queued (or awaiting validation) whose database task no worker will run any
    more: claimed by a worker that never started the job, or ended. False when that cannot
    be told (tasks that do not go through the database)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if not job.task_id or not isinstance(task_backends["default"], DatabaseBackend):
        return False
    task = _db_task(job.task_id)
    if task is None:
        return True
    if task.status == "READY":
        return False
    return task.status != "RUNNING" or (task.started_at is not None and task.started_at < cutoff)


def _stale(job: ImportJob, cutoff) -> bool:
    """A job whose run has stopped: no heartbeat for IMPORT_LEASE_SECONDS, or a task that
    will never start it."""
    if job.status not in (ImportStatus.VALIDATING, ImportStatus.QUEUED, ImportStatus.RUNNING):
        return False
    if job.heartbeat_at is not None:
        return job.heartbeat_at < cutoff
    if job.status == ImportStatus.RUNNING:  # claimed without a heartbeat: older rows
        return job.updated_at < cutoff
    return job.updated_at < cutoff and _task_gone(job, cutoff)


def _interrupted_message(job: ImportJob, *, continuing: bool, manual: bool = False) -> str:
    validating = job.status == ImportStatus.VALIDATING or not job.mode
    if validating:
        if manual:
            return "正在重新校验。"
        return (
            "校验中断，正在重新校验。"
            if continuing
            else "校验多次中断，已停止。点击“继续导入”重新校验。"
        )
    if job.mode == ImportMode.ALL_OR_NOTHING or not job.committed_through:
        what = "本次还没有写入数据"
        where = "重新开始导入"
    else:
        what = job_written_text(job)
        where = f"从第 {job.committed_through + 1} 行起继续导入"
    if manual:
        return f"继续导入：{what}，正在{where}。"
    if continuing:
        return f"导入中断(处理导入的后台程序意外退出)，{what}，正在{where}。"
    return f"导入多次中断，已停止自动继续：{what}。点击“继续导入”{where}。"


def _take_over(job: ImportJob, *, now, automatic: bool, actor=None) -> bool:
    """Record the interruption of a locked job (what it had written), fence its old run off
    (the next attempt) and queue it again; or, found by the sweep after more than
    IMPORT_AUTO_RESUMES interruptions in a row, fail it as resumable. True when queued."""
    validating = job.status == ImportStatus.VALIDATING or (
        job.status == ImportStatus.FAILED and not job.mode
    )
    entry = {"at": now.isoformat(), "attempt": job.attempt, "status": job.status}
    if not validating and job.mode == ImportMode.SKIP_INVALID:
        entry.update(job_written_detail(job))
    if actor is not None:
        entry["resumed_by"] = actor.pk
    job.interruptions = [*job.interruptions, entry]
    in_a_row = 0
    for item in reversed(job.interruptions):
        if "resumed_by" in item:
            break
        in_a_row += 1
    again = not automatic or in_a_row <= settings.IMPORT_AUTO_RESUMES
    job.message = _interrupted_message(job, continuing=again, manual=actor is not None)
    job.attempt += 1
    job.heartbeat_at = None
    if again:
        job.status = ImportStatus.VALIDATING if validating else ImportStatus.QUEUED
        job.resumable, job.finished_at = False, None
    else:
        job.status, job.resumable, job.finished_at = ImportStatus.FAILED, True, now
    job.save(
        update_fields=[
            "interruptions",
            "message",
            "attempt",
            "heartbeat_at",
            "status",
            "resumable",
            "finished_at",
            "updated_at",
        ]
    )
    _task_abandon(job.task_id, now)
    if again:
        transaction.on_commit(lambda: _enqueue_again(job.pk, validating=validating))
    else:
        audit_record(
            action=AuditAction.IMPORT_REJECTED,
            user=job.user,
            org=job.org,
            obj=job,
            result=AuditResult.FAILURE,
            detail={
                "kind": job.kind,
                "job": job.pk,
                "reason": "interrupted",
                "interruptions": job.interruptions,
                **(job_written_detail(job) if job.mode == ImportMode.SKIP_INVALID else {}),
            },
        )
    return again


def _task_abandon(task_id: str, now) -> None:
    """Mark a dead run's database task failed, so it does not show as running for ever."""
    task = _db_task(task_id)
    if task is not None and task.status == "RUNNING":
        type(task).objects.filter(pk=task.pk, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path="builtins.RuntimeError",
            traceback="The worker running this import stopped; the import was queued again.",
        )


def _enqueue_again(job_id: int, *, validating: bool) -> None:
    task = import_validate_task if validating else import_commit_task
    try:
        result = task.enqueue(job_id)
    except Exception:
        logger.exception("import %s: could not queue the resumed run", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            resumable=True,
            message="导入任务未能重新启动，请稍后点击“继续导入”。",
        )
        return
    ImportJob.objects.filter(pk=job_id).update(task_id=result.id)


def import_recover_stale(*, now=None) -> list[int]:
    """Take over the imports whose worker died (no heartbeat for IMPORT_LEASE_SECONDS, or a
    task that will never run): each is queued again and carries on where its last batch
    was recorded, or, after IMPORT_AUTO_RESUMES interruptions, is marked failed with what
    it wrote and can be completed with 继续导入. `gonghui db_worker` runs this at start and
    every IMPORT_RECOVERY_SECONDS. The ids of the jobs taken over."""
    now = now or timezone.now()
    cutoff = _lease_cutoff(now)
    busy = (ImportStatus.VALIDATING, ImportStatus.QUEUED, ImportStatus.RUNNING)
    candidates = ImportJob.objects.filter(status__in=busy).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
    )
    taken = []
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .select_related("user", "org")
                .filter(pk=pk)
                .first()
            )
            if job is not None and _stale(job, cutoff):
                logger.warning("import %s: its worker stopped; taking it over", pk)
                _take_over(job, now=now, automatic=True)
                taken.append(pk)
    return taken


def import_interrupted(job: ImportJob) -> bool:
    """The job's run has stopped without saying so (see _stale)."""
    return _stale(job, _lease_cutoff(timezone.now()))


def import_resume(*, actor, job: ImportJob) -> ImportJob:
    """继续导入: complete a job that failed resumably (a system error, or interrupted too
    often), or one whose worker stopped and that no worker has taken over yet. A commit
    carries on after its last recorded batch (nothing written twice); a validation runs
    again."""
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("user", "org").get(pk=job.pk)
        if job.user_id != getattr(actor, "pk", None):
            raise NotFound()
        kind = kind_get(job.kind)
        if not org_in_scope(actor, kind.module, Action.EDIT, job.org):
            raise NotFound()
        failed = job.status == ImportStatus.FAILED and job.resumable
        if not failed and not _stale(job, _lease_cutoff(now)):
            raise Conflict(
                f"该导入任务当前为“{job.get_status_display()}”，不需要继续导入。",
                code="import_not_resumable",
            )
        _take_over(job, now=now, automatic=False, actor=actor)
    job.refresh_from_db()
    return job


def import_discard(*, actor, job: ImportJob) -> ImportJob:
    """Give up a validated job, a failed one, or one whose run stopped (what was written
    stays): its stored files are deleted."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.user_id != getattr(actor, "pk", None):
            raise NotFound()
        stopped = _stale(job, _lease_cutoff(timezone.now()))
        if job.status not in (ImportStatus.READY, ImportStatus.FAILED) and not stopped:
            raise Conflict("该导入任务正在处理或已完成，不能放弃。", code="import_not_ready")
        job.status = ImportStatus.DISCARDED
        job.attempt += 1  # a run thought dead that is not stays fenced off
        job.heartbeat_at = None
        job.save(update_fields=["status", "attempt", "heartbeat_at", "updated_at"])
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
        record["cells"] = record["cells"] or []  # an interrupted commit's, never filled
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

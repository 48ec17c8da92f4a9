"""Background work of the import pipeline (django-tasks: `gonghui db_worker` runs them): the
tasks and their bodies, the validation and commit runs of a job (services.py queues them,
or runs them inline for small files)."""

import logging

from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from gonghui.core.audit import AuditAction, AuditResult, audit_record
from gonghui.core.imports import pipeline
from gonghui.core.imports.lease import Lease, LeaseLost
from gonghui.core.imports.models import ImportJob, ImportMode, ImportStatus
from gonghui.core.imports.reader import ImportFileError
from gonghui.core.imports.registry import get_kind

logger = logging.getLogger(__name__)


@task()
def import_validate_task(job_id: int) -> None:
    import_run_validation(job_id)


@task()
def import_commit_task(job_id: int) -> dict:
    return import_run_commit(job_id)


def import_run_validation(job_id: int) -> None:
    """Task body: the validation pass, as the job's next attempt (lease.py). A crash marks
    the job failed (继续导入 runs it again) instead of leaving it hanging."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.VALIDATING).update(
        attempt=F("attempt") + 1, heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("user", "org").get(pk=job_id)
    with Lease(job.pk, job.attempt) as lease:
        try:
            pipeline.validate_job(job, kind=get_kind(job.kind), lease=lease)
        except LeaseLost:
            return
        except Exception as exc:
            logger.exception("import %s: validation failed", job_id)
            ImportJob.objects.filter(pk=job_id, attempt=job.attempt).update(
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                heartbeat_at=None,
                message=_failure_message(exc),
                resumable=not isinstance(exc, ImportFileError),
            )


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, ImportFileError):
        return exc.message
    return "处理文件时发生系统错误，请稍后重试；如仍失败请联系管理员。"


def import_run_commit(job_id: int) -> dict:
    """Task body: claim the queued job (as its next attempt, lease.py) and commit it; an
    interrupted skip-invalid commit carries on after its last recorded batch."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        started_at=Coalesce(F("started_at"), Value(now, output_field=DateTimeField())),
        attempt=F("attempt") + 1,
        heartbeat_at=now,
    )
    if not claimed:
        return {"skipped": True}
    job = ImportJob.objects.select_related("user", "org").get(pk=job_id)
    with Lease(job.pk, job.attempt) as lease:
        try:
            result = pipeline.commit_job(job, kind=get_kind(job.kind), lease=lease)
        except ImportFileError as exc:  # a direct import's file, read for the first time
            _commit_failed(job, exc.message, {"reason": exc.code, "message": exc.message})
            return {"failed": True}
        except LeaseLost:
            return {"taken_over": True}
        except Exception as exc:
            logger.exception("import %s: commit failed", job_id)
            _commit_failed(job, _failure_message(exc), {"reason": "system_error"}, resumable=True)
            return {"failed": True}
    if result is None:  # another run took the job over meanwhile
        return {"taken_over": True}
    return result.counts()


def job_written_text(job: ImportJob) -> str:
    """What a job's commit has written so far, in words (the batches' records)."""
    parts = [f"新增 {job.created_count}", f"更新 {job.updated_count}"]
    parts.append(f"未变化 {job.unchanged_count}")
    if job.skipped_count:
        parts.append(f"已有记录跳过 {job.skipped_count}")
    if job.rejected_count:
        parts.append(f"未导入 {job.rejected_count}")
    return f"已写入 {job.written_rows} 行(" + "，".join(parts) + ")"


def job_written_detail(job: ImportJob) -> dict:
    return {
        "through_row": job.committed_through,
        "written": job.written_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "skipped": job.skipped_count,
        "rejected": job.rejected_count,
    }


def _commit_failed(job: ImportJob, message: str, detail: dict, *, resumable=False) -> None:
    """Mark the run's job failed (if the run still holds it) and audit it. A resumable
    failure says exactly what was written and offers 继续导入 (import_resume)."""
    attempt = job.attempt
    job.refresh_from_db()
    if job.attempt != attempt:  # another run has taken the job over
        return
    if resumable:
        if job.mode == ImportMode.SKIP_INVALID:
            message += (
                f"中断前{job_written_text(job)}；点击“继续导入”可从中断处继续(已写入的行不会重复)。"
            )
        else:
            message += "本次没有写入任何数据；点击“继续导入”可重新导入。"
    if job.mode == ImportMode.SKIP_INVALID:
        detail = {**detail, **job_written_detail(job)}
    with transaction.atomic():  # the failure and its audit event, or neither
        updated = ImportJob.objects.filter(pk=job.pk, attempt=attempt).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            heartbeat_at=None,
            message=message,
            resumable=resumable,
        )
        if updated:
            audit_record(
                action=AuditAction.IMPORT_REJECTED,
                user=job.user,
                org=job.org,
                obj=job,
                result=AuditResult.FAILURE,
                detail={"kind": job.kind, "job": job.pk, **detail},
            )

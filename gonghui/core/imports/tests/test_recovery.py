"""Imports whose worker died: found by their stopped heartbeat, taken over (the old run is
fenced off by the attempt number) and queued again, or after too many interruptions failed
with what they wrote and a 继续导入 that completes them. (The real kill -9 of a worker:
test_worker_recovery.py.)"""

import datetime
import time

import pytest
from asgiref.local import Local
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.errors import Conflict
from gonghui.core.imports import pipeline
from gonghui.core.imports.lease import Lease, LeaseLost
from gonghui.core.imports.models import ImportJob, ImportStatus
from gonghui.core.imports.services import import_recover_stale, import_resume, import_upload
from gonghui.core.imports.spec import CREATED, Row
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.members.tests.factories import make_id_number

DUMMY = "django_tasks.backends.dummy.DummyBackend"


@pytest.fixture
def queued(settings):
    """Tasks are only recorded (DummyBackend): the names of the tasks enqueued."""
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)
    yield lambda: [result.task.name for result in task_backends["default"].results]
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


def _job(users, **state) -> ImportJob:
    rows = [["姓名", "身份证号"], ["张三", make_id_number()], ["李四", make_id_number()]]
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
    ImportJob.objects.filter(pk=job.pk).update(**state)
    job.refresh_from_db()
    return job


def _ago(seconds: float):
    return timezone.now() - datetime.timedelta(seconds=seconds)


STOPPED = dict(
    status=ImportStatus.RUNNING,
    mode="skip_invalid",
    attempt=1,
    heartbeat_at=None,
    committed_through=5,
    created_count=3,
    unchanged_count=1,
)


def test_a_commit_whose_heartbeat_stopped_is_taken_over_and_carries_on(
    users, queued, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_LEASE_SECONDS = 30
    job = _job(users, **{**STOPPED, "heartbeat_at": _ago(31)})
    alive = _job(users, **{**STOPPED, "heartbeat_at": _ago(5)})
    with django_capture_on_commit_callbacks(execute=True):
        assert import_recover_stale() == [job.pk]
    assert queued() == ["import_commit_task"]
    job.refresh_from_db()
    assert (job.status, job.attempt, job.heartbeat_at) == (ImportStatus.QUEUED, 2, None)
    assert job.message == (
        "导入中断(处理导入的后台程序意外退出)，已写入 4 行(新增 3，更新 0，未变化 1)，"
        "正在从第 6 行起继续导入。"
    )
    (entry,) = job.interruptions
    assert (entry["status"], entry["attempt"], entry["written"], entry["through_row"]) == (
        "running",
        1,
        4,
        5,
    )
    alive.refresh_from_db()
    assert (alive.status, alive.attempt, alive.interruptions) == (ImportStatus.RUNNING, 1, [])


def test_a_run_taken_over_can_no_longer_record_a_batch_or_finish(users):
    job = _job(users, **{**STOPPED, "attempt": 2})
    row = Row(9, [], {"name": "张三"})
    row.outcome = CREATED
    with pytest.raises(LeaseLost):  # inside its batch's transaction: the batch rolls back
        pipeline._record_batch(job.pk, 1, [row])
    job.status = ImportStatus.DONE
    job.attempt = 1
    assert not pipeline.save_fenced(job, ["status"])
    job.refresh_from_db()
    assert (job.status, job.created_count, job.committed_through) == (ImportStatus.RUNNING, 3, 5)
    pipeline._record_batch(job.pk, 2, [row])
    job.refresh_from_db()
    assert (job.created_count, job.committed_through) == (4, 9)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_and_notices_a_takeover(users, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 0.05
    job = _job(users, status=ImportStatus.RUNNING, attempt=1, heartbeat_at=_ago(60))
    with Lease(job.pk, 1) as lease:
        deadline = time.monotonic() + 10
        while ImportJob.objects.get(pk=job.pk).heartbeat_at < _ago(5):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        lease.check()  # still ours
        ImportJob.objects.filter(pk=job.pk).update(attempt=F("attempt") + 1)
        while not lease.lost:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        with pytest.raises(LeaseLost):
            lease.check()


def test_after_too_many_interruptions_in_a_row_it_waits_for_continue(
    users, queued, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_AUTO_RESUMES = 2
    earlier = [{"at": "…", "attempt": n, "status": "running"} for n in (1, 2)]
    job = _job(
        users, **{**STOPPED, "attempt": 3, "interruptions": earlier, "heartbeat_at": _ago(600)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert import_recover_stale() == [job.pk]
    assert queued() == []
    job.refresh_from_db()
    assert (job.status, job.resumable, len(job.interruptions)) == (ImportStatus.FAILED, True, 3)
    assert job.message == (
        "导入多次中断，已停止自动继续：已写入 4 行(新增 3，更新 0，未变化 1)。"
        "点击“继续导入”从第 6 行起继续导入。"
    )
    audit = AuditEvent.objects.get(action=AuditAction.IMPORT_REJECTED)
    assert (audit.detail["reason"], audit.detail["written"], audit.detail["through_row"]) == (
        "interrupted",
        4,
        5,
    )
    # 继续导入: queued again, and the count of interruptions in a row starts anew.
    with django_capture_on_commit_callbacks(execute=True):
        job = import_resume(actor=users.township_staff, job=job)
    assert (job.status, job.attempt, job.resumable) == (ImportStatus.QUEUED, 5, False)
    assert job.interruptions[-1]["resumed_by"] == users.township_staff.pk
    assert queued() == ["import_commit_task"]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, heartbeat_at=_ago(600))
    with django_capture_on_commit_callbacks(execute=True):
        import_recover_stale()
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED  # automatic again


def test_a_validation_whose_worker_died_runs_again(
    users, queued, django_capture_on_commit_callbacks
):
    job = _job(users, status=ImportStatus.VALIDATING, attempt=1, heartbeat_at=_ago(600))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_recover_stale() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempt, job.message) == (
        ImportStatus.VALIDATING,
        2,
        "校验中断，正在重新校验。",
    )
    assert queued() == ["import_validate_task"]


def test_a_job_left_running_before_heartbeats_existed_is_taken_over(
    users, queued, django_capture_on_commit_callbacks
):
    job = _job(users, **STOPPED)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=_ago(3600))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_recover_stale() == [job.pk]


def test_a_queued_job_is_taken_over_only_when_its_task_will_never_run(
    users, settings, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)
    try:
        from gonghui.core.imports.tasks import import_commit_task

        jobs = []
        for _ in range(2):
            job = _job(users, status=ImportStatus.QUEUED, mode="skip_invalid")
            task = import_commit_task.enqueue(job.pk)
            ImportJob.objects.filter(pk=job.pk).update(task_id=task.id, updated_at=_ago(600))
            jobs.append(job)
        waiting, dead = jobs
        dead_task = ImportJob.objects.get(pk=dead.pk).task_id
        DBTaskResult.objects.filter(pk=dead_task).update(status="RUNNING", started_at=_ago(600))
        with django_capture_on_commit_callbacks(execute=True):
            assert import_recover_stale() == [dead.pk]  # the waiting one is only waiting
        assert DBTaskResult.objects.get(pk=dead_task).status == "FAILED"
        dead.refresh_from_db()
        assert dead.status == ImportStatus.QUEUED and dead.task_id != dead_task
        assert DBTaskResult.objects.get(pk=dead.task_id).status == "READY"
    finally:
        settings.TASKS = {"default": {"BACKEND": DUMMY}}
        task_backends.__dict__.pop("settings", None)
        task_backends._connections = Local(task_backends.thread_critical)


def test_the_job_page_says_an_import_stopped_and_continue_resumes_it(
    users, login, queued, django_capture_on_commit_callbacks
):
    job = _job(users, **{**STOPPED, "heartbeat_at": _ago(600)})
    client = login(users.township_staff)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "<h2>导入中断</h2>" in page
    assert "中断前已写入 4 行(新增 3，更新 0，未变化 1)，截至文件第 5 行" in page
    assert f'action="{reverse("imports:resume", args=[job.pk])}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:resume", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.message.startswith("继续导入：已写入 4 行")
    assert queued() == ["import_commit_task"]
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "排队等待继续导入" in page and "<h2>导入中断</h2>" not in page


def test_continue_is_refused_while_the_job_is_alive(users, login):
    job = _job(users, **{**STOPPED, "heartbeat_at": timezone.now()})
    with pytest.raises(Conflict):
        import_resume(actor=users.township_staff, job=job)
    client = login(users.township_staff)
    response = client.post(f"/api/v1/members/imports/{job.pk}/resume")
    assert response.status_code == 409
    assert response.json()["code"] == "import_not_resumable"
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ImportStatus.RUNNING, 1)


def test_an_import_whose_run_stopped_may_be_given_up_keeping_what_it_wrote(users, login):
    from gonghui.core.imports.services import import_discard

    alive = _job(users, **{**STOPPED, "heartbeat_at": timezone.now()})
    with pytest.raises(Conflict):
        import_discard(actor=users.township_staff, job=alive)
    job = _job(users, **{**STOPPED, "heartbeat_at": _ago(600)})
    client = login(users.township_staff)
    response = client.post(reverse("imports:discard", args=[job.pk]), follow=True)
    assert "此前已写入的 4 行保留不变" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempt, job.created_count) == (ImportStatus.DISCARDED, 2, 3)

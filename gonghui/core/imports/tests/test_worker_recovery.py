"""An import survives its worker being killed: real `gonghui db_worker` processes (the
django-tasks-db backend) against the throwaway PostgreSQL.

The first worker is held inside a batch (the test locks a member row that batch updates),
then killed with SIGKILL: the batches it committed stay, the one it was in rolls back. The
job page says so (导入中断, what was written, 继续导入). A second worker notices the job's
stopped heartbeat, takes it over and carries on after the last committed batch. The end is
what a clean run of the same file gives: the same members, events and counts, and the
import's audit event records the interruption and what had been written when it happened.
Small batches and a short lease come from the settings (GONGHUI_IMPORT_*), so it takes
seconds, not the minutes a 100,000-row file would.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.imports.models import ImportJob, ImportStatus
from gonghui.core.imports.services import import_commit, import_upload
from gonghui.core.imports.tests.files import csv_upload
from gonghui.members.models import EventKind, Member, MembershipEvent
from gonghui.members.tests.factories import build_member, make_id_number

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]

ROWS = 3000
BATCH = 200
LEASE = 3.0
HELD_AT = 1500  # the data row (0-based) of the member whose update the first worker waits on
DB_TASKS = "django_tasks_db.DatabaseBackend"


IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


def _use_tasks(backend: str) -> None:
    from asgiref.local import Local
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": ["default"]}}
    task_backends._settings = None  # as django_tasks' own setting_changed handler does
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def db_tasks(settings, tmp_path):
    """Tasks go through the database, as in production, so another process runs them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_LEASE_SECONDS = LEASE
    _use_tasks(DB_TASKS)
    yield
    _use_tasks(IMMEDIATE)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_DATABASE_URL": _database_url(),
        "GONGHUI_DATA_KEY": settings.DATA_KEY,
        "GONGHUI_SECRET_KEY": settings.SECRET_KEY,
        "GONGHUI_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GONGHUI_VAR_DIR": str(settings.VAR_DIR),
        "GONGHUI_TASK_BACKEND": DB_TASKS,
        "GONGHUI_DEBUG": "0",
        "GONGHUI_IMPORT_BATCH_ROWS": str(BATCH),
        "GONGHUI_IMPORT_HEARTBEAT_SECONDS": "0.5",
        "GONGHUI_IMPORT_LEASE_SECONDS": str(LEASE),
        "GONGHUI_IMPORT_RECOVERY_SECONDS": "0.5",
    }
    command = [sys.executable, "-m", "gonghui.cli", "db_worker", "--no-reload"]
    command += ["--no-startup-delay", "--interval", "0.2", "--verbosity", "0"]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def _wait(condition, what: str, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _roster(held_id: str) -> list[list]:
    """ROWS members (a few refused: joined in the future; one row repeating an earlier ID
    after the point of the crash), with the held member's row changing their phone."""
    rows = [["姓名", "身份证号", "手机号", "户籍类型", "入会时间", "工作单位"]]
    for i in range(ROWS):
        number = held_id if i == HELD_AT else make_id_number()
        joined = "2099-01-01" if i % 997 == 5 else "2021-03-05"
        employer = "" if i % 3 else f"某某单位{i % 7}"
        rows.append([f"会员{i}", number, f"139{i:08d}", "农业", joined, employer])
    rows.append(["重复", rows[10][1], "", "农业", "2021-03-05", ""])
    return rows


def _snapshot() -> dict:
    members = sorted(
        Member.objects.values_list(
            "id_number_hash", "name", "phone_hash", "employer_name", "org_id", "hukou_type"
        )
    )
    events = sorted(MembershipEvent.objects.values_list("member__id_number_hash", "kind"))
    return {"members": members, "events": events}


def _counts(job) -> tuple:
    return (job.created_count, job.updated_count, job.unchanged_count, job.rejected_count)


def _clean_run(users, tree, rows, direct: bool):
    """The same file imported without a crash (in this process); then the database is put
    back as it was before it."""
    before_ids = set(Member.objects.values_list("pk", flat=True))
    held = Member.objects.get(name="老会员")
    settings.IMPORT_BATCH_ROWS = BATCH
    job = _start(users, tree, rows, direct, background=False)
    assert job.status == ImportStatus.DONE
    result = (_counts(job), job.total_rows, _snapshot())
    new = Member.objects.exclude(pk__in=before_ids)
    MembershipEvent.objects.filter(member__in=new).delete()
    MembershipEvent.objects.filter(member=held, kind=EventKind.UPDATED).delete()
    new.delete()
    Member.objects.filter(pk=held.pk).update(phone=held.phone, phone_hash=held.phone_hash)
    return result


def _start(users, tree, rows, direct: bool, background: bool = True) -> ImportJob:
    """Upload (and for the preview path commit) the file: queued for the workers, or, for
    the clean run, imported in this process."""
    file = csv_upload(rows, name="全镇会员.csv")
    actor = users.township_staff
    if direct:
        return import_upload(
            actor=actor,
            kind="members",
            file=file,
            org=tree.a,
            direct_mode="skip_invalid",
            background=background,
        )
    job = import_upload(actor=actor, kind="members", file=file, org=tree.a, background=False)
    if background:
        return import_commit(actor=actor, job=job, mode="skip_invalid")
    _use_tasks(IMMEDIATE)
    try:
        job = import_commit(actor=actor, job=job, mode="skip_invalid")
    finally:
        _use_tasks(DB_TASKS)
    job.refresh_from_db()
    return job


def _hold(member_pk: int):
    """Lock the member's row from another connection: the batch that updates it waits."""
    holder = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))
    holder.execute("SELECT id FROM members_member WHERE id = %s FOR UPDATE", [member_pk])
    return holder


def _waiting_on_the_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "preview-commit"])
def test_a_worker_killed_mid_commit_is_taken_over_and_the_result_is_a_clean_runs(
    users, tree, db_tasks, tmp_path, login, direct
):
    held = build_member(org=tree.a1, name="老会员", phone="13700000000")
    rows = _roster(held.id_number)
    clean_counts, clean_total, clean = _clean_run(users, tree, rows, direct)
    # 4 joined in the future and the repeated ID refused; the held member updated.
    assert (clean_counts, clean_total) == ((ROWS - 5, 1, 0, 5), ROWS + 1)

    settings.IMPORT_BATCH_ROWS = 0  # the workers get theirs from the environment
    job = _start(users, tree, rows, direct)
    assert job.status == ImportStatus.QUEUED
    log = tmp_path / "worker.log"
    holder = _hold(held.pk)
    first = _start_worker(log)
    try:
        _wait(_waiting_on_the_lock, "the first worker to wait inside the held batch")
        job.refresh_from_db()
        assert job.status == ImportStatus.RUNNING and 0 < job.committed_through < HELD_AT + 2
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        holder.close()  # the killed worker's transactions end with their connections

    job.refresh_from_db()
    written = _counts(job)
    through = job.committed_through
    assert job.status == ImportStatus.RUNNING  # what the killed worker left behind
    assert written[0] > 0 and Member.objects.count() == 1 + written[0]
    assert MembershipEvent.objects.filter(kind=EventKind.JOINED).count() == 1 + written[0]

    client = login(users.township_staff)
    page = _wait(
        lambda: (
            (html := client.get(reverse("imports:detail", args=[job.pk])).content.decode())
            and "导入中断" in html
            and html
        ),
        "the page to see the stopped heartbeat",
        timeout=LEASE * 4,
    )
    assert f"中断前已写入 {job.written_rows} 行" in page
    assert f"截至文件第 {through} 行" in page and "继续导入</button>" in page

    second = _start_worker(log)
    try:
        _wait(
            lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DONE).exists(),
            "the second worker to finish the import",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    job.refresh_from_db()
    assert (_counts(job), job.total_rows) == (clean_counts, clean_total)
    assert _snapshot() == clean
    (interruption,) = job.interruptions
    assert interruption["status"] == "running" and interruption["through_row"] == through
    assert (
        interruption["created"],
        interruption["updated"],
        interruption["unchanged"],
        interruption["rejected"],
    ) == written
    audit = AuditEvent.objects.get(
        action=AuditAction.IMPORTED, object_type="core.ImportJob", object_id=str(job.pk)
    )
    assert (audit.detail["created"], audit.detail["updated"], audit.detail["rejected"]) == (
        clean_counts[0],
        clean_counts[1],
        clean_counts[3],
    )
    assert audit.detail["interruptions"] == job.interruptions
    done = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "本次导入中断过 1 次" in done
    assert f"第 1 次中断时已写入 {job.interruptions[0]['written']} 行" in done

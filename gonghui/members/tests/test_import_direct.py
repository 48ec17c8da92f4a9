"""Direct import (checked and written in one pass, no preview) and the overlapped batch
writer of the commit pass (PostgreSQL, outside a transaction, as in the worker)."""

import dataclasses

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.errors import ValidationFailed
from gonghui.core.imports.models import ImportStatus
from gonghui.core.imports.services import import_commit, import_errors_export, import_upload
from gonghui.core.imports.tests.files import read_xlsx, xlsx_upload
from gonghui.members.models import EventKind, Member, MembershipEvent
from gonghui.members.tests.factories import make_id_number

HEADER = ["姓名", "身份证号", "手机号", "户籍类型", "入会时间"]


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _rows(ids, *, phone_prefix="1380000", bad_at=()):
    rows = [HEADER]
    for i, number in enumerate(ids):
        joined = "2099-01-01" if i in bad_at else "2021-03-05"  # in the future: refused
        rows.append([f"会员{i}", number, f"{phone_prefix}{i:04d}", "农业", joined])
    return rows


def _direct(user, rows, mode="skip_invalid", **kwargs):
    return import_upload(
        actor=user, kind="members", file=xlsx_upload(rows), direct_mode=mode, **kwargs
    )


def test_direct_import_writes_valid_rows_and_reports_the_rest_without_a_preview(users, tree):
    ids = [make_id_number() for _ in range(5)]
    job = _direct(users.township_staff, _rows(ids, bad_at={1, 3}))
    assert job.status == ImportStatus.DONE and job.direct
    assert (job.total_rows, job.valid_rows, job.error_rows) == (5, 3, 2)
    assert (job.created_count, job.rejected_count, job.processed_rows) == (3, 2, 5)
    assert job.preview == []
    assert set(Member.objects.values_list("name", flat=True)) == {"会员0", "会员2", "会员4"}
    assert MembershipEvent.objects.filter(kind=EventKind.JOINED).count() == 3
    sheet = read_xlsx(import_errors_export(actor=users.township_staff, job=job))
    assert [row[-1] for row in sheet[1:]] == ["入会时间不能晚于今天。"] * 2
    audit = AuditEvent.objects.get(action=AuditAction.IMPORTED)
    assert (audit.detail["direct"], audit.detail["created"], audit.detail["rejected"]) == (
        True,
        3,
        2,
    )


def test_direct_all_or_nothing_writes_nothing_when_a_row_is_wrong(users, tree):
    job = _direct(users.township_staff, _rows([make_id_number() for _ in range(4)], bad_at={2}),
                  mode="all_or_nothing")  # fmt: skip
    assert job.status == ImportStatus.FAILED
    assert (job.total_rows, job.error_rows, job.created_count) == (4, 1, 0)
    assert "没有写入任何数据" in job.message
    assert not Member.objects.exists()


def test_direct_import_applies_the_existing_choice(users, tree):
    ids = [make_id_number() for _ in range(3)]
    _direct(users.township_staff, _rows(ids[:2]))
    job = _direct(users.township_staff, _rows(ids, phone_prefix="1391111"), existing="skip")
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 0, 2)
    assert Member.objects.get(name="会员0").phone == "13800000000"
    job = _direct(users.township_staff, _rows(ids, phone_prefix="1391111"))
    assert (job.updated_count, job.unchanged_count) == (2, 1)
    assert Member.objects.get(name="会员0").phone == "13911110000"


def test_direct_import_refuses_an_unknown_mode_before_storing_anything(users, tree):
    with pytest.raises(ValidationFailed) as caught:
        _direct(users.township_staff, _rows([make_id_number()]), mode="whatever")
    assert caught.value.fields == {"mode": ["请选择导入方式。"]}
    assert not Member.objects.exists()


def test_a_direct_job_cannot_be_committed_again(users, tree):
    from gonghui.core.errors import Conflict

    job = _direct(users.township_staff, _rows([make_id_number()]))
    with pytest.raises(Conflict):
        import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert Member.objects.count() == 1


def _small_batches(monkeypatch, size: int):
    from gonghui.core.imports import registry

    kind = registry.get_kind("members")
    spec = dataclasses.replace(kind.spec, commit_batch_size=size, batch_size=size)
    monkeypatch.setitem(registry._KINDS, "members", dataclasses.replace(kind, spec=spec))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("direct", [False, True])
def test_overlapped_writer_commits_every_batch_in_file_order(users, tree, monkeypatch, direct):
    """Outside a transaction on PostgreSQL the batches are written by a background thread
    while the next one is checked; the outcome is the same as one batch after another."""
    from django.db import connection

    from gonghui.core.imports import pipeline

    _small_batches(monkeypatch, 3)
    submitted = []
    submit = pipeline._BatchWriter.submit

    def spy(self, valid, batch):
        submitted.append(len(valid))
        return submit(self, valid, batch)

    monkeypatch.setattr(pipeline._BatchWriter, "submit", spy)
    ids = [make_id_number() for _ in range(10)]
    rows = _rows(ids, bad_at={4})
    if direct:
        job = _direct(users.township_staff, rows)
    else:
        job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
        job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.rejected_count, job.processed_rows) == (9, 1, 10)
    members = list(Member.objects.order_by("id").values_list("name", "card_number"))
    assert [name for name, _ in members] == [f"会员{i}" for i in range(10) if i != 4]
    assert len({card for _, card in members}) == 9
    # direct: the bad row is in batch 2; a last batch over half full comes as two halves
    expected = [3, 2, 3, 1] if direct else [3, 3, 1, 2]
    assert submitted == (expected if connection.vendor == "postgresql" else [])


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_only_writes_what_the_reading_thread_prepared(users, tree, monkeypatch):
    """Rows are built, keyed and encrypted on the reading thread (batch_prepare): the writer
    thread shares the GIL with it, so it should do little more than wait for the server."""
    import threading

    from django.db import connection

    from gonghui.core.imports import registry

    _small_batches(monkeypatch, 4)
    kind = registry.get_kind("members")
    threads = {"prepare": set(), "commit": set()}

    def on_thread(name, function):
        def wrapper(*args):
            threads[name].add(threading.current_thread() is threading.main_thread())
            return function(*args)

        return wrapper

    spec = dataclasses.replace(
        kind.spec,
        batch_prepare=on_thread("prepare", kind.spec.batch_prepare),
        batch_commit=on_thread("commit", kind.spec.batch_commit),
    )
    monkeypatch.setitem(registry._KINDS, "members", dataclasses.replace(kind, spec=spec))
    ids = [make_id_number() for _ in range(10)]
    job = _direct(users.township_staff, _rows(ids))
    assert (job.status, job.created_count) == (ImportStatus.DONE, 10)
    overlapped = connection.vendor == "postgresql"  # SQLite: one batch after another
    assert threads == {"prepare": {True}, "commit": {not overlapped}}
    assert sorted(m.id_number for m in Member.objects.all()) == sorted(ids)  # sealed in prepare


def _batch_hook(monkeypatch, hook):
    """Run hook(first row's name) in the writer before each batch's writes."""
    from gonghui.core.imports import pipeline

    commit_rows = pipeline._commit_rows

    def hooked(ctx, spec, rows, *args):
        hook(rows[0].values["name"])
        return commit_rows(ctx, spec, rows, *args)

    monkeypatch.setattr(pipeline, "_commit_rows", hooked)


@pytest.mark.django_db(transaction=True)
def test_batches_written_at_once_are_committed_in_file_order(users, tree, monkeypatch):
    """Two writer threads: the second batch is written while the first one is slow, but it
    commits only after it, so the batches written are always the file's first ones."""
    import time

    from django.db import connection

    from gonghui.core.imports import pipeline

    _small_batches(monkeypatch, 3)
    committed = []

    class RecordedTurn(pipeline._Turn):
        def __setattr__(self, name, value):
            if name == "committed" and value:
                committed.append(self.first)
            super().__setattr__(name, value)

    firsts = iter(["会员0", "会员3", "会员6"])  # batches are submitted in file order

    def make_turn():
        turn = RecordedTurn()
        object.__setattr__(turn, "first", next(firsts))
        return turn

    monkeypatch.setattr(pipeline, "_Turn", make_turn)
    _batch_hook(monkeypatch, lambda name: time.sleep(0.5) if name == "会员0" else None)
    job = _direct(users.township_staff, _rows([make_id_number() for _ in range(7)]))
    assert (job.status, job.created_count) == (ImportStatus.DONE, 7)
    if connection.vendor == "postgresql":
        assert committed == ["会员0", "会员3", "会员6"]
    else:  # one batch after another, no writer threads
        assert committed == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_batch_in_the_writer_fails_the_job_and_keeps_earlier_batches(
    users, tree, monkeypatch
):
    """The third batch fails after the fourth has been written on the other writer thread:
    the fourth rolls back, so nothing after the failure stays."""
    import time

    _small_batches(monkeypatch, 3)

    def third_batch_fails(name):
        if name == "会员6":
            time.sleep(0.3)
            raise RuntimeError("disk full")

    _batch_hook(monkeypatch, third_batch_fails)
    job = _direct(users.township_staff, _rows([make_id_number() for _ in range(12)]))
    assert job.status == ImportStatus.FAILED and job.resumable
    assert "中断前已写入 6 行(新增 6，更新 0，未变化 0)" in job.message
    assert "继续导入" in job.message
    assert (job.created_count, job.committed_through) == (6, 7)  # rows 2–7 of the sheet
    assert sorted(Member.objects.values_list("name", flat=True)) == [f"会员{i}" for i in range(6)]
    assert MembershipEvent.objects.count() == 6
    failure = AuditEvent.objects.get(action=AuditAction.IMPORT_REJECTED)
    assert (failure.detail["written"], failure.detail["through_row"]) == (6, 7)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("direct", "before"),
    [(True, (5, 1, 7)), (False, (3, 3, 5))],  # (created, rejected, through row) at the failure
)
def test_continue_after_a_failed_batch_writes_the_rest_once(
    users, tree, monkeypatch, direct, before
):
    """继续导入 after a batch failed: the job carries on after its last recorded batch and
    ends as a clean run would, every member once, and its audit says it was resumed."""
    from gonghui.core.imports import pipeline
    from gonghui.core.imports.services import import_resume

    _small_batches(monkeypatch, 3)
    commit_rows = pipeline._commit_rows
    failing = ["会员6"]

    def fail_once(ctx, spec, rows, *args):
        if failing and failing[0] in [row.values["name"] for row in rows]:
            failing.clear()
            raise RuntimeError("disk full")
        return commit_rows(ctx, spec, rows, *args)

    monkeypatch.setattr(pipeline, "_commit_rows", fail_once)
    ids = [make_id_number() for _ in range(11)]
    rows = _rows(ids, bad_at={1, 9})
    rows.append(["重复", ids[3], "", "农业", "2021-03-05"])  # a duplicate of a written row
    if direct:
        job = _direct(users.township_staff, rows)
    else:
        job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
        job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert job.status == ImportStatus.FAILED and job.resumable
    assert (job.created_count, job.rejected_count, job.committed_through) == before
    job = import_resume(actor=users.township_staff, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and not job.resumable
    assert (job.created_count, job.rejected_count, job.total_rows) == (9, 3, 12)
    assert Member.objects.count() == 9 and MembershipEvent.objects.count() == 9
    assert sorted(Member.objects.values_list("id_number", flat=True)) == sorted(
        number for i, number in enumerate(ids) if i not in (1, 9)
    )
    sheet = read_xlsx(import_errors_export(actor=users.township_staff, job=job))
    assert [row[0] for row in sheet[1:]] == [3, 11, 13]  # each rejected row once
    assert "与第 5 行重复" in sheet[-1][-1]  # the duplicate of a row written before
    audit = AuditEvent.objects.get(action=AuditAction.IMPORTED)
    assert (audit.detail["created"], audit.detail["rejected"]) == (9, 3)
    (entry,) = audit.detail["interruptions"]
    assert (entry["status"], entry["created"], entry["through_row"]) == (
        "failed",
        before[0],
        before[2],
    )
    assert entry["resumed_by"] == users.township_staff.pk


def test_a_direct_import_without_a_header_fails_in_its_task_and_is_audited(users, tree):
    rows = [["甲", "乙"], ["1", "2"]]
    job = import_upload(
        actor=users.township_staff,
        kind="members",
        file=xlsx_upload(rows),
        direct_mode="skip_invalid",
    )
    assert job.status == ImportStatus.FAILED and job.message.startswith("没有找到表头")
    assert (job.created_count, job.total_rows) == (0, 0)
    audit = AuditEvent.objects.get(action=AuditAction.IMPORT_REJECTED)
    assert audit.detail["reason"] == "import_no_header"
    assert not Member.objects.exists()


def test_a_large_direct_import_runs_as_a_task_and_counts_its_rows_there(users, tree, settings):
    from gonghui.core.imports import services

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = import_upload(
        actor=users.township_staff,
        kind="members",
        file=xlsx_upload(_rows([make_id_number() for _ in range(3)])),
        direct_mode="skip_invalid",
        background=True,
    )
    assert (job.status, job.total_rows, job.columns, job.task_id != "") == (
        ImportStatus.QUEUED, 0, [], True,
    )  # fmt: skip
    services.import_run_commit(job.pk)
    job.refresh_from_db()
    assert (job.status, job.header_row, job.total_rows, job.created_count) == (
        ImportStatus.DONE, 1, 3, 3,
    )  # fmt: skip
    assert [c["key"] for c in job.columns] == [
        "name",
        "id_number",
        "phone",
        "hukou_type",
        "joined_on",
    ]


def test_upload_page_offers_direct_import(client, users, tree):
    from django.urls import reverse

    client.force_login(users.township_staff)
    page = client.get(reverse("imports:new", args=["members"]))
    assert "直接导入：校验通过的行立即写入" in page.content.decode()
    response = client.post(
        reverse("imports:new", args=["members"]),
        {
            "file": xlsx_upload(_rows([make_id_number() for _ in range(2)])),
            "org": tree.a.pk,
            "how": "skip_invalid",
            "existing": "skip",
        },
    )
    job = users.township_staff.import_jobs.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert (job.direct, job.existing, job.status, job.created_count) == (True, "skip", "done", 2)
    detail = client.get(response["Location"]).content.decode()
    assert "导入完成" in detail and "直接导入(不预览" in detail


def test_api_upload_with_a_mode_imports_directly(client, users, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.accounts.services import token_create
    from gonghui.core.imports.tests.files import xlsx_bytes

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.township_staff)}"}
    ids = [make_id_number() for _ in range(3)]
    file = SimpleUploadedFile("会员.xlsx", xlsx_bytes(_rows(ids, bad_at={2})))
    response = client.post(
        "/api/v1/members/imports", {"file": file, "mode": "skip_invalid"}, **auth
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["direct"], body["status"], body["created_count"], body["rejected_count"]) == (
        True, "done", 2, 1,
    )  # fmt: skip
    assert body["error_sheet_url"]
    file = SimpleUploadedFile("会员.xlsx", xlsx_bytes(_rows(ids)))
    response = client.post("/api/v1/members/imports", {"file": file, "mode": "sometimes"}, **auth)
    assert response.status_code == 422
    assert Member.objects.count() == 2


@pytest.mark.parametrize(("limit", "created"), [(40, 30), (29, 0)])
def test_direct_import_counts_rows_when_the_file_extent_is_past_the_limit(
    users, tree, settings, limit, created
):
    """A CSV with many blank lines: its extent (lines) is past the row limit, so the rows
    are counted first; within the limit they are read again and imported."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.imports.tests.files import csv_bytes

    settings.IMPORT_MAX_ROWS = limit
    content = csv_bytes(_rows([make_id_number() for _ in range(30)])) + b"\r\n" * 100
    job = import_upload(
        actor=users.township_staff,
        kind="members",
        file=SimpleUploadedFile("会员.csv", content),
        direct_mode="skip_invalid",
    )
    assert Member.objects.count() == created
    if created:
        assert (job.status, job.total_rows, job.created_count) == (ImportStatus.DONE, 30, 30)
    else:
        assert job.status == ImportStatus.FAILED and "超过 29 行的上限" in job.message


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("direct", [False, True])
def test_a_sheet_read_in_parts_imports_as_when_read_whole(users, tree, monkeypatch, direct):
    """The upload's scan records the sheet as splittable; every later read of the stored
    file (header, validation, commit, the error sheet) then takes it in parts."""
    from gonghui.core.imports.tests.files import read_in_small_parts

    loads = read_in_small_parts(monkeypatch, first=400, later=900)
    _small_batches(monkeypatch, 4)
    ids = [make_id_number() for _ in range(25)]
    rows = _rows(ids, bad_at={3, 17})
    if direct:
        job = _direct(users.township_staff, rows)
    else:
        job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
        assert (job.total_rows, job.error_rows) == (25, 2)
        job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert job.split_sheets == {"xl/worksheets/sheet1.xml": 26}
    assert len(loads) > 5
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.rejected_count) == (23, 2)
    assert sorted(Member.objects.values_list("name", flat=True)) == sorted(
        f"会员{i}" for i in range(25) if i not in (3, 17)
    )
    sheet = read_xlsx(import_errors_export(actor=users.township_staff, job=job))
    assert [row[:2] for row in sheet[1:]] == [[5.0, "会员3"], [19.0, "会员17"]]

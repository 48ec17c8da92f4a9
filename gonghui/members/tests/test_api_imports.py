"""API for member imports: upload → job, progress and counts, commit (update or skip),
error sheet, discard; private to the uploader, scoped, refused files in Chinese."""

import json

import pytest

from gonghui.accounts.services import token_create
from gonghui.core.imports.models import ImportJob, ImportStatus
from gonghui.core.imports.tests.files import read_xlsx, xlsx_bytes
from gonghui.members.models import Member
from gonghui.members.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}


def _upload(client, user, rows, **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("会员.xlsx", xlsx_bytes(rows))
    return client.post("/api/v1/members/imports", {"file": file, **data}, **_auth(user))


def _rows(ids, bad=False):
    rows = [["姓名", "身份证号", "户籍类型", "入会时间"]]
    rows += [[f"会员{i}", n, "农业", "2021-03-05"] for i, n in enumerate(ids)]
    if bad:
        rows.append(["坏行", "110105194912310021", "农业", "2021-03-05"])
    return rows


def test_upload_validate_commit_and_read_the_counts(client, tree, users):
    ids = [make_id_number() for _ in range(2)]
    response = _upload(client, users.township_staff, _rows(ids, bad=True), org_id=tree.a1.pk)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["total_rows"], job["valid_rows"], job["error_rows"]) == (
        "ready",
        3,
        2,
        1,
    )
    assert job["org"] == {"id": tree.a1.pk, "name": tree.a1.name}
    assert job["columns"] == ["姓名", "身份证号", "户籍类型", "入会时间"]
    assert job["error_sample"] == [
        {"row": 4, "errors": ["身份证号校验位不正确，请核对后重新输入。"]}
    ]
    assert "110105194912310021" not in json.dumps(job["preview"])  # masked
    assert job["error_sheet_url"] == f"/api/v1/members/imports/{job['id']}/errors"

    all_or_nothing = client.post(
        f"/api/v1/members/imports/{job['id']}/commit",
        json.dumps({"mode": "all_or_nothing"}),
        content_type="application/json",
        **_auth(users.township_staff),
    )
    assert all_or_nothing.status_code == 422
    assert all_or_nothing.json()["code"] == "import_has_errors"

    committed = client.post(
        f"/api/v1/members/imports/{job['id']}/commit",
        json.dumps({"mode": "skip_invalid"}),
        content_type="application/json",
        **_auth(users.township_staff),
    )
    assert committed.status_code == 202
    done = client.get(f"/api/v1/members/imports/{job['id']}", **_auth(users.township_staff))
    body = done.json()
    assert (body["status"], body["created_count"], body["rejected_count"], body["progress"]) == (
        "done",
        2,
        1,
        100,
    )
    assert set(Member.objects.values_list("org_id", flat=True)) == {tree.a1.pk}
    sheet = client.get(body["error_sheet_url"], **_auth(users.township_staff))
    assert sheet.status_code == 200
    rows = read_xlsx(sheet.content)
    assert rows[1][0] == 4 and "校验位不正确" in rows[1][-1]
    again = client.post(
        f"/api/v1/members/imports/{job['id']}/commit",
        json.dumps({"mode": "skip_invalid"}),
        content_type="application/json",
        **_auth(users.township_staff),
    )
    assert again.status_code == 409 and again.json()["code"] == "import_not_ready"


def test_commit_can_skip_existing_members(client, tree, users):
    ids = [make_id_number() for _ in range(2)]
    first = _upload(client, users.township_staff, _rows(ids[:1])).json()
    client.post(
        f"/api/v1/members/imports/{first['id']}/commit",
        json.dumps({"mode": "skip_invalid"}),
        content_type="application/json",
        **_auth(users.township_staff),
    )
    changed = _rows(ids)
    changed[1][0] = "改名"
    job = _upload(client, users.township_staff, changed).json()
    assert job["existing_rows"] == 1
    response = client.post(
        f"/api/v1/members/imports/{job['id']}/commit",
        json.dumps({"mode": "skip_invalid", "existing": "skip"}),
        content_type="application/json",
        **_auth(users.township_staff),
    )
    assert response.status_code == 202
    body = client.get(f"/api/v1/members/imports/{job['id']}", **_auth(users.township_staff)).json()
    assert (body["existing"], body["created_count"], body["skipped_count"]) == ("skip", 1, 1)
    assert not Member.objects.filter(name="改名").exists()


def test_refused_file_is_a_422_with_a_chinese_message_and_no_job(client, tree, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/members/imports",
        {"file": SimpleUploadedFile("x.xlsx", b"not a spreadsheet")},
        **_auth(users.township_staff),
    )
    assert response.status_code == 422
    assert response.json()["code"].startswith("import_")
    assert response.json()["message"]
    assert not ImportJob.objects.exists()


def test_jobs_are_private_and_targets_scoped(client, tree, users):
    job = _upload(client, users.township_staff, _rows([make_id_number()])).json()
    from gonghui.testing.fixtures import make_user

    b_staff = make_user("b_staff", "township_staff", tree.b)
    other = client.get(f"/api/v1/members/imports/{job['id']}", **_auth(b_staff))
    assert other.status_code == 404
    outside = _upload(client, users.township_staff, _rows([make_id_number()]), org_id=tree.b.pk)
    assert outside.status_code == 404
    denied = _upload(client, users.leader, _rows([make_id_number()]))
    assert denied.status_code == 403
    assert ImportJob.objects.count() == 1


def test_discard_deletes_the_job_files(client, tree, users, settings):
    from pathlib import Path

    job = _upload(client, users.township_staff, _rows([make_id_number()])).json()
    stored = ImportJob.objects.get(pk=job["id"])
    response = client.delete(f"/api/v1/members/imports/{job['id']}", **_auth(users.township_staff))
    assert response.status_code == 200 and response.json()["status"] == "discarded"
    assert not list((Path(settings.MEDIA_ROOT) / stored.file_path).parent.glob("*"))
    stored.refresh_from_db()
    assert stored.status == ImportStatus.DISCARDED


def test_openapi_lists_the_import_and_join_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/members/imports",
        "/api/v1/members/imports/{id}",
        "/api/v1/members/imports/{id}/commit",
        "/api/v1/members/imports/{id}/errors",
        "/api/v1/join-applications",
        "/api/v1/join-applications/status",
        "/api/v1/join-applications/{id}/approve",
        "/api/v1/join-applications/{id}/reject",
    ):
        assert path in paths


def test_unmasked_error_sheet_needs_a_reason_and_view_sensitive(client, tree, users):
    from gonghui.audit.models import AuditAction, AuditEvent

    job = _upload(client, users.county_staff, _rows([make_id_number()], bad=True)).json()
    url = f"/api/v1/members/imports/{job['id']}/errors/unmasked"
    masked = read_xlsx(client.get(job["error_sheet_url"], **_auth(users.county_staff)).content)
    assert masked[1][2] == "1101**********0021"
    blank = client.post(
        url,
        json.dumps({"reason": ""}),
        content_type="application/json",
        **_auth(users.county_staff),
    )
    assert blank.status_code == 422
    sheet = client.post(
        url,
        json.dumps({"reason": "修改后重新导入"}),
        content_type="application/json",
        **_auth(users.county_staff),
    )
    assert sheet.status_code == 200
    assert read_xlsx(sheet.content)[1][2] == "110105194912310021"
    event = AuditEvent.objects.filter(action=AuditAction.EXPORTED).latest("id")
    assert (event.detail["unmasked"], event.detail["reason"]) == (True, "修改后重新导入")
    township_job = _upload(client, users.township_staff, _rows([], bad=True)).json()
    denied = client.post(
        f"/api/v1/members/imports/{township_job['id']}/errors/unmasked",
        json.dumps({"reason": "看看"}),
        content_type="application/json",
        **_auth(users.township_staff),
    )
    assert denied.status_code == 403


def test_unregistered_employers_are_listed_and_created_at_commit_on_request(client, tree, users):
    rows = [
        ["姓名", "身份证号", "工作单位"],
        ["甲", make_id_number(), "青禾电子"],
        ["乙", make_id_number(), "青禾电子"],
    ]
    job = _upload(client, users.township_staff, rows).json()
    assert job["findings"]["employers"]["unmatched"]["names"] == [["青禾电子", 2]]
    assert job["findings"]["incomplete"] == {"rows": 2, "fields": {"户籍类型": 2, "入会日期": 2}}
    refused = client.post(
        f"/api/v1/members/imports/{job['id']}/commit",
        {"mode": "skip_invalid", "options": {"new_employers": "invent"}},
        content_type="application/json",
        **_auth(users.township_staff),
    )
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"new_employers": ["“未登记的工作单位”不能选择这一项。"]}
    response = client.post(
        f"/api/v1/members/imports/{job['id']}/commit",
        {"mode": "skip_invalid", "options": {"new_employers": "create"}},
        content_type="application/json",
        **_auth(users.township_staff),
    )
    assert response.status_code == 202, response.content
    job = client.get(f"/api/v1/members/imports/{job['id']}", **_auth(users.township_staff))
    job = job.json()
    assert (job["status"], job["created_count"], job["options"]) == (
        "done",
        2,
        {"new_employers": "create"},
    )
    assert job["findings"]["employers"]["created"]["names"] == [["青禾电子", 2]]
    employers = {m.employer for m in Member.objects.select_related("employer")}
    assert [(e.name, e.verified, e.org) for e in employers] == [("青禾电子", False, tree.a)]


def test_a_direct_upload_takes_the_options_as_json_and_grassroots_staff_may_only_keep_names(
    client, tree, users
):
    rows = [["姓名", "身份证号", "工作单位"], ["甲", make_id_number(), "某某超市"]]
    refused = _upload(
        client,
        users.grassroots_staff,
        rows,
        mode="skip_invalid",
        options=json.dumps({"new_employers": "create"}),
    )
    assert refused.status_code == 422  # may not register employers
    response = _upload(
        client,
        users.grassroots_staff,
        rows,
        mode="skip_invalid",
        options=json.dumps({"new_employers": "text"}),
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "done"
    member = Member.objects.get()
    assert (member.employer, member.employer_name) == (None, "某某超市")
    bad = _upload(client, users.township_staff, rows, mode="skip_invalid", options="[1]")
    assert bad.status_code == 422

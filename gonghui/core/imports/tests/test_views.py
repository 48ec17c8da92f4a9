"""Pages through the Django test client: upload → preview → commit → progress, and access."""

from django.urls import reverse

from gonghui.core.imports.models import ImportJob, ImportStatus
from gonghui.core.imports.tests.files import ORG_HEADER, read_xlsx, xlsx_upload
from gonghui.core.imports.tests.test_reader import PNG
from gonghui.orgs.models import Org

ROWS = [
    ORG_HEADER,
    ["甲镇二村工会", "999001003", "999001", "村(社区)工会", "", "", "张三"],
    ["甲镇三村工会", "999001004", "999002", "村(社区)工会", "", "", ""],
]


def test_upload_preview_commit_progress_flow(users, tree, login):
    client = login(users.county_admin)
    page = client.get(reverse("imports:new", args=["orgs"]))
    assert page.status_code == 200
    assert "导入工会组织" in page.content.decode()

    response = client.post(
        reverse("imports:new", args=["orgs"]),
        {"file": xlsx_upload(ROWS, title="名单"), "org": tree.county.pk},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[job.pk])

    preview = client.get(response["Location"]).content.decode()
    assert "预览(前 2 行)" in preview
    assert "开始导入 2 行" in preview
    assert 'name="mode" value="all_or_nothing"' in preview

    response = client.post(reverse("imports:commit", args=[job.pk]), {"mode": "all_or_nothing"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    assert Org.objects.filter(code__in=["999001003", "999001004"]).count() == 2

    done = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "导入完成" in done
    assert '<progress max="100" value="100">' in done

    partial = client.get(reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial["HX-Refresh"] == "true"
    assert partial.content.decode().lstrip().startswith('<div id="import-progress"')

    listing = client.get(reverse("imports:list")).content.decode()
    assert "导入.xlsx" in listing


def test_progress_partial_polls_while_the_job_is_busy(users, tree, login):
    client = login(users.county_admin)
    client.post(
        reverse("imports:new", args=["orgs"]), {"file": xlsx_upload(ROWS), "org": tree.county.pk}
    )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, processed_rows=1, progress=50
    )
    partial = client.get(reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "HX-Refresh" not in partial
    assert 'hx-trigger="every 1s"' in body
    assert '<progress max="100" value="50">' in body
    assert "已处理 1 / 2 行(50%)" in body
    full = client.get(reverse("imports:progress", args=[job.pk]))
    assert "<html" in full.content.decode()


def test_errors_are_shown_and_downloadable_and_all_or_nothing_is_refused(users, tree, login):
    client = login(users.township_staff)
    client.post(
        reverse("imports:new", args=["orgs"]), {"file": xlsx_upload(ROWS), "org": tree.a.pk}
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "第 3 行：上级组织“999002”不存在或不在您的管理范围内。" in page
    download = client.get(reverse("imports:errors", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read_xlsx(download.content)[0][-1] == "错误原因"

    refused = client.post(reverse("imports:commit", args=[job.pk]), {"mode": "all_or_nothing"})
    assert refused.status_code == 400
    assert "有 1 行存在错误" in refused.content.decode()
    assert not Org.objects.filter(code="999001003").exists()

    client.post(reverse("imports:commit", args=[job.pk]), {"mode": "skip_invalid"})
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rejected_count) == (ImportStatus.DONE, 1, 1)


def test_a_non_spreadsheet_upload_shows_the_reason_on_the_form(users, tree, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(users.county_admin)
    response = client.post(
        reverse("imports:new", args=["enterprises"]),
        {"file": SimpleUploadedFile("单位.xlsx", PNG), "org": tree.county.pk},
    )
    assert response.status_code == 200
    assert "该文件不是表格文件(看起来是PNG 图片)" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_another_users_job_answers_404_everywhere(users, tree, login):
    client = login(users.county_admin)
    client.post(
        reverse("imports:new", args=["orgs"]), {"file": xlsx_upload(ROWS), "org": tree.county.pk}
    )
    job = ImportJob.objects.get()
    other = login(users.county_staff)
    for name in ("detail", "progress", "errors"):
        assert other.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    for name in ("commit", "discard"):
        assert (
            other.post(
                reverse(f"imports:{name}", args=[job.pk]), {"mode": "skip_invalid"}
            ).status_code
            == 404
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert "导入.xlsx" not in other.get(reverse("imports:list")).content.decode()


def test_permission_and_scope_on_the_upload_page(users, tree, login):
    assert (
        login(users.grassroots_staff).get(reverse("imports:new", args=["orgs"])).status_code == 404
    )
    assert login(users.county_admin).get(reverse("imports:new", args=["nope"])).status_code == 404
    client = login(users.township_staff)
    response = client.post(
        reverse("imports:new", args=["orgs"]), {"file": xlsx_upload(ROWS), "org": tree.b.pk}
    )
    assert response.status_code == 404
    assert ImportJob.objects.count() == 0


def test_template_download_has_the_header_row_and_explanations(users, login):
    response = login(users.county_admin).get(reverse("imports:template", args=["enterprises"]))
    assert response.status_code == 200
    assert read_xlsx(response.content) == [
        [
            "单位名称",
            "统一社会信用代码",
            "行业",
            "规模",
            "经济类型",
            "职工人数",
            "是否建会",
            "覆盖工会编码",
            "所属工会",
            "所在行政区划代码",
            "地址",
            "法定代表人",
            "联系人",
            "联系电话",
        ]
    ]


def test_discard_deletes_the_stored_file(users, tree, login, settings):
    client = login(users.county_admin)
    client.post(
        reverse("imports:new", args=["orgs"]), {"file": xlsx_upload(ROWS), "org": tree.county.pk}
    )
    job = ImportJob.objects.get()
    assert (settings.MEDIA_ROOT / job.file_path).exists()
    response = client.post(reverse("imports:discard", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DISCARDED
    assert not (settings.MEDIA_ROOT / job.file_path).exists()

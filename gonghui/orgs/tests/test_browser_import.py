"""Browser: import an org list with one invalid row, skip it, follow the progress, get the
error sheet (upload → preview → commit → htmx-polled progress → download)."""

import io
import signal

import pytest
import xlsxwriter
from django.core.management import call_command
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from gonghui.core.testing.browser import browser_login
from gonghui.orgs.models import Org

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def org_sheet(rows: list[list[str]]) -> bytes:
    """An .xlsx with a merged title row above the header, as people send them."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("组织")
    sheet.merge_range(0, 0, 0, 3, "乙镇新建工会组织名单", workbook.add_format({"bold": True}))
    sheet.write_row(1, 0, ["组织名称", "组织编码", "上级组织编码", "组织类型"])
    for index, row in enumerate(rows, start=2):
        sheet.write_row(index, 0, row)
    workbook.close()
    return buffer.getvalue()


def run_task_worker() -> None:
    """Run the queued background tasks to the end, as `gonghui db_worker` would."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_import_with_an_invalid_row_skips_it_and_offers_the_error_sheet(
    page, users, tree, settings, tmp_path
):
    # given background tasks go through the database queue, so the commit waits for a worker
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    content = org_sheet(
        [
            ["乙镇二村工会", "999002002", "999002", "村(社区)工会"],
            ["乙镇某厂工会", "999002003", "999002", ""],  # row 4: a new org needs a type
            ["乙镇三村工会", "999002004", "999002", "村(社区)工会"],
        ]
    )
    browser_login(page, users.county_admin)

    # when the county admin uploads it from the org list's 导入 button
    page.goto("/orgs/list/")
    page.get_by_role("link", name="导入", exact=True).click()
    expect(page.locator("h1")).to_have_text("导入工会组织")
    page.locator("select[name=org]").select_option(str(tree.county.pk))
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "乙镇组织.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传", exact=True).click()

    # then the preview counts the rows and names the invalid one
    stats = page.locator(".stats .stat")
    expect(stats.filter(has_text="数据行数").locator(".value")).to_have_text("3")
    expect(stats.filter(has_text="可以导入").locator(".value")).to_have_text("2")
    expect(stats.filter(has_text="有错误").locator(".value")).to_have_text("1")
    expect(page.locator(".props")).to_contain_text("第 2 行，数据从第 3 行开始")
    errors = page.locator(".card", has=page.get_by_role("heading", name="错误(1 行)"))
    expect(errors).to_contain_text("第 4 行：新增组织请填写组织类型。")
    preview_row = page.locator("table.table tbody tr.has-error")
    expect(preview_row).to_have_count(1)
    expect(preview_row.locator("td").first).to_have_text("4")
    assert not Org.objects.filter(code__in=["999002002", "999002004"]).exists()

    # when they commit with "skip invalid rows"
    page.get_by_label("导入有效行，跳过其余").check()
    with page.expect_navigation():
        page.get_by_role("button", name="开始导入 2 行").click()

    # then the progress block waits for the worker, polling; once it has run, the page completes
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("排队等待导入")
    expect(progress.locator("progress")).to_be_visible()
    run_task_worker()
    expect(progress.get_by_role("heading", name="导入完成")).to_be_visible(timeout=15_000)
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(progress.locator(".stat", has_text="新增").locator(".value")).to_have_text("2")
    expect(progress.locator(".stat", has_text="未导入").locator(".value")).to_have_text("1")
    imported = Org.objects.filter(code__in=["999002002", "999002003", "999002004"])
    assert {(o.code, o.name, o.parent_id) for o in imported} == {
        ("999002002", "乙镇二村工会", tree.b.pk),
        ("999002004", "乙镇三村工会", tree.b.pk),
    }

    # and the error sheet holds the rejected row with its reason
    with page.expect_download() as download_info:
        progress.get_by_role("link", name="未通过的行(.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "errors.xlsx"
    download.save_as(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header_index = next(i for i, row in enumerate(rows) if "错误原因" in row)
    header = rows[header_index]
    data = [dict(zip(header, row, strict=False)) for row in rows[header_index + 1 :] if any(row)]
    assert len(data) == 1
    assert data[0]["组织编码"] == "999002003"
    assert "组织类型" in str(data[0]["错误原因"])

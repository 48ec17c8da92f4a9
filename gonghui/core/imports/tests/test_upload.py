"""import_upload: what is refused (and leaves nothing behind), header detection, row numbers."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.core.imports.models import ImportJob, ImportStatus
from gonghui.core.imports.reader import ImportFileError
from gonghui.core.imports.services import import_upload
from gonghui.core.imports.tests.files import ORG_HEADER, csv_upload, xlsx_bytes, xlsx_upload
from gonghui.core.imports.tests.test_reader import PNG


def _files_under(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
    )


def _refused(actor, upload, *, kind="orgs") -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        import_upload(actor=actor, kind=kind, file=upload)
    return caught.value


def test_png_renamed_xlsx_is_refused_audited_and_nothing_is_stored(users, settings):
    error = _refused(users.county_admin, SimpleUploadedFile("组织.xlsx", PNG))
    assert (
        error.message == "该文件不是表格文件(看起来是PNG 图片)，请上传 .xlsx、.xls 或 .csv 文件。"
    )
    assert error.fields == {"file": [error.message]}
    assert ImportJob.objects.count() == 0
    assert _files_under(settings.MEDIA_ROOT) == []
    event = AuditEvent.objects.get(action=AuditAction.IMPORT_REJECTED)
    assert (event.user, event.result) == (users.county_admin, AuditResult.FAILURE)
    assert event.detail == {
        "kind": "orgs",
        "file": "组织.xlsx",
        "size": len(PNG),
        "reason": "import_file_not_table",
        "message": error.message,
    }


def test_oversize_file_is_refused(users, settings):
    settings.IMPORT_MAX_FILE_BYTES = 2048
    upload = xlsx_upload(
        [ORG_HEADER] + [["甲镇二村工会", f"999001{n:03d}", "999001"] for n in range(300)]
    )
    error = _refused(users.county_admin, upload)
    assert (error.code, error.message) == (
        "import_file_too_large",
        "文件超过 2 KB 的上限，请拆分后分批导入。",
    )
    assert ImportJob.objects.count() == 0
    assert _files_under(settings.MEDIA_ROOT) == []


def test_zip_bomb_is_refused(users, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4000
    error = _refused(
        users.county_admin, xlsx_upload([ORG_HEADER, ["甲镇二村工会", "999001003", "999001"]])
    )
    assert error.code == "import_file_bomb"
    assert (
        error.message
        == "文件解压后过大(可能是恶意构造的压缩文件)，已拒绝。请删除无关的工作表或拆分后再上传。"
    )
    assert ImportJob.objects.count() == 0


def test_rows_over_the_limit_are_refused(users, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["甲镇二村工会", f"99900100{n}", "999001", "村(社区)工会"] for n in range(4)]
    error = _refused(users.county_admin, xlsx_upload([ORG_HEADER, *rows], title="名单"))
    assert (error.code, error.message) == (
        "import_too_many_rows",
        "数据行数超过 3 行的上限，请拆分后分批导入。",
    )
    assert ImportJob.objects.count() == 0
    job = import_upload(
        actor=users.county_admin,
        kind="orgs",
        file=xlsx_upload([ORG_HEADER, *rows[:3]], title="名单"),
    )
    assert job.total_rows == 3


def test_missing_required_columns_and_missing_header_are_explained(users):
    error = _refused(users.county_admin, xlsx_upload([["组织名称", "工会主席"], ["甲", "张三"]]))
    assert error.code == "import_missing_columns"
    assert error.message == "缺少必填列：组织编码。已识别的列：组织名称、工会主席。"
    error = _refused(users.county_admin, xlsx_upload([["姓名", "年龄"], ["张三", 30]]))
    assert error.code == "import_no_header"
    assert error.message.startswith(
        "没有找到表头：前 20 行中没有可识别的列名"
        "(如 组织名称、组织编码、上级组织编码、上级组织名称)。"
    )
    error = _refused(users.county_admin, xlsx_upload([ORG_HEADER]))
    assert (error.code, error.message) == ("import_no_rows", "表头下面没有数据行。")


def test_header_found_below_a_merged_title_and_a_grouping_row(users, settings):
    upload = SimpleUploadedFile(
        "名单.xlsx",
        xlsx_bytes(
            [[], [], ORG_HEADER, ["甲镇二村工会", "999001003", "999001", "村(社区)工会"]],
            merges=[
                (0, 0, 0, 6, "某某县工会组织名单(2025年)"),
                (1, 0, 1, 2, "基本信息"),
                (1, 3, 1, 6, "其他"),
            ],
        ),
    )
    job = import_upload(actor=users.county_admin, kind="orgs", file=upload)
    assert (job.status, job.header_row, job.data_start_row) == (ImportStatus.READY, 3, 4)
    assert [c["key"] for c in job.columns] == [
        "name",
        "code",
        "parent_code",
        "type",
        "level",
        "division_code",
        "chair_name",
    ]
    assert job.preview == [
        {
            "row": 4,
            "cells": ["甲镇二村工会", "999001003", "999001", "村(社区)工会", "", "", ""],
            "errors": [],
        }
    ]
    assert job.file_format == "xlsx"
    assert job.file_path.startswith("imports/")
    assert (settings.MEDIA_ROOT / job.file_path).exists()


def test_two_row_header_with_cells_merged_down(users):
    upload = SimpleUploadedFile(
        "名单.xlsx",
        xlsx_bytes(
            [
                [],
                ["", "组织编码", "上级组织编码"],
                ["甲镇二村工会", "999001003", "999001", "村(社区)工会"],
            ],
            merges=[(0, 0, 1, 0, "组织名称"), (0, 1, 0, 2, "编码信息"), (0, 3, 1, 3, "组织类型")],
        ),
    )
    job = import_upload(actor=users.county_admin, kind="orgs", file=upload)
    assert (job.header_row, job.data_start_row) == (1, 3)
    assert [(c["index"], c["key"]) for c in job.columns] == [
        (0, "name"),
        (1, "code"),
        (2, "parent_code"),
        (3, "type"),
    ]
    assert job.valid_rows == 1


def test_synonyms_required_marks_and_unknown_columns(users):
    upload = xlsx_upload(
        [
            ["序号", "*工会名称", "工会编码(必填)", "上级编码", "类型", "备注"],
            [1, "甲镇二村工会", "999001003", "999001", "村工会", "新建"],
        ]
    )
    job = import_upload(actor=users.county_admin, kind="orgs", file=upload)
    assert [(c["header"], c["key"]) for c in job.columns] == [
        ("*工会名称", "name"),
        ("工会编码(必填)", "code"),
        ("上级编码", "parent_code"),
        ("类型", "type"),
    ]
    assert job.unmatched_headers == ["序号", "备注"]
    assert (job.valid_rows, job.error_rows) == (1, 0)


def test_each_bad_row_gets_chinese_errors_with_its_spreadsheet_row_number(users):
    upload = xlsx_upload(
        [
            ORG_HEADER,
            ["甲镇二村工会", "999001003", "999001", "村(社区)工会", "", "", ""],
            ["", "999001004", "999001", "村(社区)工会", "", "", ""],
            ["甲镇三村工会", "999001005", "999001", "村委", "", "1234", ""],
            ["甲镇四村工会", "999001003", "999001", "村(社区)工会", "", "", ""],
            ["甲镇五村工会", "999001006", "", "村(社区)工会", "", "", ""],
        ],
        title="某县工会组织名单",
    )
    job = import_upload(actor=users.county_admin, kind="orgs", file=upload)
    assert (job.total_rows, job.valid_rows, job.error_rows) == (5, 1, 4)
    assert job.error_sample == [
        {"row": 4, "errors": ["请填写组织名称。"]},
        {
            "row": 5,
            "errors": [
                "组织类型：“村委”不是可选的值，可填：总工会、乡镇(街道)工会、园区工会、村(社区)工会、企业工会、"
                "联合工会、行业工会、机关事业单位工会。",
                "行政区划代码应为 6 位(县级)、9 位(乡镇级)或 12 位(村级)数字。",
            ],
        },
        {"row": 6, "errors": ["组织编码“999001003”与第 3 行重复。"]},
        {"row": 7, "errors": ["新增组织请填写上级组织编码或上级组织名称。"]},
    ]
    assert [r["row"] for r in job.preview] == [3, 4, 5, 6, 7]


def test_csv_in_gbk_and_utf8_with_bom_read_the_same(users):
    rows = [
        ["组织名称", "组织编码", "上级组织编码", "组织类型"],
        ["甲镇二村工会", "999001003", "999001", "村(社区)工会"],
    ]
    gbk = import_upload(
        actor=users.county_admin, kind="orgs", file=csv_upload(rows, encoding="gbk")
    )
    bom = import_upload(
        actor=users.county_admin, kind="orgs", file=csv_upload(rows, encoding="utf-8-sig")
    )
    assert (gbk.encoding, bom.encoding) == ("GBK/GB18030", "UTF-8")
    assert (
        gbk.preview
        == bom.preview
        == [
            {
                "row": 2,
                "cells": ["甲镇二村工会", "999001003", "999001", "村(社区)工会"],
                "errors": [],
            }
        ]
    )


def test_no_edit_permission_or_an_org_outside_scope(users, tree):
    from gonghui.core.errors import NotFound, PermissionDenied

    upload = xlsx_upload([ORG_HEADER, ["甲镇二村工会", "999001003", "999001"]])
    with pytest.raises(PermissionDenied):
        import_upload(actor=users.grassroots_staff, kind="orgs", file=upload)
    with pytest.raises(NotFound):
        import_upload(actor=users.township_staff, kind="orgs", file=upload, org=tree.b)
    with pytest.raises(NotFound):
        import_upload(actor=users.county_admin, kind="nope", file=upload)
    assert ImportJob.objects.count() == 0


def test_large_files_validate_in_the_background(users, monkeypatch):
    from gonghui.core.imports import services

    monkeypatch.setattr(services, "INLINE_VALIDATE_ROWS", 1)
    rows = [
        ["甲镇二村工会", "999001003", "999001", "村(社区)工会"],
        ["甲镇三村工会", "999001004", "999001", "村(社区)工会"],
    ]
    job = import_upload(
        actor=users.county_admin, kind="orgs", file=xlsx_upload([ORG_HEADER, *rows])
    )
    assert job.task_id != ""
    assert (job.status, job.valid_rows, job.progress) == (ImportStatus.READY, 2, 100)

"""Cells the pipeline meets in real files, for every import kind: one too long for its field
(named as such, not as a malformed CSV), an unclosed quote, and footer rows (制表人, 合计)
that are not data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.imports.models import ImportStatus
from gonghui.core.imports.reader import ImportFileError
from gonghui.core.imports.services import import_upload
from gonghui.core.imports.tests.files import ORG_HEADER, csv_upload, xlsx_upload
from gonghui.members.tests.factories import make_id_number

LONG = 5000  # characters: more than any of these fields holds, less than an .xlsx cell


def _errors(job) -> dict[int, list[str]]:
    return {item["row"]: item["errors"] for item in job.error_sample}


@pytest.mark.parametrize(
    ("kind", "rows", "message"),
    [
        (
            "orgs",
            [ORG_HEADER, ["名" * LONG, "999001901", "999001", "村(社区)工会"]],
            f"字段“组织名称”过长，最多 100 字(当前 {LONG} 字)。",
        ),
        (
            "enterprises",
            [["单位名称", "统一社会信用代码"], ["名" * LONG, "91330100MA27XL0E2G"]],
            f"字段“单位名称”过长，最多 150 字(当前 {LONG} 字)。",
        ),
        (
            "sites",
            [["名称", "地址"], ["爱心驿站", "址" * LONG]],
            f"字段“地址”过长，最多 200 字(当前 {LONG} 字)。",
        ),
        (
            "members",
            [["姓名", "身份证号", "工作单位"], ["张三", make_id_number(), "某" * 151]],
            "字段“工作单位”过长，最多 150 字(当前 151 字)。",
        ),
        (
            "archives",
            [
                ["职工姓名", "身份证号", "家庭人口", "家庭年收入", "主要致困原因", "家庭住址"],
                ["张三", make_id_number(), "3", "24000", "大病", "址" * 201],
            ],
            "字段“家庭住址”过长，最多 200 字(当前 201 字)。",
        ),
    ],
)
@pytest.mark.parametrize("upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
def test_a_cell_too_long_for_its_field_says_so_in_every_kind(users, kind, rows, message, upload):
    job = import_upload(actor=users.county_admin, kind=kind, file=upload(rows))
    assert job.status == ImportStatus.READY
    assert message in _errors(job)[2]


def test_a_csv_cell_longer_than_the_csv_modules_limit_is_too_long_not_malformed(users):
    """200,000 characters (the csv module stops at 128 KiB and the import used to call the
    file malformed, 引号不配对)."""
    rows = [["姓名", "身份证号"], ["长" * 200_000, make_id_number()], ["李四", make_id_number()]]
    job = import_upload(actor=users.county_admin, kind="members", file=csv_upload(rows))
    assert (job.valid_rows, job.error_rows) == (1, 1)
    assert _errors(job)[2] == ["字段“姓名”过长，最多 50 字(当前 200000 字)。"]


def test_an_unclosed_quote_in_a_csv_is_named_as_such(users):
    lines = "".join(f"李{i},{make_id_number()}\r\n" for i in range(3000))
    body = f'姓名,身份证号\r\n"张三,{make_id_number()}\r\n{lines}'
    with pytest.raises(ImportFileError) as refused:
        import_upload(
            actor=users.county_admin,
            kind="members",
            file=SimpleUploadedFile("名单.csv", body.encode("utf-8")),
        )
    assert refused.value.message.startswith("CSV 文件第 2 行的引号不配对，其后 3000 行")


def test_footer_rows_without_a_recognised_cell_are_not_data(users):
    rows = [
        ["序号", "姓名", "身份证号", "入会时间"],
        [1, "张三", make_id_number(), "2021-03-05"],
        [2, "李四", make_id_number(), "2021-03-05"],
        ["合计：2 人"],
        ["制表人：王五", "", "", ""],
        [3, "", "", "2021-03-05"],  # a recognised cell: a row, and an incomplete one
    ]
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
    assert (job.total_rows, job.valid_rows, job.error_rows) == (3, 2, 1)
    assert _errors(job) == {6: ["请填写姓名。", "请填写身份证号。"]}

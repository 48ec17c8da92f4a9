"""Import kind "archives": the national archive form as a spreadsheet → archives at `applied`
through the services; re-import changes nothing; Chinese errors per row; scope."""

import datetime

import pytest

from gonghui.assistance.archives.tests.factories import build_archive, ensure_standard
from gonghui.assistance.choices import ApplicationSource, ArchiveStatus
from gonghui.assistance.models import ArchiveStep, HardshipArchive
from gonghui.core.imports.services import import_commit, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.members.tests.factories import make_id_number

HEADER = [
    "序号", "职工姓名", "公民身份号码", "联系电话", "户口性质", "是否农民工", "健康状况",
    "家庭人口数", "家庭年可支配收入", "医疗支出", "教育支出", "主要致困原因", "次要致困原因",
    "开户行", "银行卡号", "申请日期", "工会编码",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _run(user, rows, org=None):
    job = import_upload(actor=user, kind="archives", file=xlsx_upload(rows), org=org)
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid")
    return job


def _row(n, name, **over):
    row = {
        "序号": n,
        "职工姓名": name,
        "公民身份号码": make_id_number(n=6100 + n, birth=datetime.date(1978, 1, n)),
        "联系电话": "139 0000 12" + f"{n:02d}",
        "户口性质": "农业户口",
        "是否农民工": "是",
        "健康状况": "患大病",
        "家庭人口数": "3人",
        "家庭年可支配收入": "18000",
        "医疗支出": "2000",
        "教育支出": "",
        "主要致困原因": "大病",
        "次要致困原因": "子女就学、无社保",
        "开户行": "农村信用社",
        "银行卡号": "6222 0200 0000 1234",
        "申请日期": "2025/3/1",
        "工会编码": "999001001",
    }
    row.update(over)
    return [row[h] for h in HEADER]


def test_rows_become_applied_archives_through_the_services(users, tree):
    ensure_standard(tree.a1)
    rows = [HEADER, _row(1, "导入甲"), _row(2, "导入乙", 工会编码="", 主要致困原因="意外事故")]
    job = _run(users.township_staff, rows, org=tree.a)
    assert (job.valid_rows, job.error_rows, job.created_count) == (2, 0, 2)
    first = HardshipArchive.objects.get(name="导入甲")
    assert first.source == ApplicationSource.IMPORT and first.status == ArchiveStatus.APPLIED
    assert first.org == tree.a1 and first.applied_on == datetime.date(2025, 3, 1)
    assert first.is_migrant_worker and first.hukou_type == "rural"
    assert first.health_status == "serious" and first.phone == "13900001201"
    assert first.main_cause == "serious_illness"
    assert first.secondary_causes == ["child_schooling", "no_social_insurance"]
    assert first.bank_account == "6222020000001234"
    assert first.category == "deep"  # (18000 − 2000) ÷ 12 ÷ 3 = 444.44 < 800
    assert HardshipArchive.objects.get(name="导入乙").org == tree.a  # the import's target
    step = ArchiveStep.objects.get(archive=first, action="apply")
    assert step.actor == users.township_staff and step.note == "批量导入"


def test_importing_the_same_file_again_changes_nothing(users, tree):
    ensure_standard(tree.a1)
    rows = [HEADER, _row(1, "导入甲"), _row(2, "导入乙")]
    _run(users.township_staff, rows, org=tree.a)
    before = list(HardshipArchive.objects.values_list("id", "version", "category"))
    steps = ArchiveStep.objects.count()
    again = _run(users.township_staff, rows, org=tree.a)
    assert (again.created_count, again.unchanged_count, again.error_rows) == (0, 2, 0)
    assert list(HardshipArchive.objects.values_list("id", "version", "category")) == before
    assert ArchiveStep.objects.count() == steps


def test_bad_rows_get_chinese_messages_and_the_good_ones_are_imported(users, tree):
    ensure_standard(tree.a1)
    elsewhere = build_archive(org=tree.b1)
    rows = [
        HEADER,
        _row(1, "好的一行"),
        _row(2, "坏证号", 公民身份号码="110105194912310022"),
        _row(3, "坏原因", 主要致困原因="赌博"),
        _row(4, "负收入", 家庭年可支配收入="-100"),
        _row(5, "太多原因", 次要致困原因="失业、下岗、无社保、大病"),
        _row(6, "范围外", 工会编码="999002001"),
        _row(7, "乙镇已有", 公民身份号码=elsewhere.id_number),
        _row(8, "零人口", 家庭人口数="0"),
    ]
    job = _run(users.township_staff, rows, org=tree.a)
    assert job.created_count == 1
    assert HardshipArchive.objects.filter(name="好的一行").exists()
    messages = _errors(job)
    assert "校验位" in messages[3] or "身份证" in messages[3]
    assert "“赌博”不是可选的值" in messages[4]
    assert "家庭年收入" in messages[5] and "不能为负数" in messages[5]
    assert "最多填写三项" in messages[6]
    assert "工会编码“999002001”不存在或不在导入范围内" in messages[7]
    assert "一户只能建一份档案" in messages[8] and "乙镇一村工会" not in messages[8]
    assert "不能小于 1" in messages[9]


def test_a_county_without_a_standard_is_reported_per_row(users, tree):
    job = _run(users.township_staff, [HEADER, _row(1, "无标准")], org=tree.a)
    assert job.created_count == 0
    assert "尚未设置 2025-03-01 适用的低保标准" in _errors(job)[2]


def _errors(job) -> dict[int, str]:
    """Row number → its messages joined, from the job's error sheet."""
    import io

    from python_calamine import CalamineWorkbook

    from gonghui.core.imports.services import import_errors_export

    content = import_errors_export(actor=job.user, job=job)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = [str(c) for c in sheet[0]]
    row_col = next(i for i, h in enumerate(header) if "行号" in h)
    reason_col = next(i for i, h in enumerate(header) if "错误" in h)
    return {int(float(r[row_col])): str(r[reason_col]) for r in sheet[1:] if r[row_col] != ""}

"""Social workers imported through the shared pipeline (upload → preview → commit, error
sheet), from a sheet as a township sends it: Chinese headers with their usual variants,
optional columns missing, a merged title row."""

import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditEvent
from gonghui.core.imports.services import import_commit, import_errors_export, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.staffing.models import SocialWorker
from gonghui.staffing.people import services as people_services

pytestmark = pytest.mark.django_db

# No 经费来源, 县级承担比例, 岗级, 档次, 现档次起始日期 or 工会编码 columns.
HEADER = [
    "序号",
    "姓名",
    "服务工会",
    "联系电话",
    "文化程度",
    "社工证",
    "派遣单位",
    "入职时间",
    "合同起始日期",
    "合同结束日期",
    "岗位",
]


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _run(user, rows, org, **options):
    job = import_upload(
        actor=user,
        kind="staffing_workers",
        file=xlsx_upload([HEADER, *rows], title="甲镇社会化工会工作者花名册"),
        org=org,
    )
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid", **options)
    return job


def _errors(job) -> dict[int, str]:
    content = import_errors_export(actor=job.user, job=job)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = [str(c) for c in sheet[0]]
    row_col = next(i for i, h in enumerate(header) if "行号" in h)
    reason_col = next(i for i, h in enumerate(header) if "错误" in h)
    return {int(float(r[row_col])): str(r[reason_col]) for r in sheet[1:] if r[row_col] != ""}


def _rows(tree):
    return [
        ["1", "王芳", "", "139 0000 1111", "大学本科", "助理社工师", "青禾人力公司",
         "2021-03-01", "2024/3/1", "2027年2月28日", "甲镇社工岗"],
        ["2", "李强", tree.a1.name, "", "大专", "无", "青禾人力公司",
         "2022.5.1", "2025-05-01", "2028-04-30", ""],
    ]  # fmt: skip


def test_a_township_sheet_creates_the_workers_with_the_forms_defaults(users, tree):
    post = people_services.post_create(actor=None, org=tree.a, name="甲镇社工岗")
    bad = [
        ["3", "赵六", "", "", "小学", "", "青禾人力公司", "2021-03-01", "2024-03-01", "2027-02-28", ""],
        ["4", "钱七", "", "", "本科", "", "某公司", "2021-03-01", "2024-03-01", "2023-02-28", ""],
        ["5", "孙八", tree.b.name, "", "本科", "", "某公司", "2021-03-01", "2024-03-01", "2027-02-28", ""],
        ["6", "周九", "", "", "本科", "", "某公司", "2021-03-01", "2024-03-01", "2027-02-28", "没有的岗"],
    ]  # fmt: skip
    job = _run(users.township_staff, _rows(tree) + bad, tree.a)
    assert (job.created_count, job.error_rows) == (2, 4)
    wang = SocialWorker.objects.get(name="王芳")
    assert (wang.org, wang.post, wang.phone) == (tree.a, post, "13900001111")
    assert (wang.education, wang.certificates, wang.agency) == (
        "bachelor",
        ["assistant"],
        "青禾人力公司",
    )
    assert (wang.funding_source, wang.county_share, wang.grade, wang.band) == ("shared", 50, 1, 1)
    assert (wang.contract_start, wang.contract_end) == (dt.date(2024, 3, 1), dt.date(2027, 2, 28))
    assert wang.band_since == wang.hired_on == dt.date(2021, 3, 1)
    li = SocialWorker.objects.get(name="李强")
    assert (li.org, li.post, li.phone, li.certificates) == (tree.a1, None, "", [])
    errors = _errors(job)  # the title row is row 1, the header row 2
    assert "“小学”不是可选的值" in errors[5]
    assert "合同到期日期须晚于开始日期" in errors[6]
    assert "不存在或不在导入范围内" in errors[7]
    assert "没有名为“没有的岗”的启用岗位" in errors[8]
    assert not SocialWorker.objects.filter(name__in=["赵六", "钱七", "孙八", "周九"]).exists()
    created = AuditEvent.objects.filter(action="created", object_type="staffing.SocialWorker")
    assert created.count() == 2


def test_a_second_import_changes_nothing_and_a_changed_row_updates(users, tree):
    people_services.post_create(actor=None, org=tree.a, name="甲镇社工岗")
    rows = _rows(tree)
    _run(users.township_staff, rows, tree.a)
    again = _run(users.township_staff, rows, tree.a)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    rows[1][6] = "新派遣公司"
    rows[0][10] = ""  # a blank post keeps the post held
    changed = _run(users.township_staff, rows, tree.a)
    assert (changed.updated_count, changed.unchanged_count) == (1, 1)
    assert SocialWorker.objects.get(name="李强").agency == "新派遣公司"
    assert SocialWorker.objects.get(name="王芳").post is not None
    assert SocialWorker.objects.count() == 2

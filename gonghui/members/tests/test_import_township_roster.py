"""A member roster as a township union keeps it, imported through the real pipeline.

The sheets are written the way a township office's are, not from the import template: a
merged title and a 填报单位 line above the header, the columns 序号, 姓名, 公民身份号码,
性别, 联系电话, 工作单位, 就业形态, 入会时间, 备注 (no 户籍类型), blanks here and there, dates
in four styles, employers named by credit code, with full-width or 【】 brackets, 有限责任公司
for 有限公司, stray spaces, short names and names nobody registered, and a 制表人 footer.
The .xlsx comes from openpyxl (not the app's xlsxwriter), the .csv in GBK as Excel and WPS
save "CSV (逗号分隔)" on a Chinese Windows.
"""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.imports.models import ImportJob, ImportStatus
from gonghui.core.imports.services import import_commit, import_upload
from gonghui.members.models import Member
from gonghui.members.tests.factories import make_id_number
from gonghui.orgs.models import Enterprise

HEADER = [
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "联系电话",
    "工作单位",
    "就业形态",
    "入会时间",
    "备注",
]


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def employers(tree, enterprise_factory):
    """What township A has registered (and one employer of township B, out of its sight)."""
    return {
        "electronics": enterprise_factory(name="青禾(杭州)电子科技有限公司"),
        "machinery": enterprise_factory(name="青禾机械有限公司"),
        "logistics": enterprise_factory(name="青禾物流有限公司"),
        "food": enterprise_factory(name="青禾食品股份有限公司"),
        "textile_b": enterprise_factory(org=tree.b, name="乙镇纺织有限公司"),
    }


def _roster(employers) -> list[list]:
    """The member rows: (序号 … 备注) as the office typed them."""

    def person(male: bool) -> str:
        return make_id_number(male=male)

    def full_width(text: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)

    food_code = employers["food"].credit_code
    return [
        [1, "张伟", person(True), "男", "13800000001", "青禾（杭州）电子科技有限公司", "单位职工", "2019.5.6", ""],
        [2, "王芳", person(False), "女", "", "青禾【杭州】电子科技有限公司", "", "2019/05/06", "党员"],
        [3, "李强", person(True), "", "138 0000 0003", "青禾机械有限责任公司", "单位职工", "2020年1月2日", ""],
        [4, "刘洋", person(True), "男", "13800000004", "青禾 物流 有限公司", "货车司机", datetime.date(2018, 3, 1), ""],
        [5, "陈静", person(False), "女", "", food_code, "单位职工", "2018-03-01", ""],
        [6, "杨帆", person(True), "男", "13800000006", "青禾电子", "单位职工", "", "入会时间待查"],
        [7, "赵敏", person(False), "女", "13800000007", "青禾电子", "", "2021.3.5", ""],
        [8, "黄磊", person(True), "男", "", "某某超市", "灵活就业人员", "2022-07-01", ""],
        [9, "周杰", person(True), "男", "13800000009", "", "外卖骑手", "2023.1.15", "美团"],
        [10, "吴昊", full_width(person(True)), "男", "13800000010", "", "快递员", "", ""],
        [11, "郑丽", person(False), "女", "13800000011", "乙镇纺织有限公司", "单位职工", "2017.9.1", ""],
        [12, "孙悦", person(False), "", "13800000012", "青禾物流有限公司", "保安", "2016.12.30", ""],
        [13, "马超", person(True), "男", "13800000013", "青禾机械有限责任公司", "", "20150801", "调入"],
        [14, "朱琳", person(False), "女", "", "青禾食品股份有限公司", "单位职工", "2014年10月8日", ""],
    ]  # fmt: skip


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "会员花名册"
    sheet.append(["青禾街道总工会会员花名册"])
    sheet.merge_cells("A1:I1")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["填报单位(盖章)：青禾街道总工会　　　　　　　　　　　　填报日期：2024年6月30日"])
    sheet.merge_cells("A2:I2")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
        if isinstance(row[7], datetime.date):
            sheet.cell(row=sheet.max_row, column=8).number_format = "yyyy-mm-dd"
    sheet.append([])
    sheet.append(["制表人：张三　　审核人：李四"])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=9)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("青禾街道会员花名册.xlsx", buffer.getvalue())


def _csv(rows) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["青禾街道总工会会员花名册", *[""] * 8])
    writer.writerow([""] * 9)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([c.isoformat() if isinstance(c, datetime.date) else c for c in row])
    writer.writerow(["合计：14 人", *[""] * 8])
    return SimpleUploadedFile("花名册.csv", text.getvalue().encode("gbk"))


def _ids(rows) -> set[str]:
    from gonghui.members.idnumber import id_number_clean

    return {id_number_clean(row[2]).number for row in rows}


def test_xlsx_roster_upload_preview_commit_with_new_employers_created(
    users, tree, employers, login
):
    """Through the pages: every member row imports; employers are matched by credit code,
    exact and normalised names, and the names that match nothing become 待核实 employers
    of the township (one click), listed in the preview beforehand."""
    rows = _roster(employers)
    client = login(users.township_staff)
    response = client.post(
        reverse("imports:new", args=["members"]), {"file": _xlsx(rows), "org": tree.a.pk}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.header_row, job.total_rows) == (ImportStatus.READY, 3, 14)
    assert (job.valid_rows, job.error_rows) == (14, 0)
    assert sorted(job.unmatched_headers) == ["备注", "序号"]

    preview = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    found = job.findings["employers"]
    assert {name: n for name, n in found["unmatched"]["names"]} == {
        "青禾电子": 2,
        "某某超市": 1,
        "乙镇纺织有限公司": 1,  # township B's: not in this user's sight
    }
    assert sorted(row[:2] for row in found["normalised"]["names"]) == [
        ["青禾 物流 有限公司", 1],
        ["青禾【杭州】电子科技有限公司", 1],
        ["青禾机械有限责任公司", 2],
    ]
    assert job.findings["incomplete"] == {
        "rows": 14,
        "fields": {"户籍类型": 14, "入会日期": 2},
    }
    assert "有 <strong>3</strong> 个工作单位名称没有找到已登记的用人单位(共 4 行)" in preview
    assert "青禾电子(2 行)" in preview
    assert 'name="new_employers" value="create"' in preview
    assert "14 行新会员信息不全" in preview

    response = client.post(
        reverse("imports:commit", args=[job.pk]),
        {"mode": "all_or_nothing", "existing": "update", "new_employers": "create"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rejected_count) == (ImportStatus.DONE, 14, 0)
    assert job.options == {"new_employers": "create"}

    members = {m.name: m for m in Member.objects.select_related("employer")}
    assert {m.id_number for m in members.values()} == _ids(rows)
    linked = {name: m.employer.name if m.employer else "" for name, m in members.items()}
    assert linked == {
        "张伟": "青禾(杭州)电子科技有限公司",
        "王芳": "青禾(杭州)电子科技有限公司",
        "李强": "青禾机械有限公司",
        "马超": "青禾机械有限公司",
        "刘洋": "青禾物流有限公司",
        "孙悦": "青禾物流有限公司",
        "陈静": "青禾食品股份有限公司",
        "朱琳": "青禾食品股份有限公司",
        "杨帆": "青禾电子",
        "赵敏": "青禾电子",
        "黄磊": "某某超市",
        "郑丽": "乙镇纺织有限公司",
        "周杰": "",
        "吴昊": "",
    }
    assert members["杨帆"].employer == members["赵敏"].employer  # one employer per name
    created = Enterprise.objects.filter(verified=False)
    assert sorted(e.name for e in created) == ["乙镇纺织有限公司", "某某超市", "青禾电子"]
    assert {(e.org, e.credit_code) for e in created} == {(tree.a, None)}
    creations = AuditEvent.objects.filter(action=AuditAction.CREATED, detail__unverified=True)
    assert sorted(a.detail["name"] for a in creations) == sorted(e.name for e in created)
    assert {a.detail["import_job"] for a in creations} == {job.pk}

    assert {m.employment_form for m in members.values()} >= {"courier", "food_delivery"}
    assert members["刘洋"].joined_on == datetime.date(2018, 3, 1)
    assert members["马超"].joined_on == datetime.date(2015, 8, 1)
    assert members["杨帆"].joined_on is None and members["吴昊"].joined_on is None
    assert members["杨帆"].to_complete == ["户籍类型", "入会日期"]
    assert members["张伟"].to_complete == ["户籍类型"]

    done = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "已新建 <strong>3</strong> 个“待核实”的用人单位" in done


def test_csv_roster_direct_import_keeps_unregistered_employers_as_text(
    users, tree, employers, login
):
    """Straight to the database (直接导入) from a GBK .csv: every member row imports, the
    unregistered employers stay as text on the members, who are listed as 信息待补全 and
    say on their page what to complete."""
    rows = _roster(employers)
    client = login(users.township_staff)
    response = client.post(
        reverse("imports:new", args=["members"]),
        {"file": _csv(rows), "org": tree.a.pk, "how": "skip_invalid", "new_employers": "text"},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.direct and job.encoding == "GBK/GB18030"
    assert (job.status, job.created_count, job.rejected_count) == (ImportStatus.DONE, 14, 0)
    assert {m.id_number for m in Member.objects.all()} == _ids(rows)
    assert not Enterprise.objects.filter(verified=False).exists()
    kept = dict(Member.objects.filter(employer=None).values_list("name", "employer_name"))
    assert kept == {
        "杨帆": "青禾电子",
        "赵敏": "青禾电子",
        "黄磊": "某某超市",
        "郑丽": "乙镇纺织有限公司",
        "周杰": "",
        "吴昊": "",
    }

    listing = client.get(reverse("members:list"), {"incomplete": "1"}).content.decode()
    assert listing.count("信息待补全</span>") == 14
    complete = client.get(reverse("members:list"), {"incomplete": "0"}).content.decode()
    assert "没有符合条件的会员" in complete

    yang = Member.objects.get(name="杨帆")
    page = client.get(reverse("members:detail", args=[yang.pk])).content.decode()
    assert "信息待补全：</strong>户籍类型、入会日期、工作单位(关联到已登记的用人单位)" in page
    assert "名册上的工作单位为“青禾电子”" in page


def test_the_same_roster_twice_changes_nothing_and_links_names_registered_since(
    users, tree, employers
):
    """Re-importing the roster after the township registered one of the names links those
    members (their text is cleared); nothing else changes."""
    rows = _roster(employers)
    first = import_upload(
        actor=users.township_staff, kind="members", file=_xlsx(rows), direct_mode="skip_invalid"
    )
    assert first.created_count == 14
    from gonghui.testing.fixtures import build_enterprise

    market = build_enterprise(org=tree.a, name="某某超市有限公司")
    job = import_upload(actor=users.township_staff, kind="members", file=_xlsx(rows))
    job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 13)
    huang = Member.objects.get(name="黄磊")
    assert (huang.employer, huang.employer_name) == (market, "")
    assert "工作单位(关联到已登记的用人单位)" not in huang.to_complete

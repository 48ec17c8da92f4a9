"""Collective contracts imported through the shared pipeline, from a sheet as a township
sends it: a title row, its own header words, optional columns left out, bad rows reported."""

import io
from datetime import date as D

import pytest
from python_calamine import CalamineWorkbook

from gonghui.core.imports.reader import ImportFileError
from gonghui.core.imports.services import import_commit, import_errors_export, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.rights.contracts.models import CollectiveContract, ContractStatus
from gonghui.rights.tests import factories

pytestmark = pytest.mark.django_db

# 工会方、企业方、期限开始、职代会日期 left out; synonyms as townships write them.
HEADER = ["单位名称", "合同种类", "职工人数", "签约日期", "合同期限", "代表总数", "到会人数",
          "同意票数", "备案日期"]  # fmt: skip


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path, on_day):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    on_day(D(2026, 12, 7))


def _run(user, rows, org, header=HEADER):
    upload = xlsx_upload([header, *rows], title="甲镇集体合同台账(2026年)")
    job = import_upload(actor=user, kind="rights_contracts", file=upload, org=org)
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid")
    return job


def _errors(job) -> dict[int, str]:
    content = import_errors_export(actor=job.user, job=job)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = [str(c) for c in sheet[0]]
    row_col = next(i for i, h in enumerate(header) if "行号" in h)
    reason_col = next(i for i, h in enumerate(header) if "错误" in h)
    return {int(float(r[row_col])): str(r[reason_col]) for r in sheet[1:] if r[row_col] != ""}


def test_a_township_ledger_imports_its_good_rows_and_reports_every_bad_one(tree, users):
    firm = factories.union_enterprise(parent=tree.a, name="甲镇建工")
    other = factories.union_enterprise(parent=tree.a, name="甲镇物流")
    outside = factories.union_enterprise(parent=tree.b, name="乙镇物流")
    loose = other.name.replace("有限公司", "有限责任公司")  # found by the name's key
    rows = [
        [firm.name, "综合", "120人", "2026-03-02", 3, 60, 50, 45, "2026-03-06"],
        [loose, "工资专项", 80, "2026/4/1", 2, 40, 30, 25, ""],
        [f"{firm.name}；{other.name}", "区域性", 300, "2026年5月6日", 3, 90, 70, 60, ""],
        [firm.name, "女职工专项", 50, "2026-03-02", 3, 60, 30, 30, ""],  # quorum 40
        ["不存在的公司", "综合", 50, "2026-03-02", 3, 60, 50, 45, ""],
        [outside.name, "综合", 50, "2026-03-02", 3, 60, 50, 45, ""],
        [firm.name, "安全生产", 50, "2026-03-02", 5, 60, 50, 45, ""],
        [firm.name, "综合", 50, "2026-06-02", 2, 60, 50, 45, "2026-06-01"],
    ]
    job = _run(users.township_staff, rows, tree.a)
    assert (job.created_count, job.error_rows) == (3, 5)
    errors = _errors(job)  # title in row 1, header in row 2
    assert sorted(errors) == [6, 7, 8, 9, 10]
    assert "三分之二" in errors[6] and "至少 40 人到会" in errors[6]
    assert "未找到用人单位“不存在的公司”" in errors[7]
    assert f"未找到用人单位“{outside.name}”" in errors[8]  # outside the import's subtree
    assert "期限(年)" in errors[9] and "不能大于 3" in errors[9]
    assert "报送日期不能早于签订日期" in errors[10]

    filed = CollectiveContract.objects.get(kind="comprehensive")
    assert (filed.enterprise, filed.org, filed.status) == (firm, firm.union, ContractStatus.FILED)
    assert (filed.start_on, filed.end_on, filed.congress_on) == (
        D(2026, 3, 2),
        D(2029, 3, 1),
        D(2026, 3, 2),
    )
    assert filed.union_party == firm.union.name and filed.employer_party == firm.name
    assert filed.workers_covered == 120
    wage = CollectiveContract.objects.get(kind="wage")
    assert wage.enterprise == other and wage.status == ContractStatus.SIGNED
    regional = CollectiveContract.objects.get(kind="regional")
    assert regional.enterprise is None and regional.org == tree.a
    assert set(regional.coverage.values_list("enterprise", flat=True)) == {firm.pk, other.pk}

    again = _run(users.township_staff, rows[:3], tree.a)
    assert (again.created_count, again.unchanged_count) == (0, 3)
    assert CollectiveContract.objects.count() == 3


def test_a_filing_date_added_later_files_the_contract_once(tree, users):
    firm = factories.union_enterprise(parent=tree.a, name="甲镇建工")
    row = [firm.name, "综合集体合同", 120, "2026-03-02", 3, 60, 50, 45]
    first = _run(users.township_staff, [[*row, ""]], tree.a)
    assert first.created_count == 1
    contract = CollectiveContract.objects.get()
    assert contract.status == ContractStatus.SIGNED
    second = _run(users.township_staff, [[*row, "2026-03-10"]], tree.a)
    assert second.updated_count == 1
    contract.refresh_from_db()
    assert (contract.status, contract.filed_on) == (ContractStatus.FILED, D(2026, 3, 10))
    assert contract.department == "县人力资源和社会保障局"
    third = _run(users.township_staff, [[*row, "2026-03-10"]], tree.a)
    assert (third.updated_count, third.unchanged_count) == (0, 1)


def test_a_sheet_without_the_vote_columns_is_refused_with_their_names(tree, users):
    firm = factories.union_enterprise(parent=tree.a, name="甲镇建工")
    header = ["单位名称", "合同种类", "职工人数", "签约日期", "合同期限"]
    with pytest.raises(ImportFileError) as refused:
        _run(users.township_staff, [[firm.name, "综合", 120, "2026-03-02", 3]], tree.a, header)
    assert "缺少必填列：应到代表人数、实到代表人数、赞成票数" in refused.value.message
    assert not CollectiveContract.objects.exists()

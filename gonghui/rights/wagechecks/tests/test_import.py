"""Findings of wage checks and labour-law inspections imported through the shared pipeline,
from a sheet as a township sends it; each bad row is reported, none lost."""

from datetime import date as D
from decimal import Decimal

import pytest

from gonghui.core.imports.services import import_commit, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.rights.contracts.tests.test_import import _errors
from gonghui.rights.supervision.services import inspection_record, supervisor_appoint
from gonghui.rights.tests import factories
from gonghui.rights.wagechecks.models import FindingStatus, WageFinding

pytestmark = pytest.mark.django_db

HEADER = ["被检查单位", "发现日期", "存在问题", "问题类型", "欠薪金额", "涉及农民工人数",
          "监督检查日期", "整改完成日期", "追回金额"]  # fmt: skip


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path, on_day):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    on_day(D(2026, 12, 7))


def _run(user, rows, org):
    upload = xlsx_upload([HEADER, *rows], title="甲镇工资支付检查问题清单")
    job = import_upload(actor=user, kind="rights_findings", file=upload, org=org)
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid")
    return job


def test_a_township_list_of_findings_imports_links_and_resolves(tree, users):
    firm = factories.union_enterprise(parent=tree.a, name="甲镇建工")
    other = factories.union_enterprise(parent=tree.a, name="甲镇物流")
    supervisor = supervisor_appoint(
        actor=None, org=tree.a, name="监督员甲", appointed_on=D(2025, 1, 1)
    )
    inspection = inspection_record(
        actor=None,
        enterprise=firm,
        supervisors=[supervisor],
        inspected_on=D(2026, 9, 1),
        subject="工资支付情况",
        result="issues",
    )
    rows = [
        [firm.name, "2026-09-01", "拖欠 12 名农民工 8 月工资", "按时足额支付工资", "1.2万",
         "12人", "2026-09-01", "", ""],
        [other.name.replace("有限公司", "有限责任公司"), "2026-09-03", "未设工资专用账户",
         "wage_account", "", "", "", "2026-10-08", "5000元"],
        [firm.name, "2026-09-02", "加班费未发", "加班费", "100", 3, "", "", ""],
        [firm.name, "2026-09-02", "未签劳动合同", "", "", 2, "2026-08-01", "", ""],
        [firm.name, "2026-09-02", "拖欠工资", "", "很多", 2, "", "", ""],
        ["不存在的公司", "2026-09-02", "拖欠工资", "", "100", 2, "", "", ""],
        [firm.name, "2026-12-31", "拖欠工资", "", "100", 2, "", "", ""],
        [firm.name, "2026-09-05", "拖欠工资", "", "100", 2, "", "", "300"],
    ]  # fmt: skip
    job = _run(users.township_staff, rows, tree.a)
    assert (job.created_count, job.error_rows) == (2, 6)
    errors = _errors(job)  # title in row 1, header in row 2
    assert sorted(errors) == [5, 6, 7, 8, 9, 10]
    assert "问题类别“加班费”不是本县的检查事项" in errors[5] and "依法支付加班工资" in errors[5]
    assert "未找到该单位 2026-08-01 的监督检查" in errors[6]
    assert "拖欠金额(元)" in errors[7] and "应为金额" in errors[7]
    assert "未找到用人单位“不存在的公司”" in errors[8]
    assert "发现日期不能晚于今天" in errors[9]
    assert "请填写整改日期" in errors[10]

    linked = WageFinding.objects.get(enterprise=firm)
    assert (linked.inspection, linked.item_code, linked.amount_owed, linked.workers_affected) == (
        inspection,
        "on_time",
        Decimal("12000.00"),
        12,
    )
    assert linked.status == FindingStatus.OPEN and linked.org == firm.org
    resolved = WageFinding.objects.get(enterprise=other)
    assert (resolved.status, resolved.resolved_on, resolved.amount_recovered) == (
        FindingStatus.RESOLVED,
        D(2026, 10, 8),
        Decimal("5000.00"),
    )
    assert resolved.item_code == "wage_account"

    again = _run(users.township_staff, rows[:2], tree.a)
    assert (again.created_count, again.unchanged_count) == (0, 2)
    assert WageFinding.objects.count() == 2

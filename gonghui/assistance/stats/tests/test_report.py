"""The standard report .xlsx: one workbook, one sheet per measure (archives by org, category
and cause; 增量/存量/返困; 城镇/农民工; aid by programme and org; alerts), Chinese headers, a
title row naming the county and the year; built through the shared export helper (formulas
neutralised, audited)."""

import io
from decimal import Decimal

import openpyxl
import pytest

from gonghui.assistance.archives import services
from gonghui.assistance.archives.tests.factories import RELAPSED_ON, archive_in
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import Alert
from gonghui.assistance.monitoring import services as monitoring
from gonghui.assistance.monitoring.tests.factories import figures, run
from gonghui.assistance.programmes import services as grants
from gonghui.assistance.programmes.tests.factories import approved, archived, programme_in
from gonghui.assistance.standards.selectors import today
from gonghui.audit.models import AuditEvent
from gonghui.core.export import Sheet, SheetTable, export_workbook_sheets

pytestmark = pytest.mark.django_db
SHEETS = [
    "各组织统计",
    "困难类别与致困原因",
    "增量存量返困",
    "城镇职工与农民工",
    "帮扶资金",
    "监测预警",
]


@pytest.fixture
def households(tree):
    # given households in both townships (as in test_stats), one of them relapsed in 2025
    archive_in(ArchiveStatus.ARCHIVED, org=tree.a1, name="在档户")
    archive_in(
        ArchiveStatus.APPLIED, org=tree.a1, name="申请户", is_migrant_worker=True,
        main_cause="accident", secondary_causes=["serious_illness"],
    )  # fmt: skip
    archive_in(ArchiveStatus.EXITED, org=tree.b1, name="脱困户")
    relapsed = archive_in(ArchiveStatus.WATCHED, org=tree.b1, name="返困户")
    services.archive_relapse(actor=None, archive=relapsed, on=RELAPSED_ON, annual_income="12000")


@pytest.fixture
def aid_and_alerts(tree):
    # given this year's aid: the county's 送温暖 paid two households 1,000 each (its default
    # rule), one at A1 and one at B1
    warmth = programme_in(tree.county, name="县总送温暖")
    for org in (tree.a1, tree.b1):
        (grant,) = approved(warmth, archived(org, name=f"受助户{org.code}"))
        grants.grant_disburse(actor=None, grant=grant, method="bank")
    # and two 2026 schooling-cost alerts at A1 (one closed)
    for n in range(2):
        figures(archived(tree.a1, name=f"学费户{n}"), schooling_expense=Decimal("15000"))
    run()
    first = Alert.objects.filter(rule_code="schooling_cost").order_by("id").first()
    monitoring.alert_close(actor=None, alert=first, outcome="helped", reason="已帮扶")


def _workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> list[list]:
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def _row(sheet, first: str) -> list:
    return next(r for r in _rows(sheet) if r and r[0] == first)


def test_the_report_has_one_sheet_per_measure_with_county_and_year(login, users, households):
    book = _workbook(login(users.county_staff).get("/assistance/stats/export/?year=2025"))
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet["A1"].value.startswith("测试县总工会"), sheet.title
        assert sheet["A1"].value.endswith("(2025年)"), sheet.title
    assert book["各组织统计"]["A1"].value == "测试县总工会困难职工帮扶统计表(2025年)"
    # archives by org: headers in Chinese, the townships and the total with the computed figures
    by_org = book["各组织统计"]
    assert _rows(by_org)[1][:4] == ["组织", "帮扶中(户)", "深度困难", "相对困难"]
    assert _row(by_org, "甲镇总工会")[1] == 2 and _row(by_org, "乙镇总工会")[1] == 1
    assert _row(by_org, "合计")[1] == 3


def test_category_cause_flow_and_group_figures(login, users, households):
    book = _workbook(login(users.county_staff).get("/assistance/stats/export/?year=2025"))
    categories = book["困难类别与致困原因"]
    assert _row(categories, "深度困难") == ["深度困难", 3]
    assert _row(categories, "合计") == ["合计", 3]
    assert _row(categories, "大病") == ["大病", 2, 3]
    assert _row(categories, "意外事故") == ["意外事故", 1, 1]
    flows = book["增量存量返困"]
    assert _row(flows, "2025年增量")[:2] == ["2025年增量", 3]
    assert _row(flows, "2025年返困")[:2] == ["2025年返困", 1]
    assert _row(flows, "乙镇总工会") == ["乙镇总工会", 2, 0, 1]  # exited and relapsed filed in 2025
    groups = book["城镇职工与农民工"]
    assert _row(groups, "城镇职工") == ["城镇职工", 2, 2, 0, 0]
    assert _row(groups, "农民工") == ["农民工", 1, 1, 0, 0]
    assert _row(groups, "合计") == ["合计", 3, 3, 0, 0]


def test_aid_and_alert_sheets_carry_the_pages_tables(login, users, aid_and_alerts):
    client = login(users.county_staff)
    # aid is counted in the year it was paid (today); the alerts were opened in 2026
    book = _workbook(client.get(f"/assistance/stats/export/?year={today().year}"))
    aid = book["帮扶资金"]
    assert ["帮扶资金发放"] in _rows(aid) and ["按帮扶项目"] in _rows(aid)
    paid = _rows(aid)[_rows(aid).index(["发放金额(元)", "发放笔数", "受助户数"]) + 1]
    assert paid == [2000, 2, 2]  # amounts are numbers, not text
    assert _row(aid, "县总送温暖") == ["县总送温暖", "送温暖", "测试县总工会", 2000, 2]
    assert _row(aid, "甲镇一村工会") == ["甲镇一村工会", 1000, 1]
    alerts = _workbook(client.get("/assistance/stats/export/?year=2026"))["监测预警"]
    assert ["预警发出与办结"] in _rows(alerts) and ["按预警规则"] in _rows(alerts)
    # 预警数, 按期办结, 逾期办结, 未办结, 已逾期: one closed (after its deadline), one overdue
    assert _row(alerts, "大额教育支出预警")[1:] == [2, 0, 1, 1, 1]


def test_a_township_report_names_county_and_township_and_stays_in_scope(
    login, users, aid_and_alerts
):
    book = _workbook(
        login(users.township_staff).get(f"/assistance/stats/export/?year={today().year}")
    )
    title = f"测试县总工会·甲镇总工会困难职工帮扶统计表({today().year}年)"
    assert book["各组织统计"]["A1"].value == title
    text = "\n".join(str(r) for sheet in book.worksheets for r in _rows(sheet))
    assert "乙镇" not in text
    assert _row(book["帮扶资金"], "甲镇一村工会") == ["甲镇一村工会", 1000, 1]


def test_the_export_is_audited_once_with_its_sheets(login, users, households):
    login(users.county_staff).get("/assistance/stats/export/?year=2025")
    event = AuditEvent.objects.get(action="exported")
    assert event.detail["what"] == "archive_stats"
    assert event.detail["sheets"] == SHEETS
    assert event.detail["filters"] == {"year": 2025} and event.detail["masked"] is True


def test_the_sheets_helper_neutralises_formulas_and_fixes_sheet_names(users):
    # given text that a spreadsheet would evaluate and sheet names Excel refuses
    sheets = [
        Sheet("a/b:c", [SheetTable(["=名称"], [["=1+1"], ["@SUM(A1)"], [Decimal("2.50")]])]),
        Sheet("A/B:C", [SheetTable(["x"], [[1]], caption="-说明")], title="+标题"),
    ]
    # when exported
    content = export_workbook_sheets(actor=users.county_staff, what="t", sheets=sheets)
    book = openpyxl.load_workbook(io.BytesIO(content))
    # then names are made valid and unique, formulas stay text, decimals are numbers
    assert book.sheetnames == ["a_b_c", "A_B_C(2)"]
    first = _rows(book["a_b_c"])
    assert first == [["'=名称"], ["'=1+1"], ["'@SUM(A1)"], [2.5]]
    assert _rows(book["A_B_C(2)"]) == [["'+标题"], ["'-说明"], ["x"], [1]]
    assert AuditEvent.objects.get(action="exported").detail["rows"] == 4

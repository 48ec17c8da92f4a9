"""The annual statistical return: pre-filled from the registry at the 09-30 cut-off, items no
measure counts entered by hand, logic checks (each broken once), frozen once submitted."""

import datetime as dt

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core import metrics
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.dashboard.models import AnnualReturn, ReturnStatus
from gonghui.dashboard.returns.items import CHECKS, GRASSROOTS, ITEMS, run_checks
from gonghui.dashboard.returns.selectors import grassroots_status, return_rows
from gonghui.dashboard.returns.services import (
    return_create,
    return_manual_set,
    return_refresh,
    return_submit,
    returns_issue,
)
from gonghui.members.tests.factories import build_member, make_id_number
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db


def test_prefilled_as_of_the_09_30_cut_off(tree):
    build_member(org=tree.a1, joined_on=dt.date(2025, 10, 1))  # first day of the year: new
    build_member(org=tree.a1, joined_on=dt.date(2026, 9, 30))  # last day: new
    build_member(org=tree.b1, joined_on=dt.date(2025, 9, 30))  # the year before: member only
    build_member(org=tree.b1, joined_on=dt.date(2026, 10, 1))  # after the cut-off: neither
    annual = return_create(actor=None, org=tree.county, year=2026)
    assert annual.values["M1"] == 3
    assert annual.values["M5"] == 2
    assert annual.sources["M1"] == "measure"
    assert annual.sources["W1"] == "manual"
    # Items whose measure is not registered (yet) are left for entry by hand.
    registered = {m.code for m in metrics.measures()}
    for item in ITEMS:
        if item.measure and item.measure not in registered:
            assert (annual.sources[item.code], annual.values[item.code]) == ("pending", None)
        elif item.measure:
            assert annual.sources[item.code] == "measure"


def test_each_logic_check_fails_once_on_values_made_to_break_it():
    base = {"M1": 10, "M2": 5, "M3": 5, "M4": 5, "M5": 5, "U2": 8, "U3": 10, "W1": 8,
            "U4": 8, "U1": 4, "U6": 1, "U7": 1, "U8": 1, "U9": 1, "U5": 20}  # fmt: skip
    assert run_checks(base) == []
    breaks = {"K1": {"M2": 11}, "K2": {"M3": 11}, "K3": {"M4": 11}, "K4": {"M5": 11},
              "K5": {"U2": 11, "W1": 0, "U4": 0}, "K6": {"W1": 9}, "K7": {"U4": 9},
              "K8": {"U9": 2}, "K9": {"U5": 5}}  # fmt: skip
    assert set(breaks) == {c.code for c in CHECKS}
    for code, change in breaks.items():
        failures = run_checks({**base, **change})
        assert [f.check.code for f in failures] == [code], code
    message = run_checks({**base, "W1": 9})[0].message
    assert (
        message
        == "建立职代会制度的单位数不应超过已建立工会的单位数：建立职代会制度的单位数 9 > 已建立工会的单位数 8。"
    )
    assert run_checks({**base, "U9": 0})[0].message == (  # the kinds must add up, not exceed
        "各类基层工会之和应等于基层工会组织数：企业工会+机关事业单位工会+村(社区)工会+"
        "联合基层工会 3 ≠ 基层工会组织数 4。"
    )
    assert run_checks({**base, "U5": 8})[0].message == (
        "会员人数占已建会单位职工人数的比例应在 0% 到 100% 之间：会员人数 10 ÷ "
        "已建会单位职工人数 8 = 125.0%。"
    )
    assert run_checks({**base, "U5": 0}) == []  # nothing to divide by: not checked


def test_a_failed_check_links_to_the_records_behind_each_of_its_items(tree, users, login):
    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    annual = return_create(actor=None, org=tree.a, year=2026)
    annual = return_manual_set(actor=None, annual=annual, entries={"W1": 3})  # U2 is 0
    page = login(users.township_staff).get(f"/dashboard/returns/{annual.pk}/").content.decode()
    failure = page[
        page.index('data-check="K6"') : page.index("</li>", page.index('data-check="K6"'))
    ]
    assert 'href="#item-W1"' in failure  # typed in on this return: its row
    # U2's records: the return's org's employers with a union
    assert f'href="/orgs/enterprises/?org={tree.a.pk}&amp;status=active&amp;has_union=1"' in failure
    assert 'id="item-W1"' in page
    # A measured value links to the records it counts.
    assert f'href="/members/?org={tree.a.pk}&amp;status=active"' in page


def test_manual_entry_refuses_measured_items_and_bad_numbers_writing_nothing(tree):
    annual = return_create(actor=None, org=tree.county, year=2026)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as info:
        return_manual_set(actor=None, annual=annual, entries={"M1": 5, "S1": "-1", "S2": "1.5"})
    assert info.value.fields == {
        "M1": ["“会员人数”由统计指标取数，不能手工填写。"],
        "S1": ["“工会专职工作人员”不能为负数。"],
        "S2": ["“工会兼职工作人员”应为整数。"],
    }
    annual.refresh_from_db()
    assert annual.values["S1"] is None
    assert AuditEvent.objects.count() == events


def test_submit_needs_every_item_and_passing_checks_then_freezes(tree):
    annual = return_create(actor=None, org=tree.county, year=2026)
    with pytest.raises(ValidationFailed) as info:
        return_submit(actor=None, annual=annual)
    open_items = [c for c, v in annual.values.items() if v is None]
    assert info.value.fields["__all__"][0].startswith(f"尚有 {len(open_items)} 项未填写")
    entries = {c: 0 for c, s in annual.sources.items() if s != "measure"}
    annual = return_manual_set(actor=None, annual=annual, entries={**entries, "W1": 3})
    with pytest.raises(ValidationFailed, match="建立职代会制度的单位数 3 > 已建立工会的单位数 0"):
        return_submit(actor=None, annual=annual)  # W1 3 > U2 0
    annual = return_manual_set(actor=None, annual=annual, entries={"W1": 0})
    annual = return_submit(actor=None, annual=annual)
    assert annual.status == ReturnStatus.SUBMITTED
    frozen = dict(annual.values)
    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationFailed) as info:
        return_manual_set(actor=None, annual=annual, entries={"S1": 5})
    assert info.value.fields["__all__"] == ["该年报已上报，数据已冻结，不能修改。"]
    annual.refresh_from_db()
    assert annual.values == frozen


def test_scope_and_duplicates(tree, users):
    with pytest.raises(NotFound):
        return_create(actor=users.township_staff, org=tree.b, year=2026)
    return_create(actor=users.township_staff, org=tree.a, year=2026)
    with pytest.raises(ValidationFailed) as info:
        return_create(actor=None, org=tree.a, year=2026)
    assert info.value.fields == {"year": ["甲镇总工会已有 2026 年度的统计年报。"]}
    assert AnnualReturn.objects.count() == 1


def test_union_kinds_ownership_and_women_are_counted_as_of_the_cut_off(tree):
    build_member(org=tree.a1, joined_on=dt.date(2026, 9, 30), id_number=make_id_number(male=False))
    build_member(org=tree.ae, joined_on=dt.date(2026, 10, 1), id_number=make_id_number(male=False))
    build_member(org=tree.b1, joined_on=dt.date(2025, 10, 1))
    build_enterprise(org=tree.ae, has_union=True, union=tree.ae, economic_type="private",
                     employee_count=40)  # fmt: skip
    build_enterprise(org=tree.b1, has_union=True, union=tree.b1, economic_type="state",
                     employee_count=25)  # fmt: skip
    build_enterprise(org=tree.b1, economic_type="private", employee_count=7)
    annual = return_create(actor=None, org=tree.county, year=2026)
    v = annual.values
    assert (v["M1"], v["M2"]) == (2, 1)  # the woman who joined on 10-01 is next year's
    assert (v["U1"], v["U6"], v["U7"], v["U8"], v["U9"]) == (3, 1, 0, 2, 0)
    assert (v["U2"], v["U3"], v["U4"], v["U5"]) == (2, 3, 1, 65)
    assert run_checks(v) == []


def test_a_grassroots_union_reports_the_grassroots_table_only(tree):
    annual = return_create(actor=None, org=tree.a1, year=2026)
    assert set(annual.values) == {i.code for i in ITEMS if i.form == GRASSROOTS}
    rows = {r.item.code: r for r in return_rows(annual)}
    assert rows["W1"].to_fill and rows["W1"].who == "本级工会填报"
    county = return_create(actor=None, org=tree.county, year=2026)
    rows = {r.item.code: r for r in return_rows(county)}
    assert rows["W1"].who.startswith("各基层工会在基层工会调查表中填报")
    assert rows["S1"].who == "本级工会填报"
    assert not rows["M1"].to_fill and rows["M1"].who == ""


def _fill_and_submit(annual, w1):
    open_items = {c: 0 for c, s in annual.sources.items() if s in ("manual", "pending")}
    annual = return_manual_set(actor=None, annual=annual, entries={**open_items, "W1": w1})
    return return_submit(actor=None, annual=annual)


def test_the_missing_report_list_issue_and_the_grassroots_sum(
    tree, users, django_assert_num_queries
):
    build_enterprise(org=tree.ae, has_union=True, union=tree.ae, employee_count=10)
    county = return_create(actor=None, org=tree.county, year=2026)
    _fill_and_submit(return_create(actor=None, org=tree.a1, year=2026), 0)
    status = grassroots_status(county)
    assert (status.total, status.submitted, status.draft, status.none) == (3, 1, 0, 2)
    assert [(r.org, r.state) for r in status.rows] == [(tree.ae, "none"), (tree.b1, "none")]
    # Issued: a pre-filled draft for each union without one, in the township's scope only.
    with pytest.raises(NotFound):
        returns_issue(actor=users.township_staff, annual=county)
    assert returns_issue(actor=None, annual=county) == 2
    assert returns_issue(actor=None, annual=county) == 0
    ae = AnnualReturn.objects.get(org=tree.ae, year=2026)
    assert (ae.values["U2"], ae.sources["U2"], ae.values["W1"]) == (1, "measure", None)
    return_manual_set(actor=None, annual=ae, entries={"W1": 2})  # 2 > U2 1: K6 fails
    with django_assert_num_queries(2):
        status = grassroots_status(county)
    assert (status.submitted, status.draft, status.none, status.missing) == (1, 2, 0, 2)
    rows = {r.org.pk: r for r in status.rows}
    assert [f.check.code for f in rows[tree.ae.pk].failures] == ["K6"]
    assert rows[tree.ae.pk].missing == []
    assert [i.code for i in rows[tree.b1.pk].missing] == ["W1"]
    assert len(grassroots_status(county, show="all").rows) == 3
    # Submitted tables sum into the county's grassroots items, which no one types in.
    ae = return_manual_set(actor=None, annual=ae, entries={"W1": 1})
    _fill_and_submit(ae, 1)
    county = return_refresh(actor=None, annual=county)
    assert (county.values["W1"], county.sources["W1"]) == (1, "grassroots")
    with pytest.raises(ValidationFailed) as info:
        return_manual_set(actor=None, annual=county, entries={"W1": 5})
    assert info.value.fields == {
        "W1": ["“建立职代会制度的单位数”由各基层工会上报的调查表汇总，不能手工填写。"]
    }


def test_missing_list_page_and_export(tree, users, login):
    county = return_create(actor=None, org=tree.county, year=2026)
    returns_issue(actor=None, annual=county)
    _fill_and_submit(AnnualReturn.objects.get(org=tree.a1, year=2026), 0)
    client = login(users.county_staff)
    page = client.get(f"/dashboard/returns/{county.pk}/grassroots/").content.decode()
    assert tree.ae.name in page and tree.b1.name in page and tree.a1.name not in page
    assert 'data-missing="2"' in page
    detail = client.get(f"/dashboard/returns/{county.pk}/").content.decode()
    assert "缺报 2 个" in detail
    response = client.get(f"/dashboard/returns/{county.pk}/grassroots/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_export_is_laid_out_as_the_paper_forms_and_audited(tree, users, login):
    import io

    from python_calamine import CalamineWorkbook

    build_member(org=tree.a1, joined_on=dt.date(2026, 1, 1))
    annual = return_create(actor=None, org=tree.county, year=2026)
    annual = return_manual_set(actor=None, annual=annual, entries={"S1": 3, "W1": 2})
    events = AuditEvent.objects.filter(action="exported").count()
    response = login(users.county_staff).get(f"/dashboard/returns/{annual.pk}/export/")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["基层工会调查表", "基层以上工会调查表", "审核结果"]
    sheet = book.get_sheet_by_name("基层工会调查表").to_python()
    assert sheet[0][0] == "2026 年基层工会调查表"
    assert sheet[1][0].startswith("统计时点：2026 年 09 月 30 日")
    assert sheet[2][0] == f"填报单位(盖章)：{tree.county.name}"
    assert sheet[4] == ["指标名称", "代码", "计量单位", "数量", "取数来源"]
    by_code = {row[1]: row for row in sheet[6:] if row[1]}
    assert by_code["M1"][3] == 1 and by_code["M1"][4] == "统计指标取数：在册会员"
    assert by_code["W1"][3] == 2
    assert by_code["U6"][0] == "其中：企业工会"
    above = {row[1]: row for row in book.get_sheet_by_name("基层以上工会调查表").to_python()}
    assert above["S1"][3] == 3 and above["S2"][3] == ""  # not filled yet: left blank
    checks = book.get_sheet_by_name("审核结果").to_python()
    assert checks[1][0] == "K6"  # W1 2 > U2 0
    assert AuditEvent.objects.filter(action="exported").count() == events + 1

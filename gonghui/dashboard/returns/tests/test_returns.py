"""The annual statistical return: pre-filled from the registry at the 09-30 cut-off, items no
measure counts entered by hand, logic checks (each broken once), frozen once submitted."""

import datetime as dt

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core import metrics
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.dashboard.models import AnnualReturn, ReturnStatus
from gonghui.dashboard.returns.items import CHECKS, ITEMS, run_checks
from gonghui.dashboard.returns.services import return_create, return_manual_set, return_submit
from gonghui.members.tests.factories import build_member

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
    base = {"M1": 10, "M2": 5, "M3": 5, "M4": 5, "M5": 5, "U2": 8, "U3": 10, "W1": 8}
    assert run_checks(base) == []
    breaks = {"K1": {"M2": 11}, "K2": {"M3": 11}, "K3": {"M4": 11}, "K4": {"M5": 11},
              "K5": {"U2": 11, "W1": 0}, "K6": {"W1": 9}}  # fmt: skip
    assert set(breaks) == {c.code for c in CHECKS}
    for code, change in breaks.items():
        failures = run_checks({**base, **change})
        assert [f.check.code for f in failures] == [code], code
    message = run_checks({**base, "W1": 9})[0].message
    assert (
        message
        == "建立职代会制度的单位数不应超过已建立工会的单位数：建立职代会制度的单位数 9 > 已建立工会的单位数 8。"
    )


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

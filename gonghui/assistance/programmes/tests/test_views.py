"""Programme, grant and visit pages (plain GET/POST, no browser)."""

import datetime
from decimal import Decimal

import pytest

from gonghui.assistance.models import Grant, Programme, Visit
from gonghui.assistance.programmes.tests.factories import approved, archived, programme_in, proposed

pytestmark = pytest.mark.django_db


def test_programme_pages_show_rules_in_chinese(tree, users, login):
    programme = programme_in(tree.county, kind="schooling", name="金秋助学测试")
    client = login(users.county_staff)
    listing = client.get("/assistance/programmes/").content.decode()
    assert "金秋助学测试" in listing
    detail = client.get(f"/assistance/programmes/{programme.pk}/").content.decode()
    assert "家庭成员在校就读" in detail
    assert "按就学阶段每名学生：小学 500.00 元" in detail
    assert "全部或全部不" not in detail  # no pending grants yet


def test_create_a_programme_with_the_default_rule(tree, users, login):
    client = login(users.county_staff)
    response = client.post(
        "/assistance/programmes/new/",
        {
            "org": tree.county.pk,
            "kind": "medical",
            "name": "大病医疗救助",
            "year": datetime.date.today().year,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "budget": "50000",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="大病医疗救助")
    assert programme.rules.get().amount == {
        "type": "share_with_cap",
        "share": "0.50",
        "cap": "10000.00",
    }


def test_create_reports_the_programme_and_its_custom_rule_in_one_round(tree, users, login):
    """Both forms are validated together, and the service's checks (budget, rule) join the
    form's own (the name) on the first submit."""
    response = login(users.county_staff).post(
        "/assistance/programmes/new/",
        {
            "org": tree.county.pk,
            "kind": "warmth",
            "name": "",
            "year": datetime.date.today().year,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "budget": "-5",
            "custom_rule": "on",
            "rule-requires": "none",
            "rule-amount_type": "fixed",
            "rule-fixed_amount": "-1",
        },
    )
    page = response.content.decode()
    assert "请填写项目名称。" in page
    assert "预算金额应为不小于 0 的金额数字。" in page
    assert "请至少选择一个困难类别。" in page
    assert not Programme.objects.filter(year=datetime.date.today().year, name="").exists()


def test_propose_from_the_eligible_page_then_approve_in_batch(tree, users, login):
    households = [archived(tree.a1) for _ in range(2)]
    programme = programme_in(tree.county)
    client = login(users.county_staff)
    page = client.get(f"/assistance/programmes/{programme.pk}/eligible/").content.decode()
    assert households[0].name in page and "困难类别为深度困难" in page
    response = client.post(
        f"/assistance/programmes/{programme.pk}/eligible/",
        {"pick": [f"{h.pk}:household" for h in households]},
    )
    assert response.status_code == 302
    ids = list(Grant.objects.values_list("pk", flat=True))
    assert len(ids) == 2
    detail = client.get(f"/assistance/programmes/{programme.pk}/").content.decode()
    assert "全部或全部不" in detail
    client.post(f"/assistance/programmes/{programme.pk}/approve/", {"grant": ids})
    assert set(Grant.objects.values_list("status", flat=True)) == {"approved"}


def test_refused_batch_shows_why(tree, users, login):
    households = [archived(tree.a1) for _ in range(2)]
    programme = programme_in(tree.county, budget="1000")
    ids = [proposed(programme, h)[0].pk for h in households]
    client = login(users.county_staff)
    response = client.post(
        f"/assistance/programmes/{programme.pk}/approve/", {"grant": ids}, follow=True
    )
    assert "预算不足，本批审批未执行" in response.content.decode()
    assert set(Grant.objects.values_list("status", flat=True)) == {"proposed"}


def test_disburse_and_see_it_in_the_archives_aid_history(tree, users, login):
    household = archived(tree.a1)
    programme = programme_in(tree.county, name="县总送温暖")
    (grant,) = approved(programme, household)
    client = login(users.county_staff)
    page = client.get(f"/assistance/grants/{grant.pk}/").content.decode()
    assert "**** " + household.bank_account[-4:] in page
    assert household.bank_account not in page
    client.post(f"/assistance/grants/{grant.pk}/disburse/", {"method": "bank"})
    grant.refresh_from_db()
    assert grant.status == "disbursed"
    detail = client.get(f"/assistance/{household.pk}/").content.decode()
    assert "帮扶发放记录" in detail and "县总送温暖" in detail and "已发放" in detail
    assert "已发放合计 1000" in detail


def test_cancel_needs_a_reason(tree, users, login):
    household = archived(tree.a1)
    (grant,) = proposed(programme_in(tree.county), household)
    client = login(users.township_staff)
    client.post(f"/assistance/grants/{grant.pk}/cancel/", {"reason": ""})
    assert Grant.objects.get(pk=grant.pk).status == "proposed"
    client.post(f"/assistance/grants/{grant.pk}/cancel/", {"reason": "家庭已迁出"})
    assert Grant.objects.get(pk=grant.pk).status == "cancelled"


def test_budget_allocation_page_action(tree, users, login):
    programme = programme_in(tree.county, budget="5000")
    client = login(users.county_staff)
    client.post(
        f"/assistance/programmes/{programme.pk}/budget/", {"org": tree.a.pk, "amount": "2000"}
    )
    assert programme.budgets.get(org=tree.a).amount == Decimal("2000")


def test_record_a_visit_and_see_due_lists(tree, users, login):
    household = archived(tree.a1)
    client = login(users.township_staff)
    due = client.get("/assistance/visits/?quarter=2026Q1").content.decode()
    assert household.name in due and "逾期" in due
    response = client.post(
        f"/assistance/visits/new/{household.pk}/",
        {"visited_on": "2026-03-15", "findings": "孩子已复学", "visitor_names": "李四"},
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert list(visit.visitors.all()) == [users.township_staff]
    assert (
        household.name
        not in client.get("/assistance/visits/?quarter=2026Q1")
        .content.decode()
        .split('id="done"')[0]
    )
    detail = client.get(f"/assistance/{household.pk}/").content.decode()
    assert "孩子已复学" in detail


def test_a_visit_form_reports_every_error_in_one_round(tree, users, login):
    """No findings (the form's check) and a negative income (the service's) at once."""
    household = archived(tree.a1)
    response = login(users.township_staff).post(
        f"/assistance/visits/new/{household.pk}/",
        {"visited_on": "2026-03-15", "findings": "", "annual_income": "-5"},
    )
    page = response.content.decode()
    assert "请填写走访情况。" in page
    assert "不能为负数" in page.split('id="id_annual_income_errors"')[1][:200]
    assert not Visit.objects.exists()


def test_programme_of_another_township_is_not_found(tree, users, login):
    programme = programme_in(tree.b)
    client = login(users.township_staff)
    assert client.get(f"/assistance/programmes/{programme.pk}/").status_code == 404

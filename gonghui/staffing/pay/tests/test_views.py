"""The rules and pay-table settings page and the pay sheet's export."""

import datetime as dt

import pytest

from gonghui.staffing.models import PayGrade, StaffingScheme
from gonghui.staffing.pay import services as pay_services
from gonghui.staffing.pay.tests.matrix import _scheme_form
from gonghui.staffing.tests.factories import build_worker

pytestmark = pytest.mark.django_db


def test_a_county_admin_saves_the_rules_and_the_pay_table(tree, users, login):
    client = login(users.county_admin)
    data = _scheme_form(tree.county) | {"weight_workers": "40", "targets": "members.nope 10 100"}
    response = client.post(f"/staffing/settings/{tree.county.pk}/", data)
    # Weights summing to 110% and a measure not in the registry: both refused at once with
    # their reasons, nothing stored.
    assert response.status_code == 422
    page = response.content.decode()
    assert "各类评议人的权重合计须为 100%，现为 110%。" in page
    assert "实绩指标“members.nope”不是已登记的统计指标" in page
    assert not StaffingScheme.objects.exists()
    # Note: county_admin sits at the county in the `users` fixture.
    response = client.post(f"/staffing/settings/{tree.county.pk}/", _scheme_form(tree.county))
    assert response.status_code == 302
    assert StaffingScheme.objects.get().targets == [
        {"measure": "members.joined", "target": 10, "weight": 100}
    ]
    response = client.post(
        f"/staffing/settings/{tree.county.pk}/pay-grades/",
        {"grade": "2", "band": "3", "monthly_pay": "5200"},
    )
    assert response.status_code == 302
    assert PayGrade.objects.get().monthly_pay == 5200


def test_pay_sheet_export_is_a_spreadsheet(tree, users, login):
    pay_services.pay_grade_set(actor=None, county=tree.county, grade=1, band=1, monthly_pay=4000)
    build_worker(org=tree.a, name="工资社工", hired_on=dt.date(2020, 1, 1))
    response = login(users.county_admin).get("/staffing/pay/export/?month=2026-06")
    assert response.status_code == 200
    from gonghui.core.testing.matrix import xlsx_text

    text = xlsx_text(response)
    assert "工资社工" in text and "4000" in text

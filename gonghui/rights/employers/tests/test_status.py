"""The contract other modules call: employer_rights_status(ids) → {id: RightsStatus}, set-based
(fixed query count), no user scope; the risk flag and its explanation; the rights file page
computes the same flag."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.rights.employers.selectors import employer_file
from gonghui.rights.legalaid.services import case_decide
from gonghui.rights.selectors import RightsStatus, employer_rights_status
from gonghui.rights.tests import factories
from gonghui.rights.wagechecks.models import NoticeStep
from gonghui.rights.wagechecks.services import notice_draft, notice_issue
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db


def test_the_status_is_a_frozen_dataclass_with_the_agreed_fields(tree, employer_a, on_day):
    on_day(D(2026, 6, 1))
    factories.contract(employer_a, signed_on=D(2026, 1, 5), filed_on=D(2026, 1, 6))
    status = employer_rights_status([employer_a.pk])[employer_a.pk]
    assert isinstance(status, RightsStatus)
    assert (status.contract_in_force, status.open_wage_findings, status.open_legal_aid_cases) == (
        True,
        0,
        0,
    )
    assert status.risk == "none" and "集体合同在有效期内" in status.explanation
    with pytest.raises(AttributeError):
        status.risk = "high"  # frozen


def test_risk_levels_and_their_explanations(tree, users, on_day):
    on_day(D(2026, 11, 2))
    make = factories.union_enterprise
    quiet = make(parent=tree.a)
    factories.contract(quiet, signed_on=D(2026, 1, 5), filed_on=D(2026, 1, 6))
    no_contract = make(parent=tree.a)
    arrears = make(parent=tree.a)
    factories.contract(arrears, signed_on=D(2026, 1, 5), filed_on=D(2026, 1, 6))
    factories.finding(arrears, found_on=D(2026, 10, 1), amount=Decimal("5000"))
    escalated = make(parent=tree.b)
    finding = factories.finding(escalated, found_on=D(2026, 9, 1), amount=Decimal("2000"))
    notice_issue(
        actor=None,
        notice=notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT),
        issued_on=D(2026, 9, 2),
    )
    notice_issue(
        actor=None,
        notice=notice_draft(actor=None, finding=finding, step=NoticeStep.OPINION),
        issued_on=D(2026, 9, 30),
    )
    big = make(parent=tree.b)
    factories.finding(big, found_on=D(2026, 10, 1), amount=Decimal("100000"))
    cases = make(parent=tree.a)
    for _ in range(3):
        case_decide(
            actor=None,
            case=factories.case(cases.org, enterprise=cases),
            accept=True,
            on=D(2026, 3, 3),
        )
    overdue = make(parent=tree.a)
    factories.offer(overdue, sent_on=D(2026, 9, 1))
    no_union = build_enterprise(org=tree.a, has_union=False)
    ids = [
        quiet.pk,
        no_contract.pk,
        arrears.pk,
        escalated.pk,
        big.pk,
        cases.pk,
        overdue.pk,
        no_union.pk,
    ]
    status = employer_rights_status(ids)
    assert {pk: s.risk for pk, s in status.items()} == {
        quiet.pk: "none",
        no_contract.pk: "low",
        arrears.pk: "medium",
        escalated.pk: "high",
        big.pk: "high",
        cases.pk: "high",
        overdue.pk: "medium",
        no_union.pk: "none",
    }
    assert status[no_contract.pk].explanation == "已建会但无生效的集体合同。"
    assert "1 项工资支付问题待整改(拖欠 5,000.00 元)" in status[arrears.pk].explanation
    assert "已发出意见书或建议书" in status[escalated.pk].explanation
    assert "3 件法律援助案件在办" in status[cases.pk].explanation
    assert "1 份协商要约逾期未答复" in status[overdue.pk].explanation
    assert status[arrears.pk].open_wage_findings == 1 and status[cases.pk].open_legal_aid_cases == 3
    # the file page computes the same flag from the records it shows
    for pk in ids:
        assert employer_file(users.county_staff, pk).status == status[pk]


def test_a_fixed_number_of_queries_for_any_number_of_employers(tree):
    few = [factories.union_enterprise(parent=tree.a) for _ in range(2)]
    with CaptureQueriesContext(connection) as small:
        employer_rights_status([e.pk for e in few])
    many = few + [factories.union_enterprise(parent=tree.b) for _ in range(12)]
    for firm in many[:6]:
        factories.finding(firm)
    with CaptureQueriesContext(connection) as large:
        result = employer_rights_status([e.pk for e in many] + [999_999])
    assert len(large.captured_queries) == len(small.captured_queries) == 5
    assert set(result) == {e.pk for e in many}  # unknown ids are left out
    assert employer_rights_status([]) == {}

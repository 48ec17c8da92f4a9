"""Legal aid: applications (portal and staff) with one open case per applicant, acceptance or
refusal, the county's income-proof rule, assignment only to someone whose scope covers the
case, progress, outcome, feedback; sensitive details encrypted at rest and unmasked only with
a reason, audited."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.db import connection

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.rights.legalaid import services
from gonghui.rights.legalaid.models import AidLawyer, AidStatus, LegalAidCase, LegalAidSettings
from gonghui.rights.tests import factories

pytestmark = pytest.mark.django_db


def _portal(tree, n=1, **overrides):
    data = dict(
        township=tree.a,
        applicant_name="王小明",
        id_number=factories.valid_id_number(n),
        phone="13912345678",
        employer_name="某建筑公司",
        kind="arbitration",
        facts="拖欠工资",
        health_details="工伤致左手骨折",
        minor_details="",
    )
    data.update(overrides)
    return services.case_apply_public(**data)


def test_a_portal_application_goes_to_the_chosen_township_encrypted(tree):
    case = _portal(tree)
    assert case.org == tree.a and case.status == AidStatus.APPLIED and case.has_health_details
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT applicant_id_number, applicant_phone, health_details FROM rights_legalaidcase WHERE id = %s",
            [case.pk],
        )
        raw = " ".join(cursor.fetchone())
    assert case.applicant_id_number not in raw and "13912345678" not in raw and "骨折" not in raw
    fresh = LegalAidCase.objects.get(pk=case.pk)
    assert fresh.health_details == "工伤致左手骨折"


def test_one_open_application_per_applicant_and_bad_numbers_are_refused(tree):
    _portal(tree)
    with pytest.raises(ValidationFailed) as again:
        _portal(tree, employer_name="另一家")
    assert "正在办理" in again.value.fields["id_number"][0]
    with pytest.raises(ValidationFailed) as bad:
        _portal(tree, n=2, id_number="339901198001011231", phone="123")
    assert {"id_number", "phone"} <= set(bad.value.fields)
    assert LegalAidCase.objects.count() == 1


def test_refusal_needs_a_reason_and_the_county_may_require_income_proof(tree, users):
    case = factories.case(tree.a1)
    with pytest.raises(ValidationFailed) as refused:
        services.case_decide(actor=users.township_staff, case=case, accept=False, on=D(2026, 3, 3))
    assert "reason" in refused.value.fields
    LegalAidSettings.objects.create(org=tree.county, income_proof_required=True)
    with pytest.raises(ValidationFailed) as proof:
        services.case_decide(actor=users.township_staff, case=case, accept=True, on=D(2026, 3, 3))
    assert "经济困难证明" in proof.value.message
    case.refresh_from_db()
    assert case.status == AidStatus.APPLIED
    with_proof = factories.case(tree.a1, has_income_proof=True)
    accepted = services.case_decide(
        actor=users.township_staff, case=with_proof, accept=True, on=D(2026, 3, 3)
    )
    assert accepted.status == AidStatus.ACCEPTED


def test_a_case_is_assigned_only_to_someone_whose_scope_covers_it(tree, users):
    from gonghui.testing.fixtures import make_user

    outsider = make_user("b_staff", "township_staff", tree.b)
    case = factories.case(tree.a1)
    services.case_decide(actor=users.county_staff, case=case, accept=True, on=D(2026, 3, 3))
    with pytest.raises(ValidationFailed) as refused:
        services.case_assign(actor=users.county_staff, case=case, on=D(2026, 3, 4), user=outsider)
    assert "数据范围" in refused.value.fields["assignee"][0]
    lawyer_b = AidLawyer.objects.create(org=tree.b, name="乙律师", firm="乙所")
    with pytest.raises(ValidationFailed) as far:
        services.case_assign(actor=users.county_staff, case=case, on=D(2026, 3, 4), lawyer=lawyer_b)
    assert "名册" in far.value.fields["assignee"][0]
    case.refresh_from_db()
    assert case.status == AidStatus.ACCEPTED and case.assigned_user is None
    # the township's staff, and a county lawyer, serve a case in township A
    assigned = services.case_assign(
        actor=users.county_staff, case=case, on=D(2026, 3, 4), user=users.township_staff
    )
    assert assigned.deadline == D(2026, 4, 16)  # 30 working days, Qingming (4–6 April) skipped
    lawyer = AidLawyer.objects.create(org=tree.county, name="县律师", firm="县所")
    again = services.case_assign(
        actor=users.county_staff,
        case=case,
        on=D(2026, 3, 5),
        lawyer=lawyer,
        handled_elsewhere="邻县总工会",
    )
    assert (
        again.assigned_lawyer == lawyer
        and again.assigned_user is None
        and again.handled_elsewhere == "邻县总工会"
    )


def test_the_case_runs_to_its_outcome_and_the_applicant_rates_it(tree, users, on_day):
    on_day(D(2026, 3, 2))
    case = _portal(tree, n=7)
    assert case.applied_on == D(2026, 3, 2)
    on_day(D(2026, 5, 2))
    services.case_decide(actor=users.township_staff, case=case, accept=True, on=D(2026, 3, 3))
    services.case_assign(
        actor=users.township_staff, case=case, on=D(2026, 3, 3), user=users.township_staff
    )
    services.case_note_add(
        actor=users.township_staff, case=case, noted_on=D(2026, 3, 10), text="已申请仲裁"
    )
    with pytest.raises(ValidationFailed):
        services.case_close(
            actor=users.township_staff, case=case, closed_on=D(2026, 3, 1), outcome="awarded"
        )
    closed = services.case_close(
        actor=users.township_staff,
        case=case,
        closed_on=D(2026, 5, 1),
        outcome="awarded",
        amount_recovered=Decimal("42000"),
    )
    assert closed.status == AidStatus.CLOSED
    with pytest.raises(NotFound):
        services.case_feedback_public(
            id_number=case.applicant_id_number, phone="13900000000", number=case.number, score=5
        )
    rated = services.case_feedback_public(
        id_number=case.applicant_id_number,
        phone="13912345678",
        number=case.number,
        score=5,
        text="很满意",
    )
    assert rated.feedback_score == 5
    with pytest.raises(ValidationFailed):
        services.case_feedback_public(
            id_number=case.applicant_id_number, phone="13912345678", number=case.number, score=4
        )


def test_unmasking_needs_view_sensitive_and_a_reason_and_is_audited(tree, users):
    case = factories.case(tree.a1)
    with pytest.raises(NotFound):
        services.case_unmask(actor=users.township_staff, case=case, reason="核实")
    with pytest.raises(ValidationFailed):
        services.case_unmask(actor=users.county_staff, case=case, reason=" ")
    services.case_unmask(actor=users.county_staff, case=case, reason="电话联系申请人")
    event = AuditEvent.objects.get(action="unmasked", object_id=str(case.pk))
    assert event.detail["reason"] == "电话联系申请人" and "health_details" in event.detail["fields"]


def test_staff_cannot_register_a_case_outside_their_scope(tree, users):
    with pytest.raises(NotFound):
        services.case_register(
            actor=users.township_staff,
            org=tree.b1,
            applicant_name="x",
            id_number=factories.valid_id_number(3),
            phone="13900000001",
            kind="consultation",
            facts="x",
            employer_name="y",
        )
    assert LegalAidCase.objects.count() == 0

"""法律援助 on the workers' portal: public, phone-first, one round of errors, rate-limited,
progress and feedback by ID number and phone (both must match)."""

from datetime import date as D

import pytest

from gonghui.rights.legalaid.models import AidSource, AidStatus, LegalAidCase
from gonghui.rights.legalaid.views import APPLY_LIMIT
from gonghui.rights.tests.factories import valid_id_number

pytestmark = pytest.mark.django_db


def _form(tree, **overrides):
    data = {
        "applicant_name": "李四",
        "id_number": valid_id_number(11),
        "phone": "13800001111",
        "township": str(tree.a.pk),
        "employer_name": "某外卖站点",
        "kind": "mediation",
        "facts": "平台拖欠配送费",
        "promise": "on",
    }
    data.update(overrides)
    return data


def test_the_portal_lists_legal_aid(client, tree):
    page = client.get("/portal/").content.decode()
    assert "法律援助" in page and "/portal/legal-aid/" in page


def test_an_application_is_submitted_without_login(client, tree):
    response = client.post("/portal/legal-aid/", _form(tree))
    assert response.status_code == 302 and response["Location"] == "/portal/legal-aid/done/"
    case = LegalAidCase.objects.get()
    assert (case.source, case.status, case.org) == (AidSource.PORTAL, AidStatus.APPLIED, tree.a)
    done = client.get("/portal/legal-aid/done/").content.decode()
    assert case.number in done and "甲镇总工会" in done


def test_every_error_shows_in_one_round_and_nothing_is_written(client, tree):
    response = client.post(
        "/portal/legal-aid/",
        _form(tree, id_number="339901198001011231", phone="12", facts="", promise=""),
    )
    page = response.content.decode()
    assert response.status_code == 200
    for message in ("身份证号校验位不正确", "手机号码应为 11 位", "请填写事实与请求", "请勾选承诺"):
        assert message in page
    assert LegalAidCase.objects.count() == 0


def test_applications_are_rate_limited_per_address(client, tree):
    for n in range(APPLY_LIMIT):
        client.post("/portal/legal-aid/", _form(tree, id_number=valid_id_number(100 + n)))
    blocked = client.post("/portal/legal-aid/", _form(tree, id_number=valid_id_number(200)))
    assert blocked.status_code == 429
    assert LegalAidCase.objects.count() == APPLY_LIMIT


def test_progress_needs_the_id_number_and_the_phone(client, tree):
    client.post("/portal/legal-aid/", _form(tree))
    wrong = client.post(
        "/portal/legal-aid/status/", {"id_number": valid_id_number(11), "phone": "13800009999"}
    )
    assert "没有找到申请" in wrong.content.decode()
    right = client.post(
        "/portal/legal-aid/status/", {"id_number": valid_id_number(11), "phone": "13800001111"}
    )
    page = right.content.decode()
    assert "待受理" in page and LegalAidCase.objects.get().number in page
    # the page never shows the ID number or the facts back
    assert "平台拖欠配送费" not in page


def test_a_closed_case_is_rated_once(client, tree, on_day):
    from gonghui.rights.legalaid.services import case_assign, case_close, case_decide
    from gonghui.rights.tests.permission_targets import county_lawyer

    on_day(D(2026, 3, 2))
    client.post("/portal/legal-aid/", _form(tree))
    case = LegalAidCase.objects.get()
    case_decide(actor=None, case=case, accept=True, on=D(2026, 3, 2))
    case_assign(actor=None, case=case, on=D(2026, 3, 2), lawyer=county_lawyer(tree))
    case_close(actor=None, case=case, closed_on=D(2026, 3, 2), outcome="mediated")
    rate = {
        "id_number": valid_id_number(11),
        "phone": "13800001111",
        "number": case.number,
        "score": "4",
        "text": "及时",
    }
    client.post("/portal/legal-aid/status/", rate)
    case.refresh_from_db()
    assert case.feedback_score == 4
    again = client.post("/portal/legal-aid/status/", {**rate, "score": "1"}, follow=True)
    assert "您已评价过该案件" in again.content.decode()
    case.refresh_from_db()
    assert case.feedback_score == 4


def test_evidence_and_income_proof_are_attached_on_the_portal(client, tree, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    evidence = SimpleUploadedFile("工资条.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")
    proof = SimpleUploadedFile("困难证明.pdf", b"%PDF-1.4 synthetic", "application/pdf")
    response = client.post(
        "/portal/legal-aid/",
        {**_form(tree), "evidence_file": evidence, "income_proof_file": proof},
    )
    assert response.status_code == 302
    case = LegalAidCase.objects.get()
    assert case.has_income_proof
    assert sorted(a.name for a in case.attachments.all()) == ["困难证明.pdf", "工资条.png"]
    assert all(a.uploaded_by is None for a in case.attachments.all())


def test_a_file_of_the_wrong_type_is_refused_with_the_other_errors(
    client, tree, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.rights.legalaid.models import CaseAttachment

    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post("/portal/legal-aid/", {**_form(tree, facts=""), "evidence_file": fake})
    page = response.content.decode()
    assert response.status_code == 200
    assert "只能上传" in page and "请填写事实与请求" in page
    assert LegalAidCase.objects.count() == 0 and CaseAttachment.objects.count() == 0
    assert not any(tmp_path.rglob("*.pdf"))

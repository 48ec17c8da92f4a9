"""Pages: each works as a plain GET/POST; outcomes beyond the permission matrix."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistance.archives.tests.factories import (
    PDF_BYTES,
    archive_in,
    authorisation_for,
    build_archive,
    ensure_standard,
)
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import HardshipArchive, LivingAllowanceStandard
from gonghui.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_list_shows_scoped_archives_and_filters(tree, users, login):
    build_archive(org=tree.a1, name="甲镇困难户")
    build_archive(org=tree.b1, name="乙镇困难户")
    body = login(users.township_staff).get("/assistance/?category=deep").content.decode()
    assert "甲镇困难户" in body and "乙镇困难户" not in body
    assert "深度困难" in body


def test_detail_masks_personal_data_and_shows_the_calculation(tree, users, login):
    archive = build_archive(org=tree.a1)
    body = login(users.county_staff).get(f"/assistance/{archive.pk}/").content.decode()
    assert archive.id_number not in body
    assert archive.id_number[:4] + "**********" + archive.id_number[-4:] in body
    assert "**** 4567" in body
    assert archive.bank_account not in body
    assert "人均月净收入 = (18,000.00 − 0.00) ÷ 12 ÷ 3 = 500.00 元" in body


def test_unmask_needs_a_reason_and_is_audited(tree, users, login):
    archive = build_archive(org=tree.a1)
    client = login(users.county_staff)
    response = client.post(f"/assistance/{archive.pk}/unmask/", {"reason": "核实银行账号"})
    assert archive.bank_account in response.content.decode()
    event = AuditEvent.objects.get(action="unmasked")
    assert event.detail["reason"] == "核实银行账号"


def test_create_form_shows_chinese_errors_and_writes_nothing(tree, users, login):
    ensure_standard(tree.a1)
    response = login(users.grassroots_staff).post(
        "/assistance/new/",
        {
            "org": tree.a1.pk,
            "name": "某人",
            "id_number": "123",
            "hukou_type": "urban",
            "health_status": "healthy",
            "disability_level": "none",
            "work_status": "employed",
            "housing": "owned",
            "household_size": "0",
            "annual_income": "-5",
            "main_cause": "other",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "身份证号应为 18 位" in body
    assert "家庭人口应为 1 到 20 人" in body
    assert "家庭年可支配收入不能为负数" in body
    assert not HardshipArchive.objects.exists()


def test_create_form_reports_every_error_in_one_round(tree, users, login):
    """A missing name and cause (the form's checks) with a bad ID number and bank account
    (the service's): all on the first submit."""
    ensure_standard(tree.a1)
    response = login(users.grassroots_staff).post(
        "/assistance/new/",
        {
            "org": tree.a1.pk,
            "name": "",
            "id_number": "123",
            "hukou_type": "urban",
            "health_status": "healthy",
            "disability_level": "none",
            "work_status": "employed",
            "housing": "owned",
            "household_size": "3",
            "annual_income": "1000",
            "main_cause": "",
            "bank_account": "12",
        },
    )
    body = response.content.decode()
    assert "请填写职工姓名。" in body and "请选择主要致困原因。" in body
    assert "身份证号应为 18 位" in body
    assert "银行账号应为 8 到 30 位数字。" in body
    assert not HardshipArchive.objects.exists()


def test_county_staff_approve_through_the_page(tree, users, login):
    archive = archive_in(ArchiveStatus.VISITED, org=tree.a1)
    response = login(users.county_staff).post(
        f"/assistance/{archive.pk}/steps/approve/", {"note": "同意建档"}, follow=True
    )
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.APPROVED
    assert "已办理：县总审批" in response.content.decode()


def test_township_approval_comes_back_with_the_reason(tree, users, login):
    archive = archive_in(ArchiveStatus.VISITED, org=tree.a1)
    response = login(users.township_staff).post(
        f"/assistance/{archive.pk}/steps/approve/", {}, follow=True
    )
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.VISITED
    assert "此步骤须由县总工会有审批权限的工作人员办理" in response.content.decode()


def test_out_of_order_step_through_the_page_says_why(tree, users, login):
    archive = archive_in(ArchiveStatus.GRASSROOTS_CHECKED, org=tree.a1)
    response = login(users.county_staff).post(
        f"/assistance/{archive.pk}/steps/approve/", {}, follow=True
    )
    assert "该档案尚未完成入户核查，不能审批" in response.content.decode()


def test_visit_through_the_page_with_the_uploaded_authorisation(tree, users, login):
    archive = archive_in(ArchiveStatus.GRASSROOTS_CHECKED, org=tree.a1)
    client = login(users.grassroots_staff)
    client.post(
        f"/assistance/{archive.pk}/attachments/",
        {"kind": "authorisation", "file": SimpleUploadedFile("授权书.pdf", PDF_BYTES)},
    )
    auth = archive.attachments.get()
    detail = client.get(f"/assistance/{archive.pk}/").content.decode()
    assert "授权书.pdf" in detail and "登记入户核查" not in detail  # label is 入户核查
    client.post(
        f"/assistance/{archive.pk}/steps/visit/",
        {
            "authorisation": auth.pk,
            "visitors": "张三、李四",
            "on": datetime.date.today().isoformat(),
        },
    )
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.VISITED


def test_only_available_steps_are_offered(tree, users, login):
    archive = archive_in(ArchiveStatus.VISITED, org=tree.a1)
    township = login(users.township_staff).get(f"/assistance/{archive.pk}/").content.decode()
    assert f"/assistance/{archive.pk}/steps/approve/" not in township
    assert f"/assistance/{archive.pk}/steps/check/" not in township


def test_attachment_download_is_audited(tree, users, login):
    archive = build_archive(org=tree.a1)
    attachment = authorisation_for(archive)
    response = login(users.grassroots_staff).get(f"/assistance/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="unmasked", detail__reason="下载档案附件").exists()


def test_county_admin_adds_a_standard_on_the_page(tree, users, login):
    response = login(users.county_admin).post(
        "/assistance/standards/",
        {
            "form": "standard",
            "year": "2026",
            "monthly_amount": "950",
            "effective_from": "2026-01-01",
        },
        follow=True,
    )
    assert LivingAllowanceStandard.objects.get().monthly_amount == 950
    assert "已新增低保标准" in response.content.decode()


def test_standards_page_refuses_staff_who_are_not_county_admins(tree, users, login):
    client = login(users.county_staff)
    body = client.get("/assistance/standards/").content.decode()
    assert "新增低保标准" not in body
    client.post(
        "/assistance/standards/",
        {
            "form": "standard",
            "year": "2026",
            "monthly_amount": "950",
            "effective_from": "2026-01-01",
        },
    )
    assert not LivingAllowanceStandard.objects.exists()


def test_edit_keeps_masked_values_unchanged(tree, users, login):
    archive = build_archive(org=tree.a1)
    client = login(users.grassroots_staff)
    form = client.get(f"/assistance/{archive.pk}/edit/").content.decode()
    assert archive.id_number not in form and archive.bank_account not in form
    masked_id = archive.id_number[:4] + "*" * 10 + archive.id_number[-4:]
    client.post(
        f"/assistance/{archive.pk}/edit/",
        {
            "name": archive.name,
            "id_number": masked_id,
            "phone": "139****1234",
            "bank_account": "**** 4567",
            "bank_name": archive.bank_name,
            "hukou_type": "urban",
            "health_status": "healthy",
            "disability_level": "none",
            "work_status": "employed",
            "housing": "owned",
            "household_size": "3",
            "annual_income": "36000",
            "main_cause": archive.main_cause,
            "secondary_causes": archive.secondary_causes,
            "version": archive.version,
        },
    )
    archive.refresh_from_db()
    assert archive.category == "relative"
    assert archive.bank_account == "6222020000001234567"
    assert archive.steps.filter(action="update").get().data["changed"] == ["annual_income"]

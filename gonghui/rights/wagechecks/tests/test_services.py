"""Wage checks and the 一函两书 ladder: drafts pre-filled from the finding, steps in order and
never before the previous step's deadline (a legal period over holidays), replies, funnel."""

import io
import zipfile
from datetime import date as D
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.errors import ValidationFailed
from gonghui.core.testing.pdf import pdf_objects
from gonghui.rights.tests import factories
from gonghui.rights.wagechecks import documents, services
from gonghui.rights.wagechecks.models import (
    CheckItem,
    FindingPhoto,
    FindingStatus,
    NoticeSettings,
    NoticeStatus,
    NoticeStep,
    WageNotice,
)

pytestmark = pytest.mark.django_db


def _issue(notice, day):
    return services.notice_issue(actor=None, notice=notice, issued_on=day)


def test_the_prompt_letter_is_drafted_from_the_finding(employer_a):
    finding = factories.finding(employer_a, amount=Decimal("35600.50"))
    notice = services.notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT)
    assert notice.status == NoticeStatus.DRAFT and notice.recipient == employer_a.name
    assert "拖欠 3 月工资" in notice.body
    assert "35,600.50 元" in notice.body and "职工 6 人" in notice.body
    assert "15 日内予以纠正" in notice.body  # the county's default period


def test_the_ladder_runs_in_order_and_never_before_a_deadline(tree, employer_a, on_day):
    on_day(D(2026, 12, 7))
    NoticeSettings.objects.create(
        org=tree.county,
        letterhead="测试县总工会",
        prompt_days=10,
        opinion_days=15,
        copy_procuratorate=True,
        procuratorate="测试县人民检察院",
    )
    finding = factories.finding(employer_a, found_on=D(2026, 9, 1))
    # the opinion cannot come before the prompt
    with pytest.raises(ValidationFailed) as early:
        services.notice_draft(actor=None, finding=finding, step=NoticeStep.OPINION)
    assert "须先送达提示函" in early.value.message
    assert not WageNotice.objects.filter(step=NoticeStep.OPINION).exists()
    prompt = _issue(
        services.notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT), D(2026, 9, 21)
    )
    # day 10 after 21 September is 1 October (National Day): the deadline is 8 October
    assert prompt.deadline == D(2026, 10, 8)
    opinion = services.notice_draft(actor=None, finding=finding, step=NoticeStep.OPINION)
    with pytest.raises(ValidationFailed) as before:
        _issue(opinion, D(2026, 10, 8))
    assert "最早 2026-10-09" in before.value.fields["issued_on"][0]
    opinion.refresh_from_db()
    assert opinion.status == NoticeStatus.DRAFT and opinion.issued_on is None
    opinion = _issue(opinion, D(2026, 10, 9))
    assert opinion.deadline == D(2026, 10, 26)  # 15 days from 9 October, the 24th a Saturday
    prompt.refresh_from_db()
    assert prompt.status == NoticeStatus.ESCALATED
    recommendation = services.notice_draft(
        actor=None, finding=finding, step=NoticeStep.RECOMMENDATION
    )
    assert recommendation.recipient == "县人力资源和社会保障局"
    assert recommendation.copy_to == "测试县人民检察院"
    with pytest.raises(ValidationFailed):
        _issue(recommendation, D(2026, 10, 26))
    recommendation = _issue(recommendation, D(2026, 10, 27))
    assert recommendation.deadline is None
    # one notice per step
    with pytest.raises(ValidationFailed):
        services.notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT)


def test_a_resolved_finding_stops_the_ladder_and_counts_in_the_funnel(
    tree, users, employer_a, on_day
):
    from gonghui.rights.stats.selectors import notice_funnel

    on_day(D(2026, 12, 7))
    finding = factories.finding(employer_a, found_on=D(2026, 6, 1), amount=Decimal("8000"))
    prompt = _issue(
        services.notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT), D(2026, 6, 2)
    )
    services.notice_reply_record(
        actor=None, notice=prompt, replied_on=D(2026, 6, 10), text="已安排补发"
    )
    services.finding_resolve(
        actor=None, finding=finding, resolved_on=D(2026, 6, 12), amount_recovered=Decimal("8000")
    )
    prompt.refresh_from_db()
    assert prompt.status == NoticeStatus.RESOLVED
    with pytest.raises(ValidationFailed) as stopped:
        services.notice_draft(actor=None, finding=finding, step=NoticeStep.OPINION)
    assert "已整改" in stopped.value.message
    other = factories.finding(factories.union_enterprise(parent=tree.a), found_on=D(2026, 7, 1))
    _issue(services.notice_draft(actor=None, finding=other, step=NoticeStep.PROMPT), D(2026, 7, 1))
    funnel = notice_funnel(users.county_staff, 2026)
    assert (funnel["prompt"], funnel["opinion"], funnel["resolved"]) == (2, 0, 1)
    assert funnel["recovered"] == Decimal("8000")


def test_a_reply_before_the_letter_and_an_issue_in_the_future_are_refused(employer_a, on_day):
    on_day(D(2026, 6, 5))
    finding = factories.finding(employer_a, found_on=D(2026, 6, 1))
    draft = services.notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT)
    with pytest.raises(ValidationFailed):
        _issue(draft, D(2026, 6, 6))
    prompt = _issue(draft, D(2026, 6, 2))
    with pytest.raises(ValidationFailed) as refused:
        services.notice_reply_record(actor=None, notice=prompt, replied_on=D(2026, 6, 1), text="x")
    assert "不能早于送达日期" in refused.value.fields["replied_on"][0]


def test_the_letter_prints_as_pdf_with_embedded_chinese_fonts_and_as_docx(employer_a, tree):
    settings_row = NoticeSettings(
        org=tree.county, letterhead="测试县总工会", contact="王明", phone="0571-1234567"
    )
    finding = factories.finding(employer_a)
    notice = services.notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT)
    pdf = documents.notice_pdf(notice, settings_row)
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    assert b"/FontFile" in objects  # the fonts travel inside the file
    assert b"NotoSerifCJK" in objects or b"NotoSansCJK" in objects
    docx = documents.notice_docx(notice, settings_row)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        text = archive.read("word/document.xml").decode()
    assert "工会劳动法律监督提示函" in text and employer_a.name in text and "测试县总工会" in text


def test_the_checklist_is_the_countys_and_configurable(tree, users):
    items = services.items_ensure(tree.county)
    assert [i.code for i in items][:3] == ["on_time", "minimum_wage", "overtime"]
    assert services.items_ensure(tree.county) == items  # idempotent
    added = services.check_item_save(
        actor=users.county_admin, county=tree.county, name="工资支付公示"
    )
    assert CheckItem.objects.filter(org=tree.county).count() == len(items) + 1
    assert added.code.startswith("custom_")


def test_a_record_checks_the_checklist_items(tree, employer_a, users):
    campaign = services.wagecheck_create(
        actor=users.county_staff,
        org=tree.county,
        name="2026年检查",
        year=2026,
        starts_on=D(2026, 1, 10),
        ends_on=D(2026, 2, 10),
        focus=["construction"],
    )
    record = services.record_add(
        actor=users.township_staff,
        campaign=campaign,
        enterprise=employer_a,
        checked_on=D(2026, 1, 12),
        inspectors="张三、李四",
        results={"on_time": "fail", "wage_account": "ok"},
        site_name="某工地",
    )
    assert record.org == employer_a.org and record.results["on_time"] == "fail"
    with pytest.raises(ValidationFailed) as bad:
        services.record_add(
            actor=None,
            campaign=campaign,
            enterprise=employer_a,
            checked_on=D(2026, 1, 12),
            inspectors="x",
            results={"no_such_item": "fail"},
        )
    assert "results" in bad.value.fields


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"MZ\x90\x00 not an image", "只能上传"),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "扩展名与文件内容不符"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024 + 1), "不能超过 10 MB"),
    ],
)
def test_a_photo_of_the_wrong_type_or_size_is_refused(employer_a, name, content, message):
    finding = factories.finding(employer_a)
    with pytest.raises(ValidationFailed) as refused:
        services.finding_photo_add(
            actor=None, finding=finding, upload=SimpleUploadedFile(name, content)
        )
    assert message in refused.value.fields["image"][0]
    assert FindingPhoto.objects.count() == 0


def test_a_negative_amount_is_refused(employer_a):
    with pytest.raises(ValidationFailed) as refused:
        factories.finding(employer_a, amount=Decimal("-1"))
    assert "amount_owed" in refused.value.fields
    assert FindingStatus.OPEN  # the enum stays importable for the views

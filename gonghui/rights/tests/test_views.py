"""The rights pages end to end: forms report every error in one round and write nothing on
refusal; the letter flow from a finding; statistics agree with the registered measures and
export as .xlsx; the employer's file shows and explains the risk flag."""

import io
from datetime import date as D
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gonghui.core.metrics import Period, evaluate
from gonghui.rights.models import CollectiveContract, NoticeStatus, WageNotice
from gonghui.rights.stats.selectors import COLUMNS, stats_by_township
from gonghui.rights.tests import factories

pytestmark = pytest.mark.django_db


def test_the_contract_form_reports_every_problem_at_once(client, users, employer_a):
    client.force_login(users.township_staff)
    response = client.post(
        "/rights/contracts/new/",
        {
            "kind": "comprehensive",
            "title": "",
            "enterprise": employer_a.credit_code,
            "union_party": "工会",
            "employer_party": "企业",
            "workers_covered": "50",
            "start_on": "2026-03-01",
            "end_on": "2030-03-01",
            "signed_on": "2026-03-02",
            "congress_on": "2026-02-20",
            "congress_total": "60",
            "congress_present": "39",
            "congress_for": "30",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写合同名称" in page  # the form's own
    assert "集体合同期限为 1 至 3 年" in page  # the service's, in the same round
    assert "三分之二" in page and "全体代表半数以上" in page
    assert CollectiveContract.objects.count() == 0


def test_a_contract_registered_through_the_form(client, users, employer_a):
    client.force_login(users.township_staff)
    response = client.post(
        "/rights/contracts/new/",
        {
            "kind": "wage",
            "title": "工资专项集体合同",
            "enterprise": employer_a.name,
            "union_party": "工会",
            "employer_party": "企业",
            "workers_covered": "50",
            "start_on": "2026-03-01",
            "end_on": "2027-02-28",
            "signed_on": "2026-03-02",
            "congress_on": "2026-02-20",
            "congress_total": "60",
            "congress_present": "40",
            "congress_for": "31",
        },
    )
    contract = CollectiveContract.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/rights/contracts/{contract.pk}/"
    )
    assert contract.org == employer_a.union and contract.filing_due == D(2026, 3, 12)
    detail = client.get(response["Location"]).content.decode()
    assert "逾期未报送" in detail or "待报送" in detail


def test_a_prompt_letter_drafted_from_a_finding_prints_and_issues(
    client, users, employer_a, on_day
):
    on_day(D(2026, 6, 10))
    finding = factories.finding(employer_a, found_on=D(2026, 6, 1), amount=Decimal("24000"))
    client.force_login(users.township_staff)
    drafted = client.post(f"/rights/findings/{finding.pk}/notices/prompt/")
    notice = WageNotice.objects.get()
    assert drafted["Location"] == f"/rights/notices/{notice.pk}/"
    detail = client.get(drafted["Location"]).content.decode()
    assert "24,000.00 元" in detail and "登记送达" in detail
    pdf = client.get(f"/rights/notices/{notice.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    docx = client.get(f"/rights/notices/{notice.pk}/docx/")
    assert docx.content.startswith(b"PK")
    printed = client.get(f"/rights/notices/{notice.pk}/print/").content.decode()
    assert "工会劳动法律监督提示函" in printed and "<style" not in printed  # CSP: a stylesheet
    issued = client.post(
        f"/rights/notices/{notice.pk}/issue/", {"issued_on": "2026-06-10", "number": "测工函1号"}
    )
    assert issued.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and notice.deadline == D(2026, 6, 25)
    # the opinion may be drafted now but not issued before the prompt's deadline has passed
    client.post(f"/rights/findings/{finding.pk}/notices/opinion/")
    opinion = WageNotice.objects.get(step="opinion")
    refused = client.post(f"/rights/notices/{opinion.pk}/issue/", {"issued_on": "2026-06-10"})
    assert "最早 2026-06-26" in refused.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == NoticeStatus.DRAFT


def test_statistics_agree_with_the_measures_and_export(
    client, tree, users, employer_a, employer_b, on_day
):
    on_day(D(2026, 11, 2))
    factories.contract(employer_a, signed_on=D(2026, 1, 5), filed_on=D(2026, 1, 6), workers=120)
    factories.offer(employer_b, sent_on=D(2026, 9, 1))
    factories.finding(employer_b, found_on=D(2026, 10, 1), amount=Decimal("5000"))
    headers, rows = stats_by_township(users.county_staff, 2026)
    by_name = {r.name: r for r in rows}
    period = Period.year(2026)
    for index, (code, _) in enumerate(COLUMNS):
        figures = evaluate(code, orgs=[tree.a, tree.b], period=period)
        assert by_name["甲镇总工会"].values[index] == figures[tree.a.pk].value, code
        assert by_name["乙镇总工会"].values[index] == figures[tree.b.pk].value, code
    a = dict(zip(headers, by_name["甲镇总工会"].values, strict=True))
    assert (
        a["生效合同(份)"] == 1 and a["覆盖职工(人)"] == 120 and a["建制率(%)"] == Decimal("100.0")
    )
    b = dict(zip(headers, by_name["乙镇总工会"].values, strict=True))
    assert b["逾期未复(份)"] == 1 and b["拖欠金额(元)"] == Decimal("5000")
    client.force_login(users.county_staff)
    export = client.get("/rights/stats/export/?year=2026")
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][0] == "乡镇(街道)" and "甲镇总工会" in [row[0] for row in cells]


def test_the_employer_file_explains_the_risk(client, users, employer_a, on_day):
    on_day(D(2026, 11, 2))
    factories.finding(employer_a, found_on=D(2026, 10, 1), amount=Decimal("120000"))
    client.force_login(users.township_staff)
    page = client.get(f"/rights/employers/{employer_a.pk}/").content.decode()
    assert "维权风险：高" in page and "拖欠 120,000.00 元" in page
    assert "已建会但无生效的集体合同" in page


def test_a_reminder_is_closed_with_a_note(client, users, employer_a):
    from gonghui.rights.models import Reminder
    from gonghui.rights.reminders.services import reminders_run

    factories.offer(employer_a, sent_on=D(2026, 3, 3))
    reminders_run(on=D(2026, 4, 1))
    reminder = Reminder.objects.get()
    client.force_login(users.township_staff)
    empty = client.post(f"/rights/reminders/{reminder.pk}/close/", {"note": ""})
    assert "请填写办理情况" in empty.content.decode()
    client.post(f"/rights/reminders/{reminder.pk}/close/", {"note": "已电话催告，对方承诺本周答复"})
    reminder.refresh_from_db()
    assert reminder.status == "done"


def test_the_county_switches_off_a_checklist_item_and_new_records_skip_it(client, tree, users):
    from gonghui.rights.tests import permission_targets as m
    from gonghui.rights.wagechecks.services import items_ensure

    item = next(i for i in items_ensure(tree.county) if i.code == "deposit")
    client.force_login(users.township_staff)
    assert client.get(f"/rights/wage-checks/checklist/{item.pk}/").status_code == 404
    client.force_login(users.county_admin)
    assert (
        f"/rights/wage-checks/checklist/{item.pk}/"
        in client.get("/rights/wage-checks/checklist/").content.decode()
    )
    blank = client.post(
        f"/rights/wage-checks/checklist/{item.pk}/", {"name": "", "scope": "all", "order": "1"}
    )
    assert blank.status_code == 200 and "请填写检查事项" in blank.content.decode()
    saved = client.post(
        f"/rights/wage-checks/checklist/{item.pk}/",
        {"name": "工资保证金", "scope": "construction", "order": "7"},
    )
    assert saved.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.is_active) == ("工资保证金", False)
    campaign = m.campaign_at(tree.county, "县检查")
    form = client.get(f"/rights/wage-checks/{campaign.pk}/records/new/").content.decode()
    assert "按时足额支付工资" in form and "工资保证金" not in form


def test_a_legal_aid_paper_downloaded_from_the_page_is_audited(client, tree, users, employer_a):
    from gonghui.audit.models import AuditEvent
    from gonghui.rights.tests import permission_targets as m

    attachment = m.case_attachment(employer_a, tree)
    client.force_login(users.township_staff)
    url = f"/rights/legal-aid/{attachment.case_id}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="unmasked")
    assert event.detail["fields"] == [f"attachment:{attachment.pk}"]
    assert client.get(url.replace(f"/{attachment.pk}/", "/999999/")).status_code == 404


def test_only_county_staff_run_the_reminders_now(client, users):
    """The run covers the whole installation: a township's staff wait for the daily run."""
    from gonghui.rights.models import ReminderRun

    client.force_login(users.township_staff)
    assert client.post("/rights/reminders/run/").status_code == 404
    assert client.post("/api/v1/rights/reminders/run").status_code == 404
    assert not ReminderRun.objects.exists()

    client.force_login(users.county_staff)
    assert client.post("/rights/reminders/run/").status_code == 302
    answer = client.post("/api/v1/rights/reminders/run")
    assert answer.status_code == 200, answer.content
    assert ReminderRun.objects.filter(trigger="manual").count() == 2

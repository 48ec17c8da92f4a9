"""Monitoring facts for any member (issue 21): schooling costs recorded by staff, API and a
department's list; the four department lists (医保, 人社, 民政, 教育) as import kinds on the core
pipeline; the schooling signal firing for members the union does not yet help."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.accounts.services import token_create
from gonghui.assistance.models import (
    Alert,
    DisasterEvent,
    JobLossReport,
    MedicalExpense,
    SchoolingExpense,
)
from gonghui.assistance.monitoring import services
from gonghui.assistance.monitoring.definitions import RuleCode
from gonghui.assistance.monitoring.tests.factories import ON, applied, archived, figures, run
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import ValidationFailed
from gonghui.core.imports.registry import get_kind
from gonghui.core.imports.services import import_commit, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.members.tests.factories import build_member, make_id_number

pytestmark = pytest.mark.django_db


def schooling(target, amount, *, days_ago=10, stage="undergraduate", student="小明", actor=None):
    return services.schooling_expense_record(
        actor=actor,
        id_number=target.id_number,
        paid_on=ON - datetime.timedelta(days=days_ago),
        stage=stage,
        amount=Decimal(str(amount)),
        student_name=student,
    )


def fired(target):
    field = "archive" if target.__class__.__name__ == "HardshipArchive" else "member"
    return list(Alert.objects.filter(rule_code=RuleCode.SCHOOLING_COST, **{field: target}))


# --- the service and the rule ---------------------------------------------------------------------


def test_schooling_costs_of_a_member_without_an_archive_fire_at_10000_in_the_window(tree):
    # given members the union does not help: two bills adding to 10,000, one short by a fen,
    # one whose earlier bill is outside the 365-day window
    reaches = build_member(org=tree.a1, id_number=make_id_number(n=611))
    short = build_member(org=tree.a1, id_number=make_id_number(n=612))
    stale = build_member(org=tree.a1, id_number=make_id_number(n=613))
    schooling(reaches, "6000", days_ago=200, student="大女儿")
    schooling(reaches, "4000", days_ago=20, stage="senior", student="小儿子")
    schooling(short, "9999.99")
    schooling(stale, "5000", days_ago=365)
    schooling(stale, "5000", days_ago=1)
    # when the rules run
    run()
    # then only the first fires, on the member, with the sum, the records and the window
    [alert] = fired(reaches)
    assert (alert.member, alert.archive, alert.org) == (reaches, None, tree.a1)
    assert {
        k: alert.facts[k] for k in ("schooling_expense", "line", "counted_from", "records")
    } == {
        "schooling_expense": "10000.00",
        "line": "10000.00",
        "counted_from": "records",
        "records": 2,
    }
    assert alert.facts["window"] == {"from": "2025-07-01", "to": "2026-06-30"}
    assert fired(short) == [] and fired(stale) == []


def test_a_household_reached_by_records_and_by_its_archive_gets_one_alert_naming_both(tree):
    household = figures(archived(tree.a1), schooling_expense=Decimal("12000"))
    schooling(household, "10500")
    run()
    [alert] = fired(household)
    assert alert.facts["schooling_expense"] == "10500.00"
    assert alert.facts["archive_schooling_expense"] == "12000.00"
    assert alert.facts["counted_from"] == "records"


def test_costs_a_closed_alert_dealt_with_do_not_count_again(tree):
    member = build_member(org=tree.a1, id_number=make_id_number(n=614))
    schooling(member, "10000")
    run()
    [first] = fired(member)
    services.alert_close(actor=None, alert=first, outcome="helped", reason="已发放金秋助学金")
    schooling(member, "3000", student="小红")
    run()
    assert [a.status for a in fired(member)] == ["closed"]


def test_the_same_bill_recorded_twice_is_one_fact_and_compulsory_schooling_is_refused(tree):
    member = build_member(org=tree.a1, id_number=make_id_number(n=615))
    first, created = schooling(member, "5000")
    again, created_again = schooling(member, "5000")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert first.id_number_hash and first.member == member and first.source == "manual"
    assert AuditEvent.objects.filter(
        object_type="assistance.SchoolingExpense", object_id=str(first.pk)
    ).exists()
    with pytest.raises(ValidationFailed) as refused:
        schooling(member, "800", stage="junior")
    assert refused.value.fields == {"stage": [services.COMPULSORY_REFUSED]}
    assert SchoolingExpense.objects.count() == 1


def test_a_person_outside_the_actors_scope_looks_like_no_one(tree, users):
    member = build_member(org=tree.b1, id_number=make_id_number(n=616))
    with pytest.raises(ValidationFailed) as refused:
        schooling(member, "5000", actor=users.township_staff)  # township A
    assert refused.value.message == services.TARGET_NOT_FOUND
    assert SchoolingExpense.objects.count() == 0


def test_medical_costs_and_job_losses_recorded_twice_are_one_fact(tree):
    member = build_member(org=tree.a1, id_number=make_id_number(n=617))
    bill = dict(actor=None, id_number=member.id_number, occurred_on=ON, care="outpatient")
    assert services.medical_expense_record(**bill, self_paid="300")[1] is True
    assert services.medical_expense_record(**bill, self_paid="300")[1] is False
    assert services.medical_expense_record(**bill, self_paid="120")[1] is True  # another bill
    loss = dict(actor=None, id_number=member.id_number, lost_on=ON)
    assert services.job_loss_record(**loss)[1] is True
    assert services.job_loss_record(**loss, reason="再报一次")[1] is False
    assert (MedicalExpense.objects.count(), JobLossReport.objects.count()) == (2, 1)


# --- staff pages -----------------------------------------------------------------------------------


def test_staff_record_a_schooling_cost_and_a_disaster_for_a_member(login, users, tree):
    member = build_member(org=tree.a1, id_number=make_id_number(n=618))
    client = login(users.township_staff)
    form = {
        "id_number": member.id_number,
        "student_name": "王小明",
        "stage": "college",
        "school": "长川职业技术学院",
        "paid_on": "2026-06-01",
        "amount": "7800",
    }
    response = client.post(reverse("assistance:schooling_new"), form)
    assert response.status_code == 302
    expense = SchoolingExpense.objects.get()
    assert (expense.member, expense.stage, expense.amount, expense.school) == (
        member,
        "college",
        Decimal("7800.00"),
        "长川职业技术学院",
    )
    again = client.post(reverse("assistance:schooling_new"), form, follow=True)
    assert "这条记录已经登记过，未重复登记。" in again.content.decode()
    assert SchoolingExpense.objects.count() == 1
    page = client.post(
        reverse("assistance:disaster_new"),
        {"id_number": member.id_number, "occurred_on": "2026-06-02", "kind": "fire"},
    )
    assert page.status_code == 302
    assert DisasterEvent.objects.get().loss == Decimal("0.00")


def test_the_schooling_form_offers_only_non_compulsory_stages_and_links_the_list_import(
    login, users
):
    body = login(users.township_staff).get(reverse("assistance:schooling_new")).content.decode()
    assert "本科" in body and "研究生" in body
    assert '<option value="primary"' not in body and '<option value="junior"' not in body
    assert reverse("imports:new", args=["schooling_list"]) in body


def test_the_alert_list_offers_every_fact_form_and_department_list(login, users):
    body = login(users.township_staff).get(reverse("assistance:alert_list")).content.decode()
    for name in ("medical_new", "job_loss_new", "disaster_new", "schooling_new"):
        assert reverse(f"assistance:{name}") in body
    for kind in ("medical_list", "job_loss_list", "disaster_list", "schooling_list"):
        assert reverse("imports:new", args=[kind]) in body
    viewer = login(users.leader).get(reverse("assistance:alert_list")).content.decode()
    assert 'id="fact-entry"' not in viewer


# --- API ---------------------------------------------------------------------------------------------


def _post(client, user, url, body):
    token = token_create(user=user, name="t")
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_api_records_a_schooling_cost_once_and_masks_the_person(client, users, tree):
    member = build_member(org=tree.a1, id_number=make_id_number(n=619))
    body = {
        "id_number": member.id_number,
        "paid_on": "2026-05-20",
        "stage": "postgraduate",
        "amount": "12000",
        "student_name": "李研",
    }
    first = _post(client, users.township_staff, "/api/v1/monitoring/schooling-expenses", body)
    assert first.status_code == 201
    data = first.json()
    assert data["target"]["kind"] == "member" and data["target"]["id"] == member.pk
    assert member.id_number not in first.content.decode() and "*" in data["target"]["id_number"]
    assert (data["source"], data["stage"], data["amount"]) == ("api", "postgraduate", "12000.00")
    again = _post(client, users.township_staff, "/api/v1/monitoring/schooling-expenses", body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    compulsory = _post(
        client,
        users.township_staff,
        "/api/v1/monitoring/schooling-expenses",
        {**body, "stage": "primary"},
    )
    assert compulsory.status_code == 422
    assert compulsory.json()["fields"] == {"stage": [services.COMPULSORY_REFUSED]}
    run()
    assert fired(member)[0].facts["schooling_expense"] == "12000.00"


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [
        (
            "medical-expenses",
            {"occurred_on": "2026-06-01", "care": "inpatient", "self_paid": "8000"},
            MedicalExpense,
        ),
        ("job-losses", {"lost_on": "2026-06-01", "employer_name": "某厂"}, JobLossReport),
        ("disasters", {"occurred_on": "2026-06-01", "kind": "flood", "loss": "500"}, DisasterEvent),
    ],
)
def test_api_records_the_other_facts_once(client, users, tree, path, body, model):
    household = applied(tree.a1)
    payload = {"id_number": household.id_number, **body}
    first = _post(client, users.township_staff, f"/api/v1/monitoring/{path}", payload)
    assert first.status_code == 201 and first.json()["target"]["kind"] == "archive"
    second = _post(client, users.township_staff, f"/api/v1/monitoring/{path}", payload)
    assert second.status_code == 200
    fact = model.objects.get()
    assert (fact.archive, fact.source) == (household, "api")


def test_api_refuses_a_person_outside_scope_like_a_missing_one(client, users, tree):
    member = build_member(org=tree.b1, id_number=make_id_number(n=620))
    response = _post(
        client,
        users.township_staff,
        "/api/v1/monitoring/job-losses",
        {"id_number": member.id_number, "lost_on": "2026-06-01"},
    )
    assert response.status_code == 422
    assert response.json()["message"] == services.TARGET_NOT_FOUND
    assert JobLossReport.objects.count() == 0


def test_api_fact_endpoints_are_documented_in_chinese(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/monitoring/schooling-expenses"]["post"]["summary"] == "登记教育支出"
    assert paths["/api/v1/monitoring/medical-expenses"]["post"]["summary"] == "登记医疗支出"


# --- department lists (import kinds) ------------------------------------------------------------------


@pytest.fixture
def _imports(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _import(user, kind, rows):
    job = import_upload(actor=user, kind=kind, file=xlsx_upload(rows, name="名单.xlsx"))
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid")
    return job


def test_each_department_list_is_an_import_kind_of_the_monitoring_module():
    for code, department in (
        ("medical_list", "医保"),
        ("job_loss_list", "人社"),
        ("disaster_list", "民政"),
        ("schooling_list", "教育"),
    ):
        kind = get_kind(code)
        assert kind.module == "assistance" and department in kind.title
        assert kind.next_url_name == "assistance:alert_list"


def test_the_schooling_list_records_costs_for_members_once_and_they_fire(_imports, users, tree):
    # given an education department's list: a member's two children, a compulsory-stage row,
    # and a parent who is no one the union knows
    member = build_member(org=tree.a1, id_number=make_id_number(n=621))
    rows = [
        [
            "序号",
            "家长身份证号",
            "家长姓名",
            "学生姓名",
            "就读阶段",
            "就读学校",
            "缴费日期",
            "学费",
        ],
        [1, member.id_number, member.name, "张大", "大学本科", "长川大学", "2026-03-01", "6,500"],
        [2, member.id_number, member.name, "张二", "职高", "青禾县职业中专", "2026-03-02", "0.4万"],
        [3, member.id_number, member.name, "张三", "初中", "青禾县第一中学", "2026-03-02", "900"],
        [4, make_id_number(n=699), "无名", "某生", "高中", "青禾县第一中学", "2026-03-02", "3000"],
    ]
    job = _import(users.township_staff, "schooling_list", rows)
    assert (job.created_count, job.error_rows) == (2, 2)
    errors = {e["row"]: e["errors"] for e in job.error_sample}
    assert errors[4] == [f"学段：{services.COMPULSORY_REFUSED}"]
    assert errors[5] == ["未找到该身份证号对应的困难职工档案或在册会员，或不在导入范围内。"]
    facts = SchoolingExpense.objects.order_by("paid_on")
    assert [(f.member, f.stage, f.amount, f.source) for f in facts] == [
        (member, "undergraduate", Decimal("6500.00"), "import"),
        (member, "vocational", Decimal("4000.00"), "import"),
    ]
    # when the same list comes again, nothing is added
    again = _import(users.township_staff, "schooling_list", rows)
    assert (again.created_count, again.unchanged_count) == (0, 2)
    assert SchoolingExpense.objects.count() == 2
    # and the member, whom the union does not help, is flagged
    run()
    assert fired(member)[0].facts["schooling_expense"] == "10500.00"


def test_the_medical_list_records_bills_once_and_a_large_one_fires(_imports, users, tree):
    member = build_member(org=tree.a1, id_number=make_id_number(n=622))
    rows = [
        ["参保人身份证号", "参保人姓名", "结算日期", "医疗类别", "个人自付"],
        [member.id_number, member.name, "2026-06-10", "住院", "2.1万"],
        [member.id_number, member.name, "2026-06-12", "门诊慢特病", "260"],
        [member.id_number, "别人", "2026-06-13", "门诊", "100"],
    ]
    job = _import(users.township_staff, "medical_list", rows)
    assert (job.created_count, job.error_rows) == (2, 1)
    assert job.error_sample[0]["errors"] == [f"姓名与会员记录不符(系统中为“{member.name}”)。"]
    assert _import(users.township_staff, "medical_list", rows).unchanged_count == 2
    assert MedicalExpense.objects.filter(member=member, source="import").count() == 2
    run()
    assert Alert.objects.get(member=member, rule_code="medical_cost").facts[
        "inpatient_self_paid"
    ] == ("21000.00")


def test_the_job_loss_list_records_registrations_once_within_the_import_scope(
    _imports, users, tree
):
    mine = applied(tree.a1)
    other = build_member(org=tree.b1, id_number=make_id_number(n=623))
    rows = [
        ["身份证号", "姓名", "失业登记日期", "原单位", "失业原因"],
        [mine.id_number, mine.name, "2026-06-01", "某制造企业", "企业减员"],
        [other.id_number, other.name, "2026-06-01", "某制造企业", "企业减员"],
    ]
    job = _import(users.township_staff, "job_loss_list", rows)
    assert (job.created_count, job.error_rows) == (1, 1)
    report = JobLossReport.objects.get()
    assert (report.archive, report.employer_name, report.reason) == (mine, "某制造企业", "企业减员")
    assert _import(users.township_staff, "job_loss_list", rows).unchanged_count == 1
    run()
    assert Alert.objects.filter(archive=mine, rule_code="job_loss").count() == 1


def test_each_department_list_page_opens_for_staff_and_not_for_a_viewer(_imports, login, users):
    staff = login(users.township_staff)
    for code, title in (
        ("medical_list", "医疗费用名单"),
        ("job_loss_list", "失业人员名单"),
        ("disaster_list", "灾害或意外事故名单"),
        ("schooling_list", "教育支出名单"),
    ):
        page = staff.get(reverse("imports:new", args=[code]))
        assert page.status_code == 200 and title in page.content.decode()
    assert (
        login(users.leader).get(reverse("imports:new", args=["schooling_list"])).status_code == 404
    )


def test_each_department_list_has_a_template_with_its_columns(_imports, login, users):
    staff = login(users.township_staff)
    for code, header in (
        ("medical_list", "个人自付金额(元)"),
        ("job_loss_list", "失业日期"),
        ("disaster_list", "发生日期"),
        ("schooling_list", "学段"),
    ):
        response = staff.get(reverse("imports:template", args=[code]))
        assert response.status_code == 200
        rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        first = rows.get_sheet_by_index(0).to_python()
        assert "身份证号" in [str(c) for c in first[0]] and header in [str(c) for c in first[0]]

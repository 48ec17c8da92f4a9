"""Monitoring pages, the alerts API, the disaster list import and alert_stats."""

import datetime
import importlib
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.accounts.services import token_create
from gonghui.assistance.models import (
    Alert,
    DisasterEvent,
    JobLossReport,
    MedicalExpense,
    MonitoringRule,
)
from gonghui.assistance.monitoring import selectors, services
from gonghui.assistance.monitoring.definitions import DEFAULT_RULES, RuleCode
from gonghui.assistance.monitoring.tests.factories import (
    ON,
    applied,
    archived,
    figures,
    run,
    watched,
)
from gonghui.core.imports.services import import_commit, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(tree):
    household = figures(archived(tree.a1, name="预警测试户"), schooling_expense=Decimal("15000"))
    run()
    return Alert.objects.get(archive=household)


def test_alert_list_filters_and_shows_the_year_figures(login, users, tree, alert):
    client = login(users.township_staff)
    page = client.get(reverse("assistance:alert_list") + "?rule=schooling_cost&status=open")
    body = page.content.decode()
    assert page.status_code == 200
    assert "预警测试户" in body and "大额教育支出" in body
    assert "2026 年预警办理情况" in body
    assert (
        "预警测试户"
        not in client.get(reverse("assistance:alert_list") + "?rule=job_loss").content.decode()
    )
    # a township B user sees nothing of township A
    outsider = make_user("b_viewer", "township_staff", tree.b)
    assert (
        "预警测试户" not in login(outsider).get(reverse("assistance:alert_list")).content.decode()
    )


def test_alert_detail_shows_rule_version_and_facts_with_figures(login, users, alert):
    body = (
        login(users.township_staff)
        .get(reverse("assistance:alert_detail", args=[alert.pk]))
        .content.decode()
    )
    assert "大额教育支出预警" in body and f"第 {alert.rule.version} 版" in body
    assert "年教育支出(元)" in body and "15000.00" in body
    assert "办结预警" in body


def test_closing_from_the_page_needs_a_reason(login, users, alert):
    client = login(users.township_staff)
    url = reverse("assistance:alert_close", args=[alert.pk])
    page = client.post(url, {"outcome": "helped", "reason": ""})
    assert page.status_code == 200 and "请填写处置说明" in page.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"
    response = client.post(url, {"outcome": "helped", "reason": "已发放金秋助学金"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == ("closed", "helped")


def test_a_view_only_role_sees_no_close_form(login, users, alert):
    body = (
        login(users.leader)
        .get(reverse("assistance:alert_detail", args=[alert.pk]))
        .content.decode()
    )
    assert "办结预警" not in body


def test_overdue_list_and_map_count_per_org(login, users, alert):
    Alert.objects.filter(pk=alert.pk).update(deadline=ON - datetime.timedelta(days=1))
    client = login(users.county_staff)
    overdue = client.get(reverse("assistance:alert_overdue")).content.decode()
    assert "预警测试户" in overdue
    page = client.get(reverse("assistance:alert_map")).content.decode()
    assert "甲镇总工会" in page and 'id="alert-map-data"' in page
    assert "vendor/echarts.min.js" in page
    [row] = selectors.alert_map(users.county_staff)
    assert (row.org.name, row.open, row.overdue) == ("甲镇总工会", 1, 1)


def test_rules_page_lists_rules_and_county_admin_saves_settings_and_versions(login, users, tree):
    client = login(users.county_admin)
    page = client.get(reverse("assistance:rules")).content.decode()
    assert "收入临界预警" in page and "保存本县设置" in page
    response = client.post(
        reverse("assistance:rule_save", args=["job_loss", "county"]),
        {
            "c-job_loss-enabled": "",
            "c-job_loss-effective_from": "2026-07-01",
            "c-job_loss-p_days": "45",
        },
    )
    assert response.status_code == 302
    setting = services.setting_in_force(tree.county, "job_loss", datetime.date(2026, 7, 1))
    assert (setting.enabled, setting.overrides) == (False, {"days": 45})
    client.post(
        reverse("assistance:rule_save", args=["job_loss", "version"]),
        {"v-job_loss-p_days": "90", "v-job_loss-p_risk": "high", "v-job_loss-note": "延长回溯期"},
    )
    assert services.rule_current("job_loss").version == 2
    staff_page = login(users.township_staff).get(reverse("assistance:rules")).content.decode()
    assert "收入临界预警" in staff_page and "保存本县设置" not in staff_page


def test_fact_forms_record_medical_costs_and_job_losses(login, users, tree):
    household = applied(tree.a1)
    client = login(users.township_staff)
    response = client.post(
        reverse("assistance:medical_new"),
        {
            "id_number": household.id_number,
            "occurred_on": "2026-06-01",
            "care": "inpatient",
            "self_paid": "8000",
        },
    )
    assert response.status_code == 302
    assert MedicalExpense.objects.get().archive == household
    client.post(
        reverse("assistance:job_loss_new"),
        {"id_number": household.id_number, "lost_on": "2026-06-01", "employer_name": "某厂"},
    )
    assert JobLossReport.objects.get().employer_name == "某厂"
    page = client.post(
        reverse("assistance:medical_new"),
        {
            "id_number": household.id_number,
            "occurred_on": "2026-06-01",
            "care": "inpatient",
            "self_paid": "-5",
        },
    )
    assert "个人自付金额应大于 0" in page.content.decode()


def test_a_fact_form_reports_every_error_in_one_round(login, users, tree):
    """No date (the form's check), a negative amount and an unknown person (the service's,
    which used to stop at the first): all on the first submit."""
    client = login(users.township_staff)
    page = client.post(
        reverse("assistance:medical_new"),
        {
            "id_number": "110105194912310021",
            "occurred_on": "",
            "care": "inpatient",
            "self_paid": "-5",
        },
    ).content.decode()
    assert "请填写就诊(结算)日期。" in page
    assert "个人自付金额应大于 0" in page
    assert "校验位不正确" in page
    assert not MedicalExpense.objects.exists()


def test_the_run_button_queues_a_run_and_its_page_shows_progress(
    login, users, tree, django_capture_on_commit_callbacks
):
    figures(archived(tree.a1), schooling_expense=Decimal("15000"))
    client = login(users.county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assistance:run_start"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "大额教育支出" in page


def test_township_staff_cannot_start_a_run(login, users):
    response = login(users.township_staff).post(reverse("assistance:run_start"))
    assert response.status_code == 302
    assert not services.MonitoringRun.objects.exists()


# --- API ----------------------------------------------------------------------------------------


def _api(client, user, method, url, body=None):
    token = token_create(user=user, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def test_api_lists_filters_and_masks(client, users, alert):
    data = _api(
        client, users.township_staff, "get", "/api/v1/alerts?rule=schooling_cost&limit=1"
    ).json()
    [item] = data["items"]
    assert item["rule"] == {
        "code": "schooling_cost",
        "name": "大额教育支出预警",
        "version": alert.rule.version,
        "description": alert.rule.description,
    }
    assert item["target"]["name"] == "预警测试户"
    assert "*" in item["target"]["id_number"] and alert.archive.id_number not in json.dumps(data)
    assert item["facts"]["schooling_expense"] == "15000.00"
    assert (
        _api(client, users.township_staff, "get", "/api/v1/alerts?rule=job_loss").json()["items"]
        == []
    )


def test_api_close_requires_reason_and_answers_409_when_closed(client, users, alert):
    url = f"/api/v1/alerts/{alert.pk}/close"
    bad = _api(client, users.township_staff, "post", url, {"outcome": "helped", "reason": ""})
    assert bad.status_code == 422
    ok = _api(
        client, users.township_staff, "post", url, {"outcome": "archived", "reason": "已建档"}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    again = _api(client, users.township_staff, "post", url, {"outcome": "helped", "reason": "再次"})
    assert again.status_code == 409


def test_api_is_in_the_openapi_document_with_chinese_summaries(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/alerts"]["get"]["summary"] == "预警列表"
    assert paths["/api/v1/alerts/{id}"]["get"]["summary"] == "预警详情"
    assert paths["/api/v1/alerts/{id}/close"]["post"]["summary"] == "办结预警"


# --- import ---------------------------------------------------------------------------------------


@pytest.fixture
def _imports(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _import(user, rows):
    job = import_upload(
        actor=user, kind="disaster_list", file=xlsx_upload(rows, name="受灾名单.xlsx")
    )
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid")
    return job


def test_disaster_list_import_records_events_once_and_they_fire(_imports, users, tree):
    household = applied(tree.a1)
    rows = [
        ["身份证号", "姓名", "发生日期", "灾害类型", "损失金额(元)"],
        [household.id_number, household.name, "2026-06-25", "洪水", "1.2万"],
        ["339901198001010015", "无名", "2026-06-25", "洪涝", "100"],
    ]
    job = _import(users.township_staff, rows)
    assert (job.created_count, job.error_rows) == (1, 1)
    event = DisasterEvent.objects.get()
    assert (event.archive, event.kind, event.loss, event.source) == (
        household,
        "flood",
        Decimal("12000.00"),
        "import",
    )
    again = _import(users.township_staff, rows)
    assert again.created_count == 0 and DisasterEvent.objects.count() == 1
    run()
    assert Alert.objects.get(archive=household, rule_code="disaster").risk == "high"


def test_the_import_page_offers_the_disaster_list(_imports, login, users):
    page = login(users.township_staff).get("/imports/new/disaster_list/")
    assert page.status_code == 200 and "灾害或意外事故名单" in page.content.decode()


# --- statistics -------------------------------------------------------------------------------------


def test_alert_stats_counts_opened_closed_on_time_late_and_overdue(users, tree):
    households = [figures(archived(tree.a1), schooling_expense=Decimal("15000")) for _ in range(4)]
    run()
    alerts = list(Alert.objects.filter(archive__in=households).order_by("id"))
    services.alert_close(actor=None, alert=alerts[0], outcome="helped", reason="已帮扶")
    Alert.objects.filter(pk=alerts[0].pk).update(deadline=datetime.date(2100, 1, 1))
    services.alert_close(actor=None, alert=alerts[1], outcome="no_action", reason="已核实")
    Alert.objects.filter(pk=alerts[1].pk).update(deadline=ON)  # closed (today) after ON: late
    Alert.objects.filter(pk=alerts[2].pk).update(deadline=ON - datetime.timedelta(days=1))
    Alert.objects.filter(pk=alerts[3].pk).update(deadline=datetime.date(2100, 1, 1))
    stats = selectors.alert_stats(users.county_staff, year=2026)
    assert {
        k: stats[k]
        for k in ("opened", "closed", "closed_on_time", "closed_late", "open", "overdue")
    } == {"opened": 4, "closed": 2, "closed_on_time": 1, "closed_late": 1, "open": 2, "overdue": 1}
    assert stats["on_time_rate"] == 50.0
    schooling = next(r for r in stats["by_rule"] if r["code"] == "schooling_cost")
    assert schooling["opened"] == 4 and schooling["overdue"] == 1
    assert selectors.alert_stats(users.county_staff, year=2025)["opened"] == 0
    outsider = make_user("b_stats", "township_staff", tree.b)
    assert selectors.alert_stats(outsider, year=2026)["opened"] == 0


# --- a rule's definition changes: old alerts keep their version's explanation (issue 21) -------------


def test_an_alert_raised_under_the_old_near_line_definition_keeps_its_explanation(
    login, users, tree
):
    # given the income rule as version 1 defined it (≤ 1.5 × 低保), and an alert it raised
    from django.apps import apps

    frozen = importlib.import_module("gonghui.assistance.migrations.0002_monitoring")
    upgrade = importlib.import_module("gonghui.assistance.migrations.0006_monitoring_rules_v2")
    v1_definition = next(r for r in frozen.RULES_V1 if r["code"] == "income_near_line")
    MonitoringRule.objects.filter(code="income_near_line").delete()
    v1 = MonitoringRule.objects.create(version=1, is_current=True, **v1_definition)
    old_household = watched(tree.a1, name="旧版预警户")
    old = Alert.objects.create(
        org=old_household.org,
        rule_code="income_near_line",
        rule=v1,
        archive=old_household,
        risk="medium",
        facts={
            "per_capita_monthly_net": "1150.00",
            "standard": "800.00",
            "multiplier": "1.5",
            "line": "1200.00",
            "archive_status": "watched",
            "parameters": {"multiplier": None, "high_multiplier": 1.0, "risk": "medium"},
        },
        opened_on=ON,
        deadline=ON,
    )
    # when the built-in definition is updated (what migration 0006 does on an installation)
    upgrade.rules_upgrade(apps, None)
    # then version 2 is current with the new definition, and version 1 is kept
    v2 = services.rule_current("income_near_line")
    assert (v2.version, v2.description) == (
        2,
        upgrade.DEFINITIONS["income_near_line"]["description"],
    )
    assert "multiplier" not in v2.parameters and v2.note.startswith("规则定义更新")
    old.refresh_from_db()
    assert old.rule == v1 and not old.rule.is_current
    # and the old alert's page explains it with version 1's words and figures
    client = login(users.township_staff)
    body = client.get(reverse("assistance:alert_detail", args=[old.pk])).content.decode()
    assert v1_definition["description"] in body and v2.description not in body
    assert "第 1 版" in body and "已有新版本" in body
    assert "临界倍数" in body and "预警线(元)" in body and "1200.00" in body
    assert "收入临界倍数(留空采用本县帮扶标准参数)" in body  # its run-time parameters
    # while an alert raised now, under version 2, carries the new explanation
    new_household = figures(
        watched(tree.a1, name="新版预警户"), annual_income=Decimal("60000"), household_size=3
    )
    run()
    new = Alert.objects.get(archive=new_household, rule_code="income_near_line")
    assert new.rule == v2
    body = client.get(reverse("assistance:alert_detail", args=[new.pk])).content.decode()
    assert v2.description in body and v1_definition["description"] not in body
    assert "建档线(相对困难线，元/人·月)" in body and "收入临界幅度" in body
    # running the update again changes nothing
    upgrade.rules_upgrade(apps, None)
    assert MonitoringRule.objects.filter(code="income_near_line").count() == 2


def test_the_migration_definitions_are_the_built_in_ones():
    upgrade = importlib.import_module("gonghui.assistance.migrations.0006_monitoring_rules_v2")
    built_in = {str(r["code"]): r for r in DEFAULT_RULES}
    for code, definition in upgrade.DEFINITIONS.items():
        assert {k: built_in[code][k] for k in ("name", "description", "parameters")} == definition


def test_the_rules_page_shows_chinese_labels_and_a_run_button_not_codes_or_commands(
    login, users, tree
):
    services.rule_setting_set(
        actor=None,
        county=tree.county,
        rule_code="job_loss",
        enabled=True,
        overrides={"days": 45},
        effective_from=ON,
    )
    services.rule_update(actor=None, code="schooling_cost", parameters={"yearly": 12000})
    body = login(users.county_staff).get(reverse("assistance:rules")).content.decode()
    text = re.sub(r"<[^>]+>", " ", body)  # what staff read (tags and attributes left out)
    for code in RuleCode.values:
        assert code not in text
    for key in ("yearly", "days", "risk", "deadline_days", "monitoring_run", "gonghui"):
        assert key not in text
    assert "回溯天数：45" in text and "年教育支出阈值(元)：12,000" in text
    assert "立即运行监测" in body and reverse("assistance:run_start") in body
    # a role that may not start a run sees no button
    staff = login(users.township_staff).get(reverse("assistance:rules")).content.decode()
    assert "立即运行监测" not in staff and "系统每天自动运行一次监测" in staff


def test_alert_pages_show_no_rule_codes(login, users, alert):
    client = login(users.township_staff)
    for url in (
        reverse("assistance:alert_list"),
        reverse("assistance:alert_overdue"),
        reverse("assistance:alert_detail", args=[alert.pk]),
        reverse("assistance:run_detail", args=[alert.run_id]),
    ):
        text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
        assert not any(code in text for code in RuleCode.values), url
        assert "schooling_expense" not in text and "records" not in text

"""Permission-matrix entries for monitoring and early warning (pages and /api/v1/alerts).

The run button and the rule forms answer 302 for everyone allowed to reach them: a role held
at township A is refused there by the service (county level only) with a message, which
test_monitoring_pages.py checks. Fact forms name the person by ID number: one outside the
user's scope gets the same message as one that does not exist (test_monitoring_runs.py),
so their POST entries are unscoped and post an ID in the user's own subtree.
"""

from decimal import Decimal

from gonghui.assistance.models import (
    Alert,
    DisasterEvent,
    JobLossReport,
    MedicalExpense,
    MonitoringRule,
    MonitoringRun,
    RuleSetting,
    SchoolingExpense,
)
from gonghui.assistance.monitoring import services
from gonghui.assistance.monitoring.tests.factories import ON, applied, figures
from gonghui.core.testing.matrix import Endpoint, Targets, json_text

MODULE = "assistance"


def _household(org, name):
    return figures(applied(org, name=name), schooling_expense=Decimal("15000"))


def _alerts(tree, actor):
    archives = (
        _household(tree.a1, "甲镇预警矩阵户"),
        _household(tree.b1, "乙镇预警矩阵户"),
        _household(tree.county, "县直预警矩阵户"),
    )
    services.monitoring_run(on=ON, trigger="scheduled")
    alerts = [Alert.objects.get(archive=a, rule_code="schooling_cost") for a in archives]
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(deadline=ON)
    for a in alerts:
        a.refresh_from_db()
    return Targets(*alerts)


def _run(tree, actor):
    run = MonitoringRun.objects.create(
        trigger="scheduled", county=tree.county, on=ON, status="done"
    )
    return Targets(own=run, sibling=run, parent=run)


def _nothing(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _own_household(tree, actor):
    household = applied(tree.a1, name="矩阵事实户")
    return Targets(own=household, sibling=household, parent=household)


def _fact_form(name, path):
    return Endpoint(
        f"assistance.{name}_form",
        "GET",
        MODULE,
        "edit",
        lambda t: path,
        _nothing,
        scoped=False,
    )


def _fact_post(name, path, model, data, *, api=False):
    """A fact about a household in the user's own subtree (A1): allowed for every role that
    may edit there (a person outside scope is refused like a missing one: test_monitoring_
    facts.py). The API answers 201 for a new fact."""
    return Endpoint(
        name,
        "POST",
        MODULE,
        "edit",
        lambda a: path,
        _own_household,
        data=lambda a: {"id_number": a.id_number, **data},
        snapshot=lambda a: model.objects.count(),
        scoped=False,
        api=api,
        success=(201,) if api else (302,),
    )


_SCHOOLING = {"paid_on": "2026-06-01", "stage": "senior", "amount": "6000"}
_DISASTER = {"occurred_on": "2026-06-01", "kind": "flood"}
FACT_ENDPOINTS = [
    _fact_form("disaster", "/assistance/monitoring/disaster/new/"),
    _fact_post(
        "assistance.disaster_new", "/assistance/monitoring/disaster/new/", DisasterEvent, _DISASTER
    ),
    _fact_form("schooling", "/assistance/monitoring/schooling/new/"),
    _fact_post(
        "assistance.schooling_new",
        "/assistance/monitoring/schooling/new/",
        SchoolingExpense,
        _SCHOOLING,
    ),
    _fact_post(
        "api.monitoring.medical",
        "/api/v1/monitoring/medical-expenses",
        MedicalExpense,
        {"occurred_on": "2026-06-01", "care": "outpatient", "self_paid": "600"},
        api=True,
    ),
    _fact_post(
        "api.monitoring.job_loss",
        "/api/v1/monitoring/job-losses",
        JobLossReport,
        {"lost_on": "2026-06-01"},
        api=True,
    ),
    _fact_post(
        "api.monitoring.disaster",
        "/api/v1/monitoring/disasters",
        DisasterEvent,
        _DISASTER,
        api=True,
    ),
    _fact_post(
        "api.monitoring.schooling",
        "/api/v1/monitoring/schooling-expenses",
        SchoolingExpense,
        _SCHOOLING,
        api=True,
    ),
]


def _alert_state(alert):
    fresh = Alert.objects.get(pk=alert.pk)
    return (fresh.status, fresh.outcome, fresh.close_reason)


def _close_data(alert):
    return {"outcome": "helped", "reason": "已入户慰问并发放助学金"}


def _name(alert):
    return alert.archive.name


ENDPOINTS = [
    Endpoint(
        "assistance.alert_list",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/alerts/",
        _alerts,
        marker=_name,
        scoped=False,
    ),
    Endpoint(
        "assistance.alert_list_filtered",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/alerts/?rule=schooling_cost&risk=medium&status=open&overdue=1",
        _alerts,
        marker=_name,
        scoped=False,
    ),
    Endpoint(
        "assistance.alert_overdue",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/alerts/overdue/",
        _alerts,
        marker=_name,
        scoped=False,
    ),
    Endpoint(
        "assistance.alert_map",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/alerts/map/",
        _alerts,
        marker=lambda a: a.org.name,
        scoped=False,
    ),
    Endpoint(
        "assistance.alert_detail",
        "GET",
        MODULE,
        "view",
        lambda a: f"/assistance/alerts/{a.pk}/",
        _alerts,
    ),
    Endpoint(
        "assistance.alert_close",
        "POST",
        MODULE,
        "edit",
        lambda a: f"/assistance/alerts/{a.pk}/close/",
        _alerts,
        data=_close_data,
        snapshot=_alert_state,
        success=(302,),
    ),
    Endpoint(
        "assistance.run_start",
        "POST",
        MODULE,
        "edit",
        lambda t: "/assistance/monitoring/run/",
        _nothing,
        snapshot=lambda t: MonitoringRun.objects.count(),
        scoped=False,
        success=(302,),
    ),
    Endpoint(
        "assistance.run_detail",
        "GET",
        MODULE,
        "view",
        lambda r: f"/assistance/monitoring/runs/{r.pk}/",
        _run,
        scoped=False,
    ),
    Endpoint(
        "assistance.rules",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/monitoring/rules/",
        _nothing,
        scoped=False,
    ),
    Endpoint(
        "assistance.rule_save",
        "POST",
        MODULE,
        "edit",
        lambda t: "/assistance/monitoring/rules/job_loss/version/",
        _nothing,
        data=lambda t: {"v-job_loss-p_days": "90"},
        snapshot=lambda t: (MonitoringRule.objects.count(), RuleSetting.objects.count()),
        scoped=False,
        success=(302,),
    ),
    Endpoint(
        "assistance.medical_form",
        "GET",
        MODULE,
        "edit",
        lambda t: "/assistance/monitoring/medical/new/",
        _nothing,
        scoped=False,
    ),
    Endpoint(
        "assistance.medical_new",
        "POST",
        MODULE,
        "edit",
        lambda t: "/assistance/monitoring/medical/new/",
        _own_household,
        data=lambda a: {
            "id_number": a.id_number,
            "occurred_on": "2026-06-01",
            "care": "outpatient",
            "self_paid": "600",
        },
        snapshot=lambda a: MedicalExpense.objects.count(),
        scoped=False,
        success=(302,),
    ),
    Endpoint(
        "assistance.job_loss_form",
        "GET",
        MODULE,
        "edit",
        lambda t: "/assistance/monitoring/job-loss/new/",
        _nothing,
        scoped=False,
    ),
    Endpoint(
        "assistance.job_loss_new",
        "POST",
        MODULE,
        "edit",
        lambda t: "/assistance/monitoring/job-loss/new/",
        _own_household,
        data=lambda a: {"id_number": a.id_number, "lost_on": "2026-06-01"},
        snapshot=lambda a: JobLossReport.objects.count(),
        scoped=False,
        success=(302,),
    ),
    Endpoint(
        "api.alerts.list",
        "GET",
        MODULE,
        "view",
        lambda t: "/api/v1/alerts",
        _alerts,
        api=True,
        marker=_name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.alerts.detail",
        "GET",
        MODULE,
        "view",
        lambda a: f"/api/v1/alerts/{a.pk}",
        _alerts,
        api=True,
    ),
    Endpoint(
        "api.alerts.close",
        "POST",
        MODULE,
        "edit",
        lambda a: f"/api/v1/alerts/{a.pk}/close",
        _alerts,
        data=_close_data,
        snapshot=_alert_state,
        api=True,
    ),
] + FACT_ENDPOINTS

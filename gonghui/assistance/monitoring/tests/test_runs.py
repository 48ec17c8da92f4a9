"""Runs, versions, county settings, de-duplication, assignment, deadlines, closing alerts."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from gonghui.assistance.models import Alert, MonitoringRule, MonitoringRun
from gonghui.assistance.monitoring import services, tasks
from gonghui.assistance.monitoring.definitions import RuleCode
from gonghui.assistance.monitoring.tests.factories import (
    ON,
    applied,
    archived,
    figures,
    job_loss,
    medical,
    run,
)
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.workdays import is_working_day, working_days_after

pytestmark = pytest.mark.django_db
D = datetime.date


def schooling_household(org):
    return figures(archived(org), schooling_expense=Decimal("12000"))


# --- versions and county settings --------------------------------------------------------------


def test_a_new_rule_version_leaves_old_alerts_on_the_version_that_fired(tree, users):
    first = schooling_household(tree.a1)
    run()
    old = Alert.objects.get(archive=first, rule_code=RuleCode.SCHOOLING_COST)
    fired_under = old.rule.version  # 1, or 2 where the migrations' built-in update ran
    # when a county admin raises the threshold
    v2 = services.rule_update(
        actor=users.county_admin, code=RuleCode.SCHOOLING_COST, parameters={"yearly": 11000}
    )
    second = schooling_household(tree.a1)
    run()
    # then the old alert keeps its version, the new one has the next, the old one is history
    old.refresh_from_db()
    assert old.rule.version == fired_under and old.rule.parameters["yearly"] == 10000
    assert Alert.objects.get(archive=second, rule_code=RuleCode.SCHOOLING_COST).rule == v2
    assert v2.version == fired_under + 1 and v2.parameters["yearly"] == 11000
    assert list(
        MonitoringRule.objects.filter(code=RuleCode.SCHOOLING_COST).values_list(
            "version", "is_current"
        )[:2]
    ) == [(fired_under + 1, True), (fired_under, False)]


def test_only_county_admins_change_rules_and_bad_parameters_are_refused(tree, users):
    with pytest.raises(PermissionDenied):
        services.rule_update(
            actor=users.county_staff, code=RuleCode.JOB_LOSS, parameters={"days": 30}
        )
    with pytest.raises(ValidationFailed) as exc:
        services.rule_update(
            actor=users.county_admin, code=RuleCode.JOB_LOSS, parameters={"days": -3, "x": 1}
        )
    assert set(exc.value.fields) == {"days", "x"}
    assert MonitoringRule.objects.filter(code=RuleCode.JOB_LOSS).count() == 1


def test_a_rule_disabled_for_the_county_does_not_fire(tree, users):
    household = schooling_household(tree.a1)
    services.rule_setting_set(
        actor=users.county_admin,
        county=tree.county,
        rule_code=RuleCode.SCHOOLING_COST,
        enabled=False,
        effective_from=D(2026, 1, 1),
    )
    finished = run()
    assert not Alert.objects.filter(archive=household, rule_code=RuleCode.SCHOOLING_COST).exists()
    assert finished.counts[RuleCode.SCHOOLING_COST]["disabled_in"] == [tree.county.name]


def test_county_overrides_apply_from_their_date_and_are_recorded_in_the_facts(tree, users):
    household = figures(archived(tree.a1), schooling_expense=Decimal("8000"))
    services.rule_setting_set(
        actor=users.county_admin,
        county=tree.county,
        rule_code=RuleCode.SCHOOLING_COST,
        enabled=True,
        overrides={"yearly": 8000},
        effective_from=ON + datetime.timedelta(days=1),
    )
    run()  # the override is not in force yet
    assert not Alert.objects.filter(archive=household).exists()
    run(on=ON + datetime.timedelta(days=1))
    alert = Alert.objects.get(archive=household, rule_code=RuleCode.SCHOOLING_COST)
    assert alert.facts["line"] == "8000.00"
    assert alert.facts["parameters"]["yearly"] == 8000


def test_county_settings_are_for_the_county_admin_only(tree, users):
    with pytest.raises(PermissionDenied):
        services.rule_setting_set(
            actor=users.township_staff,
            county=tree.county,
            rule_code=RuleCode.JOB_LOSS,
            enabled=False,
        )


# --- runs and de-duplication --------------------------------------------------------------------


def test_a_second_run_opens_nothing_new_and_records_itself(tree):
    household = schooling_household(tree.a1)
    job_loss(household)
    first = run()
    second = run()
    assert first.opened == 2 and first.status == "done" and first.progress == 100
    assert first.counts[RuleCode.JOB_LOSS] | {"ms": 0} == {"fired": 1, "opened": 1, "ms": 0}
    assert second.opened == 0
    assert Alert.objects.filter(archive=household).count() == 2
    assert AuditEvent.objects.filter(object_type="assistance.MonitoringRun").count() == 2


def test_the_database_refuses_a_second_open_alert_for_the_same_rule_and_household(tree):
    household = schooling_household(tree.a1)
    run()
    alert = Alert.objects.get(archive=household)
    duplicate = Alert(
        org=alert.org,
        rule=alert.rule,
        rule_code=alert.rule_code,
        archive=household,
        risk="low",
        opened_on=ON,
        deadline=ON,
    )
    Alert.objects.bulk_create([duplicate], ignore_conflicts=True)
    assert Alert.objects.filter(archive=household).count() == 1


def test_after_closing_a_fact_alert_the_same_fact_does_not_fire_again_but_a_new_one_does(tree):
    household = applied(tree.a1)
    job_loss(household, days_ago=20)
    run()
    alert = Alert.objects.get(archive=household)
    services.alert_close(actor=None, alert=alert, outcome="helped", reason="已推荐就业岗位")
    run()
    assert Alert.objects.filter(archive=household).count() == 1
    job_loss(household, days_ago=2)
    run()
    assert Alert.objects.filter(archive=household, status="open").count() == 1


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_open_each_alert_once(tree):
    households = [schooling_household(tree.a1) for _ in range(5)]
    errors = []

    def worker():
        try:
            services.monitoring_run(on=ON, trigger="scheduled")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Alert.objects.filter(archive__in=households).count() == 5
    assert sum(r.opened for r in MonitoringRun.objects.all()) == 5


def test_on_demand_runs_are_for_county_level_staff(tree, users):
    with pytest.raises(PermissionDenied):
        services.monitoring_run(actor=users.township_staff, trigger="on_demand", on=ON)
    finished = services.monitoring_run(actor=users.county_staff, trigger="on_demand", on=ON)
    assert (finished.county, finished.by) == (tree.county, users.county_staff)


def test_a_queued_run_refuses_another_for_the_same_county(
    tree, users, django_capture_on_commit_callbacks
):
    queued = services.monitoring_run_create(
        actor=users.county_staff, county=None, trigger="on_demand", on=ON
    )
    with pytest.raises(Conflict):
        tasks.monitoring_run_start(actor=users.county_staff)
    assert queued.status == "queued"


def test_the_background_task_runs_a_queued_run(tree, users, django_capture_on_commit_callbacks):
    schooling_household(tree.a1)
    with django_capture_on_commit_callbacks(execute=True):
        started = tasks.monitoring_run_start(actor=users.county_staff)
    started.refresh_from_db()
    assert (started.status, started.opened, started.progress) == ("done", 1, 100)


def test_the_management_command_runs_all_counties(tree):
    from django.core.management import call_command

    schooling_household(tree.a1)
    call_command("monitoring_run", "--date", ON.isoformat(), verbosity=0)
    scheduled = MonitoringRun.objects.get()
    assert (scheduled.trigger, scheduled.opened, scheduled.county) == ("scheduled", 1, None)


# --- assignment and deadlines --------------------------------------------------------------------


def test_alerts_go_to_the_least_loaded_editor_at_the_nearest_org_up_the_tree(tree, users):
    from gonghui.testing.fixtures import make_user

    a1_household = schooling_household(tree.a1)
    ae_households = [schooling_household(tree.ae) for _ in range(2)]
    b1_households = [schooling_household(tree.b1) for _ in range(3)]
    run()

    def assignee(archive):
        return Alert.objects.get(archive=archive).assigned_to

    # A1 has its own grassroots staff; AE has nobody, so township A's two editors share it;
    # B's subtree has nobody, so the county's editors (admin, staff) take turns.
    assert assignee(a1_household) == users.grassroots_staff
    assert {assignee(h) for h in ae_households} == {users.township_staff, users.social_worker}
    assert {assignee(h) for h in b1_households} == {users.county_admin, users.county_staff}
    assert users.leader not in {assignee(h) for h in b1_households}  # view-only role
    del make_user


def test_handing_out_a_batch_matches_handing_out_one_by_one(tree, users):
    from gonghui.assistance.monitoring.assignment import Assigner

    # given alerts at a union with editors, one whose township has two, one whose subtree
    # has none (the county's) and an org that does not exist
    orgs = [tree.a1.pk, tree.ae.pk, tree.ae.pk, tree.b1.pk, tree.b1.pk, tree.ae.pk, 0]
    one_by_one = Assigner()
    expected = [one_by_one.pick(org) for org in orgs]
    # then a batch gives the same people in the same order, spreading the load
    assert Assigner().pick_many(orgs) == expected
    assert expected[0] == users.grassroots_staff.pk
    assert set(expected[1:3]) == {users.township_staff.pk, users.social_worker.pk}
    assert set(expected[3:5]) == {users.county_admin.pk, users.county_staff.pk}
    assert expected[-1] is None


def test_working_days_skip_the_national_day_week():
    # 2025: 1–8 October off, Sunday 28 September and Saturday 11 October are working days
    assert not is_working_day(D(2025, 10, 3))
    assert is_working_day(D(2025, 9, 28)) and is_working_day(D(2025, 10, 11))
    assert working_days_after(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert working_days_after(D(2025, 9, 26), 1) == D(2025, 9, 28)
    # a year chinese-calendar does not know yet falls back to Monday–Friday
    assert working_days_after(D(2031, 1, 3), 1) == D(2031, 1, 6)


def test_alert_deadlines_count_working_days_by_risk(tree):
    household = schooling_household(tree.a1)  # medium risk: 7 working days
    late = figures(archived(tree.a1), next_review_due=D(2025, 9, 1))  # low: 15
    medical(household, "30000", on=D(2025, 9, 30), days_ago=1)  # high: 3
    run(on=D(2025, 9, 30))
    deadlines = dict(
        Alert.objects.filter(archive__in=[household, late]).values_list("rule_code", "deadline")
    )
    assert deadlines[RuleCode.MEDICAL_COST] == D(2025, 10, 11)
    assert deadlines[RuleCode.SCHOOLING_COST] == D(2025, 10, 16)
    assert deadlines[RuleCode.REVIEW_OVERDUE] == D(2025, 10, 28)


# --- closing -------------------------------------------------------------------------------------


def _open_alert(tree):
    schooling_household(tree.a1)
    run()
    return Alert.objects.get()


def test_closing_needs_an_outcome_and_a_reason_and_changes_nothing_otherwise(tree, users):
    alert = _open_alert(tree)
    for outcome, reason in (
        ("", "已核实"),
        ("helped", ""),
        ("nonsense", "已核实"),
        ("no_action", " "),
    ):
        with pytest.raises(ValidationFailed):
            services.alert_close(
                actor=users.township_staff, alert=alert, outcome=outcome, reason=reason
            )
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.closed_at) == ("open", "", None)


def test_closing_records_outcome_reason_who_and_when_and_cannot_repeat(tree, users):
    alert = _open_alert(tree)
    closed = services.alert_close(
        actor=users.township_staff, alert=alert, outcome="no_action", reason="孩子已获奖学金"
    )
    assert (closed.status, closed.outcome, closed.close_reason) == (
        "closed",
        "no_action",
        "孩子已获奖学金",
    )
    assert closed.closed_by == users.township_staff and closed.closed_at is not None
    assert AuditEvent.objects.filter(object_type="assistance.Alert", action="updated").exists()
    with pytest.raises(Conflict):
        services.alert_close(
            actor=users.township_staff, alert=alert, outcome="helped", reason="再次"
        )


def test_closing_out_of_scope_looks_like_missing(tree, users):
    from gonghui.testing.fixtures import make_user

    alert = _open_alert(tree)
    outsider = make_user("b_staff", "township_staff", tree.b)
    with pytest.raises(NotFound):
        services.alert_close(actor=outsider, alert=alert, outcome="helped", reason="已帮扶")
    alert.refresh_from_db()
    assert alert.status == "open"


def test_facts_refuse_bad_input_with_chinese_messages(tree, users):
    household = applied(tree.a1)
    cases = [
        dict(id_number=household.id_number, occurred_on=ON, care="inpatient", self_paid="-1"),
        dict(id_number=household.id_number, occurred_on=ON, care="inpatient", self_paid="abc"),
        dict(id_number="123", occurred_on=ON, care="inpatient", self_paid="100"),
        dict(id_number=household.id_number, occurred_on=D(2099, 1, 1), care="x", self_paid="1"),
    ]
    for case in cases:
        with pytest.raises(ValidationFailed):
            services.medical_expense_record(actor=users.township_staff, **case)
    # a township B user cannot record facts for a household of township A
    from gonghui.testing.fixtures import make_user

    outsider = make_user("b_clerk", "township_staff", tree.b)
    with pytest.raises(ValidationFailed, match="不在您的管理范围内"):
        services.job_loss_record(actor=outsider, id_number=household.id_number, lost_on=ON)

"""Follow-ups: the schedule across month ends and holidays, configurable offsets, results up
to a final outcome, bad input, assignment in scope."""

import datetime

import pytest
from django.utils import timezone

from gonghui.assistance.models import ArchiveStep, EmploymentReport
from gonghui.assistance.programmes.tests.factories import archived
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.outreach.caravans.models import CaravanStop, OnSiteRegistration
from gonghui.outreach.caravans.tests.factories import build_stop, register
from gonghui.outreach.followups import services
from gonghui.outreach.followups.models import FollowUp, FollowUpSettings
from gonghui.testing.fixtures import make_user

D = datetime.date
pytestmark = pytest.mark.django_db


def test_due_dates_run_across_month_ends_as_the_calendar_does():
    # 31 January + 30 days is 2 March (a Monday, a working day); leap years count their day
    assert services.due_date(D(2026, 1, 31), 30, True) == D(2026, 3, 2)
    assert services.due_date(D(2028, 1, 31), 30, False) == D(2028, 3, 1)
    assert services.due_date(D(2026, 11, 30), 7, True) == D(2026, 12, 7)


def test_due_dates_on_holidays_and_weekends_move_to_the_next_working_day():
    # 2026 Spring Festival holiday: 15–23 February; 24 February is the first working day
    assert services.due_date(D(2026, 1, 24), 30, True) == D(2026, 2, 24)
    # National Day week: 1–7 October; the 7-day follow-up of 24 September waits until the 8th
    assert services.due_date(D(2026, 9, 24), 7, True) == D(2026, 10, 8)
    # a Saturday moves to Monday; without the rule it stays
    assert services.due_date(D(2026, 3, 7), 7, True) == D(2026, 3, 16)
    assert services.due_date(D(2026, 3, 7), 7, False) == D(2026, 3, 14)


def _confirmed_at_past_stop(tree, *, days_ago=1, **kwargs):
    """A confirmed job-aid registration whose stop was held `days_ago` days ago."""
    stop = build_stop(org=tree.a1)
    made = register(stop, **kwargs)
    start = timezone.now() - datetime.timedelta(days=days_ago)
    CaravanStop.objects.filter(pk=stop.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    OnSiteRegistration.objects.filter(pk=made.pk).update(registered_on=timezone.localdate(start))
    made.refresh_from_db()
    return made


def test_follow_ups_are_scheduled_from_the_stop_with_the_county_schedule(tree, users):
    made = register(build_stop(org=tree.a1))
    stop_day = timezone.localdate(made.stop.starts_at)
    assert list(made.followups.values_list("number", "offset_days", "due_on")) == [
        (n, d, services.due_date(stop_day, d, True)) for n, d in ((1, 7), (2, 30), (3, 90))
    ]
    services.followup_settings_set(
        actor=users.county_admin, county=tree.county, offsets="3, 14", working_days_only=False
    )
    later = register(build_stop(org=tree.a1))
    day = timezone.localdate(later.stop.starts_at)
    assert list(later.followups.values_list("offset_days", "due_on")) == [
        (3, day + datetime.timedelta(days=3)),
        (14, day + datetime.timedelta(days=14)),
    ]
    # the ones scheduled before keep their dates
    assert made.followups.count() == 3


def test_the_schedule_is_set_at_the_county_only_and_checked(tree, users):
    with pytest.raises(ValidationFailed) as refused:
        services.followup_settings_set(actor=users.county_admin, county=tree.county, offsets="30,7")
    assert "从小到大" in refused.value.fields["offsets"][0]
    with pytest.raises(NotFound):
        services.followup_settings_set(actor=users.township_staff, county=tree.county, offsets="7")
    assert not FollowUpSettings.objects.exists()


def test_a_job_found_ends_the_follow_up_with_employer_and_pay(tree, users, enterprise_factory):
    made = _confirmed_at_past_stop(tree, days_ago=20)
    first, second, third = made.followups.order_by("number")
    employer = enterprise_factory(org=tree.a, name="甲镇电子厂")
    services.followup_record(
        actor=users.township_staff,
        followup=first,
        done_on=timezone.localdate() - datetime.timedelta(days=10),
        result="training_started",
        note="已参加焊工班",
    )
    made.refresh_from_db()
    assert made.trained_on is not None and made.outcome == ""
    services.followup_record(
        actor=users.township_staff,
        followup=second,
        done_on=timezone.localdate(),
        result="employed",
        employer=employer,
        monthly_pay=5200,
    )
    made.refresh_from_db()
    assert (made.outcome, made.employer, made.employer_name, made.monthly_pay) == (
        "employed",
        employer,
        "甲镇电子厂",
        5200,
    )
    assert made.days_to_job == 20
    third.refresh_from_db()
    assert third.status == "closed"


def test_the_last_follow_up_decides_the_outcome_when_no_job_was_found(tree, users):
    made = _confirmed_at_past_stop(tree, days_ago=100)
    followups = list(made.followups.order_by("number"))
    for f in followups:
        services.followup_record(
            actor=users.township_staff,
            followup=f,
            done_on=timezone.localdate(),
            result="still_looking",
        )
    made.refresh_from_db()
    assert (made.outcome, made.outcome_on) == ("still_looking", timezone.localdate())
    # unreachable, marked final at the first follow-up, closes the rest
    other = _confirmed_at_past_stop(tree, days_ago=10)
    first = other.followups.order_by("number").first()
    services.followup_record(
        actor=users.township_staff,
        followup=first,
        done_on=timezone.localdate(),
        result="unreachable",
        final=True,
    )
    other.refresh_from_db()
    assert other.outcome == "unreachable"
    assert set(other.followups.values_list("status", flat=True)) == {"done", "closed"}


def test_a_result_dated_before_the_registration_or_without_employer_is_refused(tree, users):
    made = _confirmed_at_past_stop(tree, days_ago=5)
    followup = made.followups.order_by("number").first()
    before = (
        list(FollowUp.objects.values_list("status", "result")),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationFailed) as refused:
        services.followup_record(
            actor=users.township_staff,
            followup=followup,
            done_on=made.registered_on - datetime.timedelta(days=1),
            result="employed",
        )
    fields = refused.value.fields
    assert fields["done_on"] == [f"回访日期不能早于登记日期({made.registered_on:%Y-%m-%d})。"]
    assert fields["employer_name"] == ["已就业的请填写就业单位。"]
    assert fields["monthly_pay"] == ["已就业的请填写月工资(元)。"]
    after = (list(FollowUp.objects.values_list("status", "result")), AuditEvent.objects.count())
    assert after == before


def test_a_job_found_by_an_archived_household_becomes_a_fact_for_its_archive(tree, users):
    household = archived(tree.a1)
    made = _confirmed_at_past_stop(
        tree, days_ago=8, consent=True, id_number=household.id_number, name=household.name
    )
    assert made.archive == household
    services.followup_record(
        actor=users.township_staff,
        followup=made.followups.order_by("number").first(),
        done_on=timezone.localdate(),
        result="employed",
        employer_name="乙镇物流公司",
        monthly_pay=4800,
    )
    report = EmploymentReport.objects.get(archive=household)
    assert (report.employer_name, report.monthly_pay, report.source) == (
        "乙镇物流公司",
        4800,
        "outreach",
    )
    assert ArchiveStep.objects.filter(archive=household, action="employment").exists()


def test_follow_ups_go_to_staff_whose_scope_covers_them(tree, users):
    made = register(build_stop(org=tree.a1))
    rows = list(made.followups.all())
    colleague = make_user("a_worker", "social_worker", tree.a)
    stranger = make_user("b_worker", "social_worker", tree.b)
    services.followup_assign(actor=users.township_staff, followups=rows, assignee=colleague)
    assert set(FollowUp.objects.values_list("assigned_to", flat=True)) == {colleague.pk}
    with pytest.raises(ValidationFailed):
        services.followup_assign(actor=users.township_staff, followups=rows, assignee=stranger)
    assert set(FollowUp.objects.values_list("assigned_to", flat=True)) == {colleague.pk}


def test_staff_who_registered_the_worker_follow_them_up(tree, users):
    made = register(build_stop(org=tree.a1), actor=users.grassroots_staff)
    assert set(made.followups.values_list("assigned_to", flat=True)) == {users.grassroots_staff.pk}


def test_the_assign_form_reports_in_chinese_and_writes_nothing(tree, users, login):
    from django.contrib.messages import get_messages

    made = register(build_stop(org=tree.a1))
    followup = made.followups.order_by("number").first()
    elsewhere = make_user("ae_staff", "grassroots_staff", tree.ae)
    client = login(users.township_staff)
    before = (
        list(FollowUp.objects.order_by("pk").values_list("assigned_to", flat=True)),
        AuditEvent.objects.count(),
    )

    def flashed(data) -> list[str]:
        response = client.post("/outreach/followups/assign/", data)
        assert response.status_code == 302
        shown = [str(m) for m in get_messages(response.wsgi_request)]
        client.cookies.pop("messages", None)
        return shown

    assert flashed({"assignee": elsewhere.pk}) == ["请选择要分派的回访。"]
    assert flashed({"assignee": elsewhere.pk, "followups": [followup.pk]}) == [
        f"{elsewhere.display_name} 不负责甲镇一村工会的回访，不能分派。"
    ]
    after = (
        list(FollowUp.objects.order_by("pk").values_list("assigned_to", flat=True)),
        AuditEvent.objects.count(),
    )
    assert after == before

"""Nominations through review, public notice and approval; pre-checks with and without the
rights module; barred-year rules as data; revocation."""

import datetime
import sys
import types
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.forms.models import model_to_dict

from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.workforce.honours.models import Honour, HonourKind
from gonghui.workforce.pioneers import prechecks, services
from gonghui.workforce.pioneers.models import (
    BarRule,
    IncidentKind,
    Nomination,
    NominationStatus,
)
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@dataclass
class FakeRightsStatus:
    contract_in_force: bool
    open_wage_findings: int
    open_legal_aid_cases: int
    risk: str
    explanation: str


@pytest.fixture
def rights(monkeypatch):
    """Stand in for the rights module (built concurrently): installed, answering from a dict."""
    answers: dict[int, FakeRightsStatus] = {}
    module = types.ModuleType("gonghui.rights.selectors")
    module.employer_rights_status = lambda ids: {i: answers[i] for i in ids if i in answers}
    monkeypatch.setitem(sys.modules, "gonghui.rights.selectors", module)
    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "gonghui.rights" or real(name))
    return answers


@pytest.fixture
def no_rights(monkeypatch):
    """As on a platform without the rights module."""
    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "gonghui.rights" and real(name))


def _team(org, **extra):
    employer = f.covered_enterprise(org, has_union=True, **extra)
    return services.team_create(actor=None, enterprise=employer, name="焊接一班", kind="crew")


def _nominate(actor, org, team):
    return services.nomination_create(
        actor=actor,
        org=org,
        kind="pioneer",
        level="county",
        year=TODAY.year,
        team=team,
        deeds="连续三年安全生产无事故，攻克焊接难题 5 项。",
        workers_heard_on=TODAY,
        workers_heard_note="班组职工大会",
    )


def _to_notice(nomination, actor, days_ago=10):
    nomination = services.nomination_review(actor=actor, nomination=nomination, note="同意")
    start = TODAY - datetime.timedelta(days=days_ago)
    return services.nomination_notice(
        actor=actor,
        nomination=nomination,
        notice_from=start,
        notice_until=start + datetime.timedelta(days=6),
    )


def test_without_the_rights_module_its_checks_say_not_checked_never_passed(tree, no_rights):
    assert not apps.is_installed("gonghui.rights")
    team = _team(tree.a1)
    checks = {c.code: c for c in prechecks.nomination_prechecks(_nominate(None, tree.a1, team))}
    assert checks["union"].status == prechecks.PASSED
    for code in ("contract", "wage", "legal_aid"):
        assert checks[code].status == prechecks.NOT_CHECKED
        assert checks[code].detail == "未核查(维权模块未启用)"


def test_with_the_rights_module_its_answers_are_used(tree, rights):
    team = _team(tree.a1)
    rights[team.enterprise_id] = FakeRightsStatus(False, 2, 0, "高", "两项欠薪问题未整改。")
    checks = {c.code: c for c in prechecks.nomination_prechecks(_nominate(None, tree.a1, team))}
    assert checks["contract"].status == prechecks.FAILED
    assert checks["wage"].status == prechecks.FAILED
    assert "有 2 项未结的工资支付检查问题" in checks["wage"].detail
    assert checks["legal_aid"].status == prechecks.PASSED


def test_an_employer_the_rights_module_does_not_know_is_not_checked(tree, rights):
    team = _team(tree.a1)
    checks = {c.code: c for c in prechecks.nomination_prechecks(_nominate(None, tree.a1, team))}
    assert checks["wage"].status == prechecks.NOT_CHECKED
    assert "未返回该单位" in checks["wage"].detail


def test_no_union_fails(tree):
    employer = f.enterprise(tree.a1, has_union=False)
    team = services.team_create(actor=None, enterprise=employer, name="一班", kind="crew")
    checks = {c.code: c for c in prechecks.nomination_prechecks(_nominate(None, tree.a1, team))}
    assert checks["union"].status == prechecks.FAILED


def test_barred_year_rules_are_data_and_bar_within_their_years(tree, users):
    team = _team(tree.a1)
    services.incident_record(
        actor=users.county_staff,
        enterprise=team.enterprise,
        kind=IncidentKind.SAFETY_ACCIDENT,
        occurred_on=TODAY - datetime.timedelta(days=365 * 2),
        description="一起较大生产安全事故",
    )
    nomination = _nominate(None, tree.a1, team)
    # No rule: nothing bars
    assert not prechecks.failed(prechecks.nomination_prechecks(nomination))
    # A 3-year rule set by the county admin bars it
    services.bar_rule_set(
        actor=users.county_admin, county=tree.county, kind=IncidentKind.SAFETY_ACCIDENT, years=3
    )
    failed = prechecks.failed(prechecks.nomination_prechecks(nomination))
    assert [c.label for c in failed] == ["近 3 年无较大及以上生产安全事故"]
    # Shortened to 1 year, the same accident no longer bars
    services.bar_rule_set(
        actor=users.county_admin, county=tree.county, kind=IncidentKind.SAFETY_ACCIDENT, years=1
    )
    assert not prechecks.failed(prechecks.nomination_prechecks(nomination))


def test_only_a_county_admin_sets_barred_year_rules(tree, users):
    with pytest.raises(PermissionDenied):
        services.bar_rule_set(
            actor=users.county_staff, county=tree.county, kind=IncidentKind.MASS_INCIDENT, years=3
        )
    assert not BarRule.objects.exists()


def test_nomination_through_review_notice_and_approval(tree, users):
    team = _team(tree.a1)
    nomination = _nominate(users.grassroots_staff, tree.a1, team)
    nomination = _to_notice(nomination, users.township_staff)
    nomination = services.nomination_approve(actor=users.township_staff, nomination=nomination)
    assert nomination.status == NominationStatus.APPROVED
    # the rights module's answers are kept with the approval
    kept = {c["code"]: c["status"] for c in nomination.prechecks}
    assert (kept["contract"], kept["wage"], kept["legal_aid"]) == ("passed",) * 3
    honour = Honour.objects.get(nomination=nomination)
    assert (honour.kind, honour.team, honour.enterprise) == (
        HonourKind.PIONEER,
        team,
        team.enterprise,
    )


def test_approval_before_the_notice_ends_is_refused(tree, users):
    nomination = _to_notice(
        _nominate(None, tree.a1, _team(tree.a1)), users.county_staff, days_ago=2
    )
    with pytest.raises(ValidationFailed) as exc:
        services.nomination_approve(actor=users.county_staff, nomination=nomination)
    assert "期满后才能审批" in exc.value.message
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.NOTICE


def test_a_notice_shorter_than_five_days_is_refused(tree, users):
    nomination = services.nomination_review(
        actor=users.county_staff, nomination=_nominate(None, tree.a1, _team(tree.a1))
    )
    with pytest.raises(ValidationFailed) as exc:
        services.nomination_notice(
            actor=users.county_staff,
            nomination=nomination,
            notice_from=TODAY,
            notice_until=TODAY + datetime.timedelta(days=3),
        )
    assert exc.value.fields["notice_until"] == ["公示期不少于 5 天。"]


def test_an_open_or_upheld_objection_blocks_approval(tree, users):
    nomination = _to_notice(_nominate(None, tree.a1, _team(tree.a1)), users.county_staff)
    objection = services.objection_record(
        actor=users.county_staff,
        nomination=nomination,
        received_on=TODAY - datetime.timedelta(days=5),
        content="该班组去年有违规操作。",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.nomination_approve(actor=users.county_staff, nomination=nomination)
    assert "尚未核实" in exc.value.message
    services.objection_resolve(
        actor=users.county_staff, objection=objection, outcome="upheld", note="经查属实"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.nomination_approve(actor=users.county_staff, nomination=nomination)
    assert "属实" in exc.value.message
    assert not Honour.objects.exists()


def test_a_failed_precheck_blocks_approval(tree, users, rights):
    team = _team(tree.a1)
    rights[team.enterprise_id] = FakeRightsStatus(True, 0, 1, "中", "一件法律援助案件未结。")
    nomination = _to_notice(_nominate(None, tree.a1, team), users.county_staff)
    with pytest.raises(ValidationFailed) as exc:
        services.nomination_approve(actor=users.county_staff, nomination=nomination)
    assert "无未结的法律援助案件" in exc.value.message
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.NOTICE


def test_approval_outside_scope_or_without_approve_is_refused(tree, users):
    nomination = _to_notice(_nominate(None, tree.a1, _team(tree.a1)), users.county_staff)
    before = model_to_dict(Nomination.objects.get(pk=nomination.pk))
    for actor in (users.grassroots_staff, users.social_worker, users.leader):
        with pytest.raises(NotFound):
            services.nomination_approve(actor=actor, nomination=nomination)
    other = _to_notice(_nominate(None, tree.b1, _team(tree.b1)), users.county_staff)
    with pytest.raises(NotFound):
        services.nomination_approve(actor=users.township_staff, nomination=other)
    assert model_to_dict(Nomination.objects.get(pk=nomination.pk)) == before
    assert not Honour.objects.exists()


def test_revocation_marks_the_honour_revoked(tree, users):
    nomination = _to_notice(_nominate(None, tree.a1, _team(tree.a1)), users.county_staff)
    nomination = services.nomination_approve(actor=users.county_staff, nomination=nomination)
    services.nomination_revoke(
        actor=users.county_staff, nomination=nomination, reason="发生安全事故"
    )
    honour = Honour.objects.get()
    assert honour.revoked and honour.revoke_reason == "发生安全事故"
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.REVOKED


def test_a_person_honour_needs_a_member_and_a_team_honour_a_team(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.nomination_create(
            actor=None,
            org=tree.a1,
            kind="medal",
            level="county",
            year=TODAY.year,
            team=_team(tree.a1),
            deeds="事迹",
            workers_heard_on=TODAY,
            workers_heard_note="会议",
        )
    assert "member" in exc.value.fields
    assert not Nomination.objects.exists()


def test_nominating_twice_the_same_year_is_refused(tree):
    team = _team(tree.a1)
    _nominate(None, tree.a1, team)
    with pytest.raises(ValidationFailed) as exc:
        _nominate(None, tree.a1, team)
    assert "本年度已有同一荣誉的推荐" in exc.value.message
    assert Nomination.objects.count() == 1


def test_excellent_team_selection_puts_the_honour_on_the_ledger(tree, users):
    team = _team(tree.a1)
    item = services.excellent_team_propose(actor=users.grassroots_staff, team=team, year=TODAY.year)
    with pytest.raises(NotFound):
        services.excellent_team_decide(actor=users.grassroots_staff, item=item, selected=True)
    services.excellent_team_decide(actor=users.township_staff, item=item, selected=True)
    assert Honour.objects.get().kind == HonourKind.EXCELLENT_TEAM


def test_training_bad_input_reports_every_field(tree, users):
    with pytest.raises(ValidationFailed) as exc:
        services.training_record(
            actor=users.township_staff,
            org=tree.a1,
            held_on=TODAY + datetime.timedelta(days=3),
            topic="",
            trainer="",
            attendees=0,
            hours="abc",
        )
    assert set(exc.value.fields) == {"held_on", "topic", "trainer", "attendees", "hours"}

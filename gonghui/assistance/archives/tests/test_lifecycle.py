"""The archive lifecycle: every legal step, every refused step (nothing changes), roles, scope."""

import datetime
from decimal import Decimal

import pytest

from gonghui.assistance.archives import services
from gonghui.assistance.archives.lifecycle import TRANSITIONS, refusal
from gonghui.assistance.archives.tests.factories import (
    APPROVED_ON,
    ARCHIVED_ON,
    CHECKED_ON,
    EXITED_ON,
    POOR,
    RECOVERED,
    VISITED_ON,
    WATCHED_ON,
    advance,
    archive_in,
    authorisation_for,
    build_archive,
)
from gonghui.assistance.choices import (
    ArchiveStatus,
    HardshipCategory,
    ReviewKind,
    ReviewOutcome,
    StepAction,
)
from gonghui.assistance.models import ArchiveStep, HardshipArchive
from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db
S = ArchiveStatus


def _state(archive):
    fresh = HardshipArchive.objects.get(pk=archive.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.category,
        fresh.steps.count(),
        fresh.assessments.count(),
        fresh.reviews.count(),
    )


def _authorisation_row(archive):
    """A signed authorisation on file, without a trail step (so snapshots stay comparable)."""
    from gonghui.assistance.models import ArchiveAttachment

    return ArchiveAttachment.objects.get_or_create(
        archive=archive,
        kind="authorisation",
        defaults=dict(
            file="assistance/x.pdf",
            stored_name="x.pdf",
            original_name="授权书.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        ),
    )[0]


def _take(action, archive, actor=None, on=None):
    """Take a lifecycle action with valid arguments; returns what the service returns."""
    day = on or datetime.date(2025, 12, 1)
    if action == StepAction.CHECK:
        return services.archive_check(actor=actor, archive=archive, on=day)
    if action == StepAction.VISIT:
        auth = _authorisation_row(archive)
        return services.archive_visit(
            actor=actor, archive=archive, authorisation=auth, on=day, visitors="王五"
        )
    if action == StepAction.APPROVE:
        return services.archive_approve(actor=actor, archive=archive, on=day)
    if action == StepAction.FILE:
        return services.archive_file(actor=actor, archive=archive, on=day)
    if action == StepAction.REVIEW:
        return services.archive_review(actor=actor, archive=archive, on=day)
    if action == StepAction.EXIT:
        return services.archive_exit(actor=actor, archive=archive, reason="收入提高", on=day)
    if action == StepAction.WATCH:
        return services.archive_watch(actor=actor, archive=archive, on=day)
    if action == StepAction.RELAPSE:
        return services.archive_relapse(actor=actor, archive=archive, on=day, **POOR)
    if action == StepAction.REJECT:
        return services.archive_reject(actor=actor, archive=archive, reason="不符合", on=day)
    raise AssertionError(action)


def test_full_walk_records_each_step_with_dates_and_trail(tree):
    # given a new application
    archive = build_archive(org=tree.a1)
    assert (archive.status, archive.category) == (S.APPLIED, HardshipCategory.DEEP)
    # when it walks the whole lifecycle
    archive = advance(archive, S.WATCHED)
    # then each step is on the trail, in order, with its dates
    trail = list(
        archive.steps.order_by("at", "id").values_list("action", "from_status", "to_status")
    )
    assert trail == [
        ("apply", "", "applied"),
        ("check", "applied", "grassroots_checked"),
        ("attach", "grassroots_checked", "grassroots_checked"),
        ("visit", "grassroots_checked", "visited"),
        ("approve", "visited", "approved"),
        ("file", "approved", "archived"),
        ("review", "archived", "archived"),
        ("exit", "archived", "exited"),
        ("watch", "exited", "watched"),
    ]
    assert archive.approved_on == APPROVED_ON
    assert archive.archived_on == ARCHIVED_ON
    assert archive.archive_number.endswith(f"2025{archive.pk:07d}")
    assert archive.exited_on == EXITED_ON
    assert archive.watch_until == datetime.date(2027, 9, 1)  # 2 watch years by default
    assert archive.next_review_due is None
    assert archive.category == HardshipCategory.NONE
    visit = archive.steps.get(action=StepAction.VISIT)
    assert visit.data["authorisation"] == archive.attachments.get().pk
    assert visit.on == VISITED_ON


def test_every_step_writes_an_audit_event_without_personal_data(tree):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    events = AuditEvent.objects.filter(
        object_type="assistance.HardshipArchive", object_id=str(archive.pk)
    )
    steps = [e.detail.get("step") for e in events.order_by("id")]
    assert steps[:1] == [None]  # created
    assert {"check", "visit", "approve", "file"} <= set(steps)
    assert events.filter(action=AuditAction.APPROVED, detail__step="approve").exists()
    assert archive.id_number not in str(list(events.values_list("detail", flat=True)))


def test_filing_schedules_the_yearly_review(tree):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    assert archive.next_review_due == datetime.date(2026, 1, 6)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (action, status)
        for action, transition in TRANSITIONS.items()
        for status in ArchiveStatus.values
        if status not in transition.sources
    ],
)
def test_every_out_of_order_step_is_refused_and_changes_nothing(tree, action, status):
    # given an archive in a status the action does not start from
    archive = archive_in(status, org=tree.a1)
    before = _state(archive)
    if action == StepAction.VISIT:
        _authorisation_row(archive)
    before = _state(archive)
    # when the step is attempted (by the system, so only the order can refuse it)
    with pytest.raises(Conflict) as refused:
        _take(action, archive)
    # then a Chinese reason, and nothing changed
    assert refused.value.message == refusal(status, action)
    assert refused.value.message.startswith("该档案")
    assert _state(archive) == before


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (S.APPLIED, "该档案尚未完成基层核实，不能审批。"),
        (S.GRASSROOTS_CHECKED, "该档案尚未完成入户核查，不能审批。"),
        (S.APPROVED, "该档案已审批，不能重复审批。"),
        (S.REJECTED, "该档案当前状态为“未予建档”，不能审批。"),
    ],
)
def test_approval_out_of_order_names_the_missing_step(tree, status, message):
    archive = archive_in(status, org=tree.a1)
    with pytest.raises(Conflict, match=message):
        services.archive_approve(actor=None, archive=archive)


@pytest.mark.parametrize("status", [S.APPLIED, S.GRASSROOTS_CHECKED, S.VISITED])
def test_reject_is_legal_before_approval(tree, status):
    archive = archive_in(status, org=tree.a1)
    rejected = services.archive_reject(actor=None, archive=archive, reason="收入超标")
    assert rejected.status == S.REJECTED
    assert rejected.rejected_reason == "收入超标"


def test_rejection_is_audited_with_the_failure_result_not_in_its_detail(tree, users):
    # given an applied archive rejected by its grassroots union
    archive = archive_in(S.APPLIED, org=tree.a1)
    services.archive_reject(actor=users.grassroots_staff, archive=archive, reason="收入超标")
    # then the audit event carries result=failure as its result; the detail only the step
    event = AuditEvent.objects.filter(object_id=str(archive.pk), detail__step="reject").get()
    assert event.result == AuditResult.FAILURE
    assert "result" not in event.detail
    assert event.detail["to_status"] == S.REJECTED


def test_visit_needs_the_signed_authorisation(tree):
    # given a checked archive with evidence only
    archive = archive_in(S.GRASSROOTS_CHECKED, org=tree.a1)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.assistance.archives.tests.factories import PDF_BYTES

    evidence = services.attachment_add(
        actor=None,
        archive=archive,
        kind="evidence",
        file=SimpleUploadedFile("病历.pdf", PDF_BYTES),
    )
    before = _state(archive)
    # when the visit is recorded with it as the authorisation
    with pytest.raises(ValidationFailed, match="签字的授权书"):
        services.archive_visit(actor=None, archive=archive, authorisation=evidence, visitors="甲")
    # then nothing changed
    assert _state(archive) == before


def test_visit_needs_visitors(tree):
    archive = archive_in(S.GRASSROOTS_CHECKED, org=tree.a1)
    auth = authorisation_for(archive)
    with pytest.raises(ValidationFailed, match="入户核查人员"):
        services.archive_visit(actor=None, archive=archive, authorisation=auth, visitors=" ")


def test_approval_refuses_a_household_no_longer_eligible_on_the_day(tree):
    # given a visited archive whose income has meanwhile risen above the lines
    archive = archive_in(S.VISITED, org=tree.a1)
    archive = services.archive_update(actor=None, archive=archive, **RECOVERED)
    before = _state(archive)
    # when the county approves
    with pytest.raises(ValidationFailed, match="不符合建档条件，不能审批"):
        services.archive_approve(actor=None, archive=archive)
    # then nothing changed (not even an assessment)
    assert _state(archive) == before


def test_step_dates_cannot_run_backwards_or_into_the_future(tree):
    archive = archive_in(S.GRASSROOTS_CHECKED, org=tree.a1)
    with pytest.raises(ValidationFailed, match="不能早于上一步骤的日期"):
        services.archive_reject(
            actor=None, archive=archive, reason="x", on=datetime.date(2024, 1, 1)
        )
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        services.archive_reject(
            actor=None,
            archive=archive,
            reason="x",
            on=datetime.date.today() + datetime.timedelta(days=3),
        )


# --- roles and scope ---------------------------------------------------------------------


def test_grassroots_staff_check_in_scope_but_not_elsewhere(tree, users):
    own = build_archive(org=tree.a1)
    other = build_archive(org=tree.b1)
    checked = services.archive_check(actor=users.grassroots_staff, archive=own)
    assert checked.status == S.GRASSROOTS_CHECKED
    before = _state(other)
    with pytest.raises(NotFound):
        services.archive_check(actor=users.grassroots_staff, archive=other)
    assert _state(other) == before


def test_leader_cannot_take_edit_steps(tree, users):
    archive = build_archive(org=tree.a1)
    before = _state(archive)
    with pytest.raises(NotFound):
        services.archive_check(actor=users.leader, archive=archive)
    assert _state(archive) == before


@pytest.mark.parametrize("role", ["township_staff", "grassroots_staff", "social_worker"])
def test_only_the_county_approves(tree, users, role):
    # given a visited archive in A1 and a user below the county holding it in scope
    archive = archive_in(S.VISITED, org=tree.a1)
    before = _state(archive)
    # when they approve
    with pytest.raises(PermissionDenied, match="县总工会有审批权限"):
        services.archive_approve(actor=getattr(users, role), archive=archive)
    # then nothing changed
    assert _state(archive) == before


def test_county_staff_approve_and_are_recorded(tree, users):
    archive = archive_in(S.VISITED, org=tree.a1)
    approved = services.archive_approve(actor=users.county_staff, archive=archive)
    assert approved.status == S.APPROVED
    assert approved.approved_by == users.county_staff
    assert approved.steps.get(action="approve").actor == users.county_staff


def test_county_leader_cannot_approve(tree, users):
    archive = archive_in(S.VISITED, org=tree.a1)
    with pytest.raises(PermissionDenied):
        services.archive_approve(actor=users.leader, archive=archive)


def test_county_role_of_another_county_cannot_see_the_archive(tree):
    from gonghui.orgs.models import OrgLevel, OrgType
    from gonghui.orgs.services import org_create
    from gonghui.testing.fixtures import make_user

    other_county = org_create(
        actor=None,
        parent=tree.city,
        name="外县总工会",
        type=OrgType.FEDERATION,
        level=OrgLevel.COUNTY,
        code="998",
    )
    outsider = make_user("outsider", "county_staff", other_county)
    archive = archive_in(S.VISITED, org=tree.a1)
    before = _state(archive)
    with pytest.raises(NotFound):
        services.archive_approve(actor=outsider, archive=archive)
    assert _state(archive) == before


def test_exit_is_the_county_decision(tree, users):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    services.archive_review(actor=None, archive=archive, on=datetime.date(2025, 2, 1), **RECOVERED)
    before = _state(archive)
    with pytest.raises(PermissionDenied):
        services.archive_exit(actor=users.township_staff, archive=archive, reason="好转")
    assert _state(archive) == before
    exited = services.archive_exit(actor=users.county_admin, archive=archive, reason="好转")
    assert exited.status == S.EXITED


def test_rejecting_after_the_visit_is_for_the_county(tree, users):
    visited = archive_in(S.VISITED, org=tree.a1)
    with pytest.raises(PermissionDenied):
        services.archive_reject(actor=users.township_staff, archive=visited, reason="x")
    applied = build_archive(org=tree.a1)
    rejected = services.archive_reject(actor=users.grassroots_staff, archive=applied, reason="x")
    assert rejected.status == S.REJECTED


# --- reviews ----------------------------------------------------------------------------------


def test_yearly_review_still_eligible_continues_and_reschedules(tree, users):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    review = services.archive_review(
        actor=users.grassroots_staff,
        archive=archive,
        on=datetime.date(2025, 12, 20),
        findings="无变化",
    )
    archive.refresh_from_db()
    assert review.outcome == ReviewOutcome.CONTINUE
    assert review.kind == ReviewKind.YEARLY
    assert archive.last_review_on == datetime.date(2025, 12, 20)
    assert archive.next_review_due == datetime.date(2026, 12, 20)


def test_review_with_new_figures_recategorises(tree):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    # 3 people, 36,000 a year = 1,000/month: between 1× and 2× of 800
    review = services.archive_review(
        actor=None, archive=archive, on=datetime.date(2025, 12, 20), annual_income=Decimal("36000")
    )
    archive.refresh_from_db()
    assert review.outcome == ReviewOutcome.RECATEGORISED
    assert archive.category == HardshipCategory.RELATIVE
    assert "困难类别：深度困难 → 相对困难" in archive.steps.get(action="review").note


def test_review_refuses_bad_figures_and_changes_nothing(tree):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    before = _state(archive)
    with pytest.raises(ValidationFailed) as refused:
        services.archive_review(actor=None, archive=archive, annual_income="-5")
    assert refused.value.fields["annual_income"] == ["家庭年可支配收入不能为负数。"]
    assert _state(archive) == before


# --- exit: 6 months ---------------------------------------------------------------------------


def _recovered_since(tree, day):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    services.archive_review(actor=None, archive=archive, on=day, **RECOVERED)
    archive.refresh_from_db()
    return archive


def test_exit_before_six_months_is_refused_with_the_earliest_date(tree):
    archive = _recovered_since(tree, datetime.date(2025, 2, 1))
    before = _state(archive)
    with pytest.raises(ValidationFailed) as refused:
        services.archive_exit(
            actor=None, archive=archive, reason="好转", on=datetime.date(2025, 7, 31)
        )
    assert refused.value.message == (
        "该家庭自 2025-02-01 起不再符合困难标准，未满 6 个月，最早可于 2025-08-01 办理解困脱困。"
    )
    assert _state(archive) == before


def test_exit_at_exactly_six_months_is_allowed(tree):
    archive = _recovered_since(tree, datetime.date(2025, 2, 1))
    exited = services.archive_exit(
        actor=None, archive=archive, reason="好转", on=datetime.date(2025, 8, 1)
    )
    assert exited.status == S.EXITED
    step = exited.steps.get(action="exit")
    assert step.data["not_met_since"] == "2025-02-01"


def test_exit_refused_while_the_latest_reading_still_meets_the_test(tree):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    with pytest.raises(ValidationFailed, match="仍符合困难标准"):
        services.archive_exit(actor=None, archive=archive, reason="好转")


def test_a_relapse_in_the_history_restarts_the_six_months(tree):
    # given: recovered in February, poor again in May, recovered again in June
    archive = _recovered_since(tree, datetime.date(2025, 2, 1))
    services.archive_review(actor=None, archive=archive, on=datetime.date(2025, 5, 1), **POOR)
    archive.refresh_from_db()
    services.archive_review(actor=None, archive=archive, on=datetime.date(2025, 6, 1), **RECOVERED)
    archive.refresh_from_db()
    # when the exit is asked for in September: only 3 months since June
    with pytest.raises(ValidationFailed, match="自 2025-06-01 起.*2025-12-01"):
        services.archive_exit(
            actor=None, archive=archive, reason="好转", on=datetime.date(2025, 9, 1)
        )
    # then it is allowed from December
    exited = services.archive_exit(
        actor=None, archive=archive, reason="好转", on=datetime.date(2025, 12, 1)
    )
    assert exited.status == S.EXITED


def test_exit_months_follow_the_county_thresholds(tree, users):
    services.thresholds_set(
        actor=users.county_admin,
        county=tree.county,
        effective_from=datetime.date(2024, 1, 1),
        exit_months=12,
    )
    archive = _recovered_since(tree, datetime.date(2025, 2, 1))
    with pytest.raises(ValidationFailed, match="未满 12 个月"):
        services.archive_exit(
            actor=None, archive=archive, reason="好转", on=datetime.date(2025, 9, 1)
        )


# --- relapse -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.EXITED, S.WATCHED])
def test_relapse_reopens_the_same_archive(tree, users, status):
    archive = archive_in(status, org=tree.a1)
    reopened = services.archive_relapse(
        actor=users.grassroots_staff, archive=archive, note="再次患病", **POOR
    )
    assert reopened.pk == archive.pk
    assert reopened.status == S.APPLIED
    assert reopened.relapse_count == 1
    assert reopened.last_relapse_on == datetime.date.today()
    assert reopened.exited_on is None and reopened.watch_until is None
    assert reopened.category == HardshipCategory.DEEP
    step = reopened.steps.get(action="relapse")
    assert step.data["exited_on"] == EXITED_ON.isoformat()
    # and the reopened archive walks the checks again to approval
    again = services.archive_check(actor=None, archive=reopened)
    assert again.status == S.GRASSROOTS_CHECKED


def test_relapse_needs_the_entry_test_met(tree):
    archive = archive_in(S.WATCHED, org=tree.a1)
    before = _state(archive)
    with pytest.raises(ValidationFailed, match="不能认定返困"):
        services.archive_relapse(actor=None, archive=archive, on=datetime.date(2025, 10, 1))
    assert _state(archive) == before


def test_watch_dates(tree):
    archive = archive_in(S.WATCHED, org=tree.a1)
    assert archive.steps.get(action="watch").on == WATCHED_ON
    assert archive.watch_until == datetime.date(2027, 9, 1)


def test_steps_are_only_ever_added(tree):
    archive = archive_in(S.ARCHIVED, org=tree.a1)
    first = list(ArchiveStep.objects.filter(archive=archive).values_list("pk", "action"))
    services.archive_review(actor=None, archive=archive, on=datetime.date(2025, 12, 1))
    after = list(ArchiveStep.objects.filter(archive=archive).values_list("pk", "action"))
    assert after[: len(first)] == first
    assert len(after) == len(first) + 1


def test_check_date_is_kept(tree):
    archive = archive_in(S.GRASSROOTS_CHECKED, org=tree.a1)
    assert archive.steps.get(action="check").on == CHECKED_ON

"""产改 lists: items, progress reports, overdue and report-due rules, the to-dos."""

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.plans.reform import selectors
from gonghui.plans.reform.models import ReformItem, ReformReport, ReformStatus
from gonghui.plans.reform.services import meeting_create, reform_item_create, reform_report_add

pytestmark = pytest.mark.django_db


def _item(org, *, deadline, title="推动职代会建制"):
    return reform_item_create(actor=None, org=org, kind="task", title=title, deadline=deadline)


def test_a_report_moves_progress_and_status_on_and_is_audited(tree):
    item = _item(tree.a, deadline=dt.date(2030, 1, 1))
    reform_report_add(
        actor=None,
        item=item,
        reported_on=dt.date(2026, 5, 1),
        text="已部署",
        progress=40,
        status="in_progress",
    )
    item.refresh_from_db()
    assert (item.status, item.progress, item.last_reported_on) == (
        ReformStatus.IN_PROGRESS,
        40,
        dt.date(2026, 5, 1),
    )
    assert AuditEvent.objects.filter(object_id=str(item.pk), action="updated").exists()


def test_bad_reports_are_refused_with_every_message_and_nothing_written(tree):
    item = _item(tree.a, deadline=dt.date(2030, 1, 1))
    reform_report_add(
        actor=None,
        item=item,
        reported_on=dt.date(2026, 5, 1),
        text="已部署",
        progress=40,
        status="in_progress",
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as info:
        reform_report_add(
            actor=None,
            item=item,
            reported_on=dt.date(2026, 6, 1),
            text=" ",
            progress=30,
            status="in_progress",
        )
    assert info.value.fields == {
        "text": ["请填写进展情况。"],
        "progress": ["进度不能低于上次报告的 40%。"],
    }
    with pytest.raises(ValidationFailed) as info:
        reform_report_add(
            actor=None,
            item=item,
            reported_on=dt.date(2026, 6, 1),
            text="完成",
            progress=90,
            status="done",
        )
    assert info.value.fields == {"progress": ["标记为已完成时进度应为 100%。"]}
    assert ReformReport.objects.count() == 1
    assert AuditEvent.objects.count() == events
    item.refresh_from_db()
    assert item.progress == 40


def test_a_finished_item_takes_no_more_reports(tree):
    item = _item(tree.a, deadline=dt.date(2030, 1, 1))
    reform_report_add(
        actor=None,
        item=item,
        reported_on=dt.date(2026, 5, 1),
        text="完成",
        progress=100,
        status="done",
    )
    with pytest.raises(ValidationFailed, match="已办结"):
        reform_report_add(
            actor=None,
            item=item,
            reported_on=dt.date(2026, 5, 2),
            text="再报",
            progress=100,
            status="done",
        )


def test_an_item_needs_an_owner_a_title_and_a_deadline_after_its_meeting(tree):
    meeting = meeting_create(
        actor=None, org=tree.county, held_on=dt.date(2026, 3, 1), title="联席会议"
    )
    with pytest.raises(ValidationFailed) as info:
        reform_item_create(
            actor=None, org=None, kind="x", title="", deadline=dt.date(2026, 2, 1), meeting=meeting
        )
    assert set(info.value.fields) == {"org", "kind", "title", "deadline"}
    assert not ReformItem.objects.exists()


def test_overdue_and_report_due_follow_the_deadline_and_the_last_meeting(tree, users):
    today = timezone.localdate()
    overdue = _item(tree.a1, deadline=today - dt.timedelta(days=1), title="逾期事项")
    due_today = _item(tree.a1, deadline=today, title="今天到期")
    reported = _item(tree.a1, deadline=today + dt.timedelta(days=30), title="已报告")
    ReformItem.objects.filter(pk__in=[overdue.pk, due_today.pk, reported.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=60)
    )
    meeting_create(actor=None, org=tree.county, held_on=today - dt.timedelta(days=7), title="会议")
    reform_report_add(
        actor=None,
        item=reported,
        reported_on=today - dt.timedelta(days=2),
        text="进展",
        progress=10,
        status="in_progress",
    )
    user = users.county_admin
    assert list(selectors.items_filtered(user, state="overdue")) == [overdue]
    assert set(selectors.items_filtered(user, state="report_due")) == {overdue, due_today}


def test_items_outside_scope_look_missing(tree, users):
    item = _item(tree.b1, deadline=dt.date(2030, 1, 1))
    with pytest.raises(NotFound):
        reform_report_add(
            actor=users.township_staff,
            item=item,
            reported_on=dt.date(2026, 5, 1),
            text="x",
            progress=10,
            status="in_progress",
        )
    assert not selectors.items_scoped(users.township_staff).filter(pk=item.pk).exists()

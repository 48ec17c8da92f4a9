"""The reminder run (审稿提醒): articles waiting on a stage past the configured days are
flagged once per stage and audited, by the command and by the background task."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.forum import services
from gonghui.forum.models import ForumSettings, Submission
from gonghui.forum.tests.factories import build_submission

pytestmark = pytest.mark.django_db


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_the_command_flags_overdue_reviews_once_per_stage(tree, settings):
    ForumSettings.objects.create(reminder_days=5)
    late_first = build_submission(org=tree.a, title="初审超期", stage_since=_ago(6))
    late_final = build_submission(org=tree.b, title="终审超期", status="final", stage_since=_ago(9))
    fresh = build_submission(org=tree.a, title="刚到", stage_since=_ago(2))
    accepted = build_submission(org=tree.a, title="已录用", status="accepted", stage_since=_ago(30))
    out = io.StringIO()
    call_command("forum_reminders", stdout=out)
    assert "2 article(s) flagged" in out.getvalue()
    flagged = set(Submission.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True))
    assert flagged == {late_first.pk, late_final.pk}
    events = AuditEvent.objects.filter(detail__has_key="review_reminder")
    assert sorted((e.object_id, e.org_id, e.detail["review_reminder"]) for e in events) == sorted(
        [(str(late_first.pk), tree.a.pk, "first"), (str(late_final.pk), tree.b.pk, "final")]
    )
    # A second run flags nothing; an article that moved on and waits again is flagged anew.
    assert services.reviews_remind() == {}
    Submission.objects.filter(pk=late_first.pk).update(
        status="second", stage_since=_ago(7), reminded_at=_ago(10)
    )
    assert services.reviews_remind() == {"second": 1}
    assert {fresh.pk, accepted.pk}.isdisjoint(
        Submission.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True)
    )


def test_the_reminder_task_runs_in_the_background(tree, settings):
    from gonghui.forum.tasks import forum_reminders_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    article = build_submission(org=tree.a, stage_since=_ago(40))
    result = forum_reminders_task.enqueue()
    assert result.return_value == {"first": 1}
    article.refresh_from_db()
    assert article.reminded_at is not None


def test_the_article_page_shows_the_reminder(login, editors, tree):
    article = build_submission(org=tree.a, stage_since=_ago(40))
    services.reviews_remind()
    page = login(editors.chief).get(f"/forum/submissions/{article.pk}/").content.decode()
    assert "已催办" in page and "已等待 40 天" in page

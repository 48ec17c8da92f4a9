"""The forum's background work (django-tasks; `gonghui db_worker` runs it). django-tasks has
no scheduler: cron or a systemd timer runs `gonghui forum_reminders`, or enqueues this task."""

from django_tasks import task


@task()
def forum_reminders_task() -> dict:
    from gonghui.forum.services import reviews_remind

    return reviews_remind()

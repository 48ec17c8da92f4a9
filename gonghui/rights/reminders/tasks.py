"""The daily reminder run in the background (django-tasks; `gonghui db_worker` runs it).
django-tasks has no scheduler: cron or a systemd timer runs `gonghui rights_reminders`, or
enqueues this task."""

from django_tasks import task


@task()
def rights_reminders_task(on: str | None = None) -> dict:
    import datetime

    from gonghui.rights.reminders.services import reminders_run

    run = reminders_run(on=datetime.date.fromisoformat(on) if on else None)
    return {"run": run.pk, "opened": run.opened, "closed": run.closed, "ms": run.duration_ms}

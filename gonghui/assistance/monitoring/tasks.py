"""Background monitoring runs (django-tasks; `gonghui db_worker` runs them)."""

from django_tasks import task


@task()
def monitoring_run_task(run_id: int) -> dict:
    from gonghui.assistance.monitoring.services import monitoring_run_execute

    run = monitoring_run_execute(run_id)
    return {"run": run.pk, "status": run.status, "opened": run.opened}

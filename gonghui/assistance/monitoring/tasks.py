"""Background monitoring runs (django-tasks; `gonghui db_worker` runs them): the task, and the
service that queues it (here, so that services.py does not import its own tasks)."""

import logging

from django.db import transaction
from django_tasks import task

from gonghui.assistance.models import MonitoringRun
from gonghui.assistance.monitoring.definitions import RunStatus, RunTrigger
from gonghui.assistance.monitoring.services import monitoring_run_create, monitoring_run_execute
from gonghui.orgs.models import Org

logger = logging.getLogger("gonghui.monitoring")


@task()
def monitoring_run_task(run_id: int) -> dict:
    run = monitoring_run_execute(run_id)
    return {"run": run.pk, "status": run.status, "opened": run.opened}


@transaction.atomic
def monitoring_run_start(*, actor, county: Org | None = None) -> MonitoringRun:
    """Queue an on-demand run as a background task (django-tasks); the page shows its progress."""
    run = monitoring_run_create(actor=actor, county=county, trigger=RunTrigger.ON_DEMAND, on=None)

    def enqueue():
        try:
            result = monitoring_run_task.enqueue(run.pk)
        except Exception:
            logger.exception("monitoring run %s: could not queue", run.pk)
            MonitoringRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
                status=RunStatus.FAILED, message="无法提交后台任务，请稍后重试。"
            )
            return
        MonitoringRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return run

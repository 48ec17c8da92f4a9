"""Background work of the import pipeline (django-tasks: `gonghui db_worker` runs them)."""

from django_tasks import task


@task()
def import_validate_task(job_id: int) -> None:
    from gonghui.core.imports.services import import_run_validation

    import_run_validation(job_id)


@task()
def import_commit_task(job_id: int) -> dict:
    from gonghui.core.imports.services import import_run_commit

    return import_run_commit(job_id)

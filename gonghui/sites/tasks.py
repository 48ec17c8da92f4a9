"""Background work of the sites app (django-tasks; `gonghui db_worker` runs them)."""

from django_tasks import task


@task()
def coverage_refresh_task(county_id: int) -> dict:
    """Recompute the county's stored coverage results whose inputs changed."""
    from gonghui.orgs.models import Org
    from gonghui.sites.coverage import coverage_refresh_run

    county = Org.objects.filter(pk=county_id).first()
    if county is None:
        return {"county": county_id, "recomputed": 0}
    return {"county": county_id, "recomputed": coverage_refresh_run(county)}

"""Background work of the map sub-domain (django-tasks; `gonghui db_worker` runs them): the
refresh of a county's stored coverage results, and its queueing."""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from gonghui.orgs.models import Org, OrgLevel
from gonghui.sites.map.coverage import DEFAULT_CELL_M, QUEUE_TIMEOUT, coverage_refresh_run
from gonghui.sites.models import CoverageResult

logger = logging.getLogger(__name__)


@task()
def coverage_refresh_task(county_id: int) -> dict:
    """Recompute the county's stored coverage results whose inputs changed."""
    county = Org.objects.filter(pk=county_id).first()
    if county is None:
        return {"county": county_id, "recomputed": 0}
    return {"county": county_id, "recomputed": coverage_refresh_run(county)}


def coverage_refresh_schedule(*, county, cell_m: int | None = None) -> bool:
    """Queue a background refresh of the county's stored results (every cell size stored so
    far, the default and `cell_m`). One task serves any number of calls until it starts:
    calls in one transaction, or while a refresh waits in the queue, add nothing. Returns
    whether a task is queued by this call (once the transaction commits)."""
    if county is None or county.level != OrgLevel.COUNTY:
        return False
    existing = set(CoverageResult.objects.filter(org=county).values_list("cell_m", flat=True))
    for size in {DEFAULT_CELL_M, cell_m or DEFAULT_CELL_M} - existing:
        CoverageResult.objects.get_or_create(org=county, cell_m=size)
    now = timezone.now()
    queued = (
        CoverageResult.objects.filter(org=county)
        .filter(Q(queued=False) | Q(requested_at__lt=now - QUEUE_TIMEOUT))
        .update(queued=True, requested_at=now)
    )
    if not queued:
        return False
    county_id = county.pk

    def enqueue():
        try:
            coverage_refresh_task.enqueue(county_id)
        except Exception:
            logger.exception("coverage of county %s: could not queue a refresh", county_id)
            CoverageResult.objects.filter(org_id=county_id).update(queued=False)

    transaction.on_commit(enqueue)
    return True

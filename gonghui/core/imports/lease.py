"""A running import's hold on its job, so that a job whose worker died is found and taken over.

Each run of a job's task (validation or commit) claims the job by taking the next `attempt`
number (tasks.py: `import_run_validation`, `import_run_commit`) and from then on:

- beats `heartbeat_at` every IMPORT_HEARTBEAT_SECONDS from a thread with its own database
  connection (time-based: nothing per row or batch, and it beats while calamine loads a
  sheet or the server works on a batch);
- writes only while the job still carries its attempt: every batch of a skip-invalid commit
  records itself on the job in its own transaction, conditioned on the attempt (a run that
  lost the job rolls its batch back), and the heartbeat notices a takeover within one beat
  (`lost`), which the passes check between batches.

`services.import_recover_stale` (run by `gonghui db_worker` at start and then periodically)
takes over jobs whose heartbeat is older than IMPORT_LEASE_SECONDS: it bumps the attempt
(fencing off the old run, should it still be alive) and queues the job again.
"""

import logging
import threading

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """The job was taken over by another run (its worker was thought dead)."""


class Lease:
    """Beats the job's heartbeat while the run holds it (a context manager)."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.lost = False
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self) -> "Lease":
        # Inside a transaction (tests, an inline call) other connections cannot see the job
        # as this one does: there is no worker to lose, so no heartbeat either.
        if not connection.in_atomic_block:
            self._thread = threading.Thread(
                target=self._beat, name=f"import-lease-{self.job_id}", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def check(self) -> None:
        """Raise LeaseLost once another run has taken the job over."""
        if self.lost:
            raise LeaseLost

    def _beat(self) -> None:
        from gonghui.core.imports.models import ImportJob

        interval = settings.IMPORT_HEARTBEAT_SECONDS
        try:
            while not self._stop.wait(interval):
                try:
                    jobs = ImportJob.objects.filter(pk=self.job_id)
                    beat = jobs.filter(attempt=self.attempt).update(heartbeat_at=timezone.now())
                    if not beat and jobs.exclude(attempt=self.attempt).exists():
                        self.lost = True
                        return
                except Exception:  # a busy database: try again at the next beat
                    logger.warning("import %s: heartbeat failed", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

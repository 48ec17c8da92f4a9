"""`gonghui db_worker`: django-tasks-db's worker, which also takes over imports whose worker
died (gonghui.core.imports.lease): at its start and then every IMPORT_RECOVERY_SECONDS, from
a thread of its own, so a worker busy with a long task still notices another that stopped.
gonghui.core comes before django_tasks_db in INSTALLED_APPS, so this command is the one run.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

logger = logging.getLogger("gonghui.imports")


class ImportRecovery:
    """Runs services.import_recover_stale now and then every `interval` seconds until stopped."""

    def __init__(self, interval: float):
        self.interval = interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="import-recovery", daemon=True)

    def start(self) -> "ImportRecovery":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        from gonghui.core.imports.services import import_recover_stale

        try:
            while True:
                try:
                    taken = import_recover_stale()
                    if taken:
                        logger.warning("imports taken over after their worker stopped: %s", taken)
                except Exception:  # the database may be away for a while: try again later
                    logger.exception("checking for interrupted imports failed")
                finally:
                    connections.close_all()  # this thread's own
                if self.stopped.wait(self.interval):
                    return
        finally:
            connections.close_all()


class Command(WorkerCommand):
    help = WorkerCommand.help + "; also resumes imports whose worker stopped"

    def handle(self, *args, **options):
        # With --reload the parent process only watches files; the child runs the worker.
        watching = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        recovery = None if watching else ImportRecovery(settings.IMPORT_RECOVERY_SECONDS).start()
        try:
            return super().handle(*args, **options)
        finally:
            if recovery is not None:
                recovery.stop()

"""Permission-matrix entries for the assistance statistics page and its .xlsx report."""

from gonghui.assistance.archives.tests.matrix import _archives
from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint

MODULE = "assistance"

ENDPOINTS = [
    Endpoint(
        "assistance.stats",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/stats/?year=2025",
        _archives(),
        scoped=False,
    ),
    Endpoint(
        "assistance.stats_export",
        "GET",
        MODULE,
        "export",
        lambda t: "/assistance/stats/export/?year=2025",
        _archives(),
        snapshot=lambda t: AuditEvent.objects.filter(action="exported").count(),
        scoped=False,
    ),
]

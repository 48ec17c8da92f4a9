"""Permission-matrix entries for the statistics page and its export (see core/testing/matrix.py)."""

from gonghui.core.testing.matrix import Endpoint, xlsx_text
from gonghui.sites.tests.matrix import _sites

ENDPOINTS = [
    Endpoint(
        "sites.stats",
        "GET",
        "sites",
        "view",
        lambda t: "/sites/stats/",
        _sites,
        marker=lambda s: s.name,
        scoped=False,
    ),
    Endpoint(
        "sites.stats_export",
        "GET",
        "sites",
        "export",
        lambda t: "/sites/stats/export/",
        _sites,
        marker=lambda s: s.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
]

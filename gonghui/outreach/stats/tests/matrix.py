"""Permission-matrix entries of the outreach statistics (page, export, API)."""

from gonghui.core.testing.matrix import Endpoint, Targets, json_text, xlsx_text

M = "outreach"


def _orgs(tree, actor):
    # the rows are the scope's next level: A's children for a user at township A
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


ENDPOINTS = [
    Endpoint(
        "outreach.stats",
        "GET",
        M,
        "view",
        lambda t: "/outreach/stats/",
        _orgs,
        marker=lambda org: org.name,
        scoped=False,
    ),
    Endpoint(
        "outreach.stats_export",
        "GET",
        M,
        "export",
        lambda t: "/outreach/stats/export/",
        _orgs,
        marker=lambda org: org.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "outreach.api.stats",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/stats",
        _orgs,
        api=True,
        marker=lambda org: org.name,
        scoped=False,
        extra={"extract": json_text},
    ),
]

"""Permission-matrix entries for the staffing statistics (see core/testing/matrix.py)."""

from gonghui.core.testing.matrix import Endpoint, Targets, xlsx_text
from gonghui.staffing.tests.factories import build_worker


def _workers(tree, actor):
    return Targets(
        own=build_worker(org=tree.a, name="甲镇矩阵社工"),
        sibling=build_worker(org=tree.b, name="乙镇矩阵社工"),
        parent=build_worker(org=tree.county, name="县直矩阵社工"),
    )


def _orgs(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


ENDPOINTS = [
    Endpoint(
        "staffing.stats",
        "GET",
        "staffing",
        "view",
        lambda t: "/staffing/stats/",
        _workers,
        scoped=False,
    ),
    Endpoint(
        "staffing.stats_export",
        "GET",
        "staffing",
        "export",
        lambda t: "/staffing/stats/export/",
        _orgs,
        marker=lambda org: org.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
]

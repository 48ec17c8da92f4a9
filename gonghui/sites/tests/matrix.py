"""Permission-matrix entries for the service-site pages (see core/testing/matrix.py)."""

from gonghui.core.testing.matrix import Endpoint, Targets
from gonghui.sites.tests.factories import build_site


def _sites(tree, actor):
    return Targets(
        own=build_site(org=tree.a1, name="甲镇矩阵站点"),
        sibling=build_site(org=tree.b1, name="乙镇矩阵站点"),
        parent=build_site(org=tree.county, name="县直矩阵站点"),
    )


ENDPOINTS = [
    Endpoint(
        "sites.list",
        "GET",
        "sites",
        "view",
        lambda t: "/sites/",
        _sites,
        marker=lambda s: s.name,
        scoped=False,
    ),
]

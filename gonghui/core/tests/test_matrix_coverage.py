"""Every URL and API operation is in the permission matrix or in the short list of
URLs that are public or one's own (tested in test_unscoped_urls.py and the apps' tests).

A new page or endpoint without a matrix entry fails here, so scope rules cannot be
forgotten for it.
"""

import re
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from gonghui.core.testing.matrix import collect_endpoints

# Route patterns (placeholders written as {}) that are public or the user's own.
OUTSIDE_THE_MATRIX = {
    "",
    "healthz",
    "accounts/login/",
    "accounts/logout/",
    "accounts/profile/",
    "accounts/profile/tokens/{}/revoke/",  # one's own tokens: accounts/tests/test_tokens.py
    "accounts/password/",
    "accounts/otp/setup/",
    "accounts/otp/verify/",
    "accounts/otp/disable/",
    "join/",
    "join/done/",
    "join/status/",
    "join/employers/",
    # The workers' portal (tested for anonymous access in gonghui/portal/tests).
    "portal/",
    "portal/nearest/",
    "portal/sites/{}/",
    "portal/sites/{}/checkin/",
    "portal/sites/{}/feedback/",
    # 困难职工自测 and the hardship application (tested in gonghui/portal/tests/test_hardship.py).
    "portal/assistance/self-check/",
    "portal/assistance/apply/",
    "portal/assistance/apply/done/",
    "portal/assistance/status/",
    # 主席论坛's public pages (tested for anonymous access in gonghui/forum/tests/test_public.py).
    "forum/public/",
    "forum/public/submit/",
    "forum/public/submit/done/",
    "forum/public/status/",
    "forum/public/editions/{}/",
    "forum/public/editions/{}/print/",
    "forum/public/editions/{}/pdf/",
    "forum/public/files/{}/",
    # 法律援助 on the portal (tested in gonghui/rights/legalaid/tests/test_portal.py).
    "portal/legal-aid/",
    "portal/legal-aid/done/",
    "portal/legal-aid/status/",
    # Outreach portal: stops, registration look-up, QR check-in, contest entries and the
    # winners' gallery (tested for anonymous access in gonghui/outreach/*/tests).
    "portal/outreach/",
    "portal/outreach/stops/{}/",
    "portal/outreach/registrations/",
    "portal/outreach/registrations/{}/",
    "portal/outreach/checkin/{}/",
    "portal/outreach/contests/",
    "portal/outreach/contests/{}/",
    "portal/outreach/contests/{}/done/",
    "portal/outreach/contests/{}/gallery/",
    "portal/outreach/contests/{}/gallery/{}/",
    # Workforce on the portal: the worker identifies with ID number + phone
    # (gonghui/workforce/portal/tests/test_portal.py).
    "portal/workforce/",
    "portal/workforce/leave/",
    "portal/workforce/competitions/{}/",
    "portal/workforce/honours/",
    "portal/workforce/innovations/new/",
    "portal/workforce/suggestions/new/",
    # A social worker's own appraisals and objection (gonghui/staffing/tests/test_views.py).
    "staffing/me/",
    "staffing/me/{}/",
    "staffing/me/{}/objection/",
    # The one-time anonymous rating link (gonghui/staffing/tests/test_portal.py).
    "portal/staffing/rate/{}/",
    "api/v1/openapi.json",
    "api/v1/me",
}
# API operations that are public (no login): (route, method).
PUBLIC_API = {
    ("api/v1/join-applications", "POST"),
    ("api/v1/join-applications/status", "POST"),
    # Public sites API (tested for anonymous access in gonghui/sites/public/tests/test_api.py).
    ("api/v1/public/sites/nearest", "GET"),
    ("api/v1/public/sites/{}", "GET"),
    ("api/v1/public/sites/{}/feedback", "POST"),
    ("api/v1/public/sites/{}/checkins", "POST"),
}


def _normalise(route: str) -> str:
    route = re.sub(r"<[^>]+>", "{}", route)
    return re.sub(r"\{[^}]*\}", "{}", route).removeprefix("^").removesuffix("$")


def _routes(patterns=None, prefix: str = ""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield _normalise(prefix + str(pattern.pattern))


class _AnyTarget:
    """Stands in for any matrix target: every attribute is 1 (pk, ids, ...)."""

    def __getattr__(self, name):
        return 1


def _covered() -> set[tuple[str, str]]:
    covered = set()
    for endpoint in collect_endpoints():
        url = urlsplit(endpoint.url(_AnyTarget())).path
        match = resolve(url)
        covered.add((_normalise(match.route), endpoint.method))
    return covered


def test_every_page_is_in_the_matrix_or_listed_as_public(db):
    covered_routes = {route for route, _ in _covered()}
    missing = sorted(
        route
        for route in set(_routes())
        if not route.startswith(("api/v1/", "static/", "media/"))
        and route not in covered_routes
        and route not in OUTSIDE_THE_MATRIX
    )
    assert missing == []


def test_every_api_operation_is_in_the_matrix_or_listed_as_public(db):
    from gonghui.api import api

    covered = _covered()
    missing = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        route = _normalise(path.lstrip("/"))
        for method in operations:
            key = (route, method.upper())
            if key in covered or key in PUBLIC_API or route in OUTSIDE_THE_MATRIX:
                continue
            missing.append(key)
    assert sorted(missing) == []

import pytest
from django.core.cache import cache

from gonghui.sites.tests.factories import build_site


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the process cache: start each test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_factory(tree):
    """site_factory(org=..., **overrides) → a registered ServiceSite (default org: A1)."""

    def _make(org=None, **overrides):
        return build_site(org=org or tree.a1, **overrides)

    return _make

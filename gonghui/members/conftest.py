import pytest

from gonghui.members.tests.factories import build_member


@pytest.fixture
def member_factory(tree):
    """member_factory(org=..., **overrides) → a registered Member (default org: A1)."""

    def _make(org=None, **overrides):
        return build_member(org=org or tree.a1, **overrides)

    return _make

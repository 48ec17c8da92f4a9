import pytest


@pytest.fixture
def worker(tree):
    from gonghui.staffing.tests.factories import build_worker

    return build_worker(org=tree.a)

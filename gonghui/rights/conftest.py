"""Fixtures of the rights tests: a fixed "today" and employers with unions in the test tree."""

import datetime

import pytest


@pytest.fixture
def on_day(monkeypatch):
    """on_day(date): make that date "today" for the rights services and selectors."""

    def _set(day: datetime.date):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
        return day

    return _set


@pytest.fixture
def employer_a(tree):
    from gonghui.rights.tests.factories import union_enterprise

    return union_enterprise(parent=tree.a, name="甲镇建工")


@pytest.fixture
def employer_b(tree):
    from gonghui.rights.tests.factories import union_enterprise

    return union_enterprise(parent=tree.b, name="乙镇物流")

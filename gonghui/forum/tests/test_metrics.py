"""The forum's measures agree with its statistics page."""

import pytest
from django.utils import timezone

from gonghui.core.metrics import Period, measure_evaluate
from gonghui.forum import selectors
from gonghui.forum.tests.factories import build_submission

pytestmark = pytest.mark.django_db


def test_measures_agree_with_the_statistics_page(tree, editors):
    for status in ("first", "accepted", "scheduled", "published", "declined", "revise"):
        build_submission(org=tree.a1, status=status)
    build_submission(org=tree.b1, status="published")
    year = timezone.localdate().year
    rows = {r["org"]: r for r in selectors.stats_by_org(editors.chief, year=year)}
    period = Period.year(year)
    for org in (tree.a, tree.b):
        figures = {
            key: measure_evaluate(editors.chief, f"forum.{code}", orgs=[org], period=period)[
                org.pk
            ].value
            for key, code in (
                ("received", "submissions"),
                ("accepted", "accepted"),
                ("published", "published"),
            )
        }
        assert figures == {k: rows[org.name][k] for k in figures}
    assert rows["甲镇总工会"]["accepted"] == 3
    rate = measure_evaluate(editors.chief, "forum.acceptance_rate", orgs=[tree.a], period=period)
    assert float(rate[tree.a.pk].value) == 50.0

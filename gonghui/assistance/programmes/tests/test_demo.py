"""The programmes demo seeder: every kind, grants in every state, overdue visits, idempotent."""

import datetime

import pytest

from gonghui.assistance.archives import demo
from gonghui.assistance.models import Grant, Programme, ProgrammeBudget, Visit
from gonghui.assistance.programmes import demo as demo_programmes
from gonghui.assistance.programmes.models import GrantStatus, ProgrammeKind
from gonghui.assistance.visits import selectors as selectors_visits
from gonghui.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_programmes_cover_kinds_and_states_and_seed_once():
    orgs_demo.seed(seed=2026)
    demo.seed(seed=2026)
    first = demo_programmes.seed(seed=2026)
    counts = (Programme.objects.count(), Grant.objects.count(), Visit.objects.count())
    second = demo_programmes.seed(seed=2026)
    assert first.startswith("6 programmes (+6)")
    assert second == "6 programmes (+0)"
    assert counts == (Programme.objects.count(), Grant.objects.count(), Visit.objects.count())
    assert set(Programme.objects.values_list("kind", flat=True)) == set(ProgrammeKind.values)
    assert set(Grant.objects.values_list("status", flat=True)) == set(GrantStatus.values)
    for budget in ProgrammeBudget.objects.all():
        assert budget.committed + budget.allocated <= budget.amount
    # some households were not visited in Q2: overdue once the quarter is over
    state = selectors_visits.quarter_state(2026, 2, on=datetime.date(2026, 7, 1))
    assert state.overdue
    archived = Visit.objects.values("archive").distinct().count()
    assert 0 < Visit.objects.filter(quarter=2).count() < archived

"""The measures hardship assistance and the service sites register: what plans, the dashboard,
the annual return and appraisals read of them, counted per org subtree."""

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.assistance.models import Grant, GrantStatus
from gonghui.assistance.monitoring.tests.factories import applied, archived
from gonghui.assistance.programmes.tests.factories import approved, programme_in
from gonghui.assistance.visits.services import visit_record
from gonghui.core.metrics import Period, evaluate
from gonghui.sites.models import SiteStatus
from gonghui.sites.tests.factories import build_site

pytestmark = pytest.mark.django_db
YEAR = Period.year(2026)


def _values(code, tree, period=YEAR):
    figures = evaluate(code, orgs=[tree.county, tree.a, tree.b], period=period)
    return [figures[org.pk].value for org in (tree.county, tree.a, tree.b)]


def test_archives_aid_and_visits_count_per_subtree(tree, users):
    first, second = archived(tree.a1), archived(tree.a1)
    archived(tree.b1)
    applied(tree.a1)  # not yet in the archive
    programme = programme_in(tree.county)
    [paid] = approved(programme, first)
    Grant.objects.filter(pk=paid.pk).update(
        status=GrantStatus.DISBURSED, disbursed_on=dt.date(2026, 5, 1)
    )
    approved(programme, second)  # approved, not yet paid
    for day in (dt.date(2026, 2, 1), dt.date(2026, 5, 1)):
        visit_record(
            actor=users.county_staff,
            archive=first,
            visited_on=day,
            findings="入户走访，了解家庭近况",
            visitor_names="县总工会 李明",
        )

    assert _values("assistance.archives.open", tree) == [3, 2, 1]
    county, a, b = _values("assistance.aid.paid", tree)
    assert (county, a, b or 0) == (paid.amount, paid.amount, 0)
    assert _values("assistance.aid.households", tree) == [1, 1, 0]
    assert _values("assistance.visits_on_time", tree) == [2, 2, 0]
    assert _values("assistance.visits.households", tree) == [1, 1, 0]
    rate = _values("assistance.visits.on_time_rate", tree)
    assert rate[1] == Decimal("50.0") and rate[2] == Decimal("0.0")
    # a quarter counts only its own visits
    second_quarter = Period(start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30))
    assert _values("assistance.visits_on_time", tree, second_quarter) == [1, 1, 0]


def test_alerts_open_and_closed_on_time_follow_status_and_deadline(tree):
    from django.utils import timezone

    from gonghui.assistance.models import Alert
    from gonghui.assistance.monitoring.services import alert_close
    from gonghui.assistance.monitoring.tests.factories import run as monitoring_run
    from gonghui.assistance.monitoring.tests.test_runs import schooling_household

    schooling_household(tree.a1)
    schooling_household(tree.b1)
    monitoring_run()
    assert _values("assistance.alerts.open", tree) == [2, 1, 1]
    # one closed before its deadline, one after
    today = timezone.localdate()
    for org, days in ((tree.a1, 30), (tree.b1, -30)):
        alert = Alert.objects.get(org=org)
        Alert.objects.filter(pk=alert.pk).update(deadline=today + dt.timedelta(days=days))
        alert_close(actor=None, alert=alert, outcome="helped", reason="已入户核实并发放助学金")
    assert _values("assistance.alerts.open", tree) == [0, 0, 0]
    assert _values("assistance.alerts_closed_on_time", tree) == [1, 1, 0]


def test_open_sites_are_counted_in_their_subtree(tree):
    build_site(org=tree.a1)
    build_site(org=tree.a1, status=SiteStatus.SUSPENDED, status_reason="维修")
    build_site(org=tree.b1)
    assert _values("sites.stations.open", tree) == [2, 1, 1]
    assert _values("sites.stations.built", tree) == [3, 2, 1]

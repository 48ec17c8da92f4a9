"""The statistics page counts exactly what the registered measures count (one source)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core.metrics import Period, measure_evaluate
from gonghui.outreach.caravans import services as caravans
from gonghui.outreach.caravans.models import CaravanStop, OnSiteRegistration
from gonghui.outreach.caravans.tests.factories import build_stop, register
from gonghui.outreach.followups import services as followups

pytestmark = pytest.mark.django_db


def _held(stop, days_ago):
    start = timezone.now() - datetime.timedelta(days=days_ago)
    CaravanStop.objects.filter(pk=stop.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    OnSiteRegistration.objects.filter(stop=stop).update(registered_on=timezone.localdate(start))
    stop.refresh_from_db()


def test_the_page_and_the_registry_agree(tree, users, login):
    # Given two stops in township A (one person employed within 30 days) and one in B
    a_stop = build_stop(org=tree.a1, quotas={"job_aid": 5, "training:welder": 5})
    employed = register(a_stop, name="甲一")
    register(a_stop, name="甲二", service="training", trade="welder")
    b_stop = build_stop(org=tree.b1)
    register(b_stop, name="乙一")
    for stop in (a_stop, b_stop):
        _held(stop, 40)
    caravans.stop_summarise(
        actor=users.county_staff,
        stop=a_stop,
        summary="顺利",
        served={o.pk: 30 for o in a_stop.offers.all()},
    )
    employed.refresh_from_db()
    followups.followup_record(
        actor=users.county_staff,
        followup=employed.followups.order_by("number").first(),
        done_on=timezone.localdate(employed.stop.starts_at) + datetime.timedelta(days=12),
        result="employed",
        employer_name="甲镇电子厂",
        monthly_pay=5000,
    )
    # When the county staff opens the statistics for the year
    today = timezone.localdate()
    response = login(users.county_staff).get(
        f"/outreach/stats/?start={today - datetime.timedelta(days=90)}&end={today}"
    )
    stats = response.context["stats"]
    period = stats.period
    # Then each township's row is its measure's figure
    rows = {r.name: r.values for r in stats.rows}
    for org in (tree.a, tree.b):
        for code in (
            "outreach.registrations.total",
            "outreach.stops.held",
            "outreach.people_served",
        ):
            figure = measure_evaluate(users.county_staff, code, orgs=[org], period=period)[org.pk]
            assert rows[org.name][code] == (figure.value or 0), (org.name, code)
    assert rows[tree.a.name]["outreach.registrations.total"] == 2
    assert rows[tree.a.name]["outreach.people_served"] == 60
    assert rows[tree.b.name]["outreach.stops.held"] == 0  # no summary yet
    assert dict(stats.funnel) == {
        "登记(跟踪对象)": 3,
        "参加培训": 0,
        "30 天内就业": 1,
        "90 天内就业": 1,
    }
    rate = measure_evaluate(
        users.county_staff,
        "outreach.registrations.employment_rate_90d",
        orgs=[tree.county],
        period=period,
    )[tree.county.pk]
    assert rate.value == Decimal("33.3")
    # and the export carries the same table
    export = login(users.county_staff).get(
        f"/outreach/stats/export/?start={period.start}&end={period.end}"
    )
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_a_township_sees_its_own_figures_only(tree, users, login):
    register(build_stop(org=tree.a1), name="甲一")
    register(build_stop(org=tree.b1), name="乙一")
    stats = login(users.township_staff).get("/outreach/stats/").context["stats"]
    assert stats.total.values["outreach.registrations.total"] == 1
    assert Period.year(timezone.localdate().year) == stats.period

"""The monitoring demo seeder: facts, one run, open and closed alerts; seeds once."""

from decimal import Decimal

import pytest

from gonghui.assistance.archives import demo
from gonghui.assistance.models import Alert, MedicalExpense, MonitoringRun, SchoolingExpense
from gonghui.assistance.monitoring import demo as demo_monitoring
from gonghui.assistance.monitoring.definitions import RuleCode
from gonghui.members import demo as members_demo
from gonghui.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_monitoring_adds_a_run_with_open_and_closed_alerts_once(monkeypatch):
    # 2,000 members, not 20,000: the archives' seeder links from the first 960 active members
    # (3 × its 320 archives), this one reads up to 400 without an archive; a tenth of the time
    monkeypatch.setattr(members_demo, "TARGET", 2_000)
    orgs_demo.seed(seed=2026)
    members_demo.seed(seed=2026)
    demo.seed(seed=2026)
    first = demo_monitoring.seed(seed=2026)
    counts = (Alert.objects.count(), MedicalExpense.objects.count(), MonitoringRun.objects.count())
    second = demo_monitoring.seed(seed=2026)
    assert second == "monitoring already seeded (+0)"
    assert counts == (
        Alert.objects.count(),
        MedicalExpense.objects.count(),
        MonitoringRun.objects.count(),
    )
    assert MonitoringRun.objects.get().status == "done"
    statuses = set(Alert.objects.values_list("status", flat=True))
    outcomes = set(Alert.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert statuses == {"open", "closed"}
    assert outcomes == {"archived", "helped", "no_action"}
    assert set(Alert.objects.values_list("rule_code", flat=True)) == set(RuleCode.values)
    assert "alerts" in first
    # the schooling signal reaches members the union does not help (no archive), from facts
    schooling = Alert.objects.filter(rule_code=RuleCode.SCHOOLING_COST)
    assert schooling.filter(member__isnull=False, facts__counted_from="records").count() >= 3
    assert (
        SchoolingExpense.objects.filter(member__isnull=False).values("source").distinct().count()
        == 3
    )
    # near-line households under the new definition: rejected applications and exited ones,
    # each between the entry line and 20% above it
    near = Alert.objects.filter(rule_code=RuleCode.INCOME_NEAR_LINE).select_related("archive")
    assert {a.archive.status for a in near} >= {"rejected"}
    assert any(a.archive.status in ("exited", "watched") for a in near)
    for alert in near:
        per_capita = Decimal(alert.facts["per_capita_monthly_net"])
        assert (
            Decimal(alert.facts["entry_line"]) <= per_capita <= Decimal(alert.facts["upper_line"])
        )

"""The monitoring demo seeder: facts, one run, open and closed alerts; seeds once."""

import pytest

from gonghui.assistance import demo, demo_monitoring
from gonghui.assistance.models import Alert, MedicalExpense, MonitoringRun
from gonghui.members import demo as members_demo
from gonghui.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_monitoring_adds_a_run_with_open_and_closed_alerts_once():
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
    assert len(set(Alert.objects.values_list("rule_code", flat=True))) >= 5
    assert "alerts" in first

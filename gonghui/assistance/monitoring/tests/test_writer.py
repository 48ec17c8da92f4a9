"""The alert writers: COPY (PostgreSQL) and bulk_create (elsewhere) store the same alerts,
open a target at most once per rule and count only what they opened."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from gonghui.assistance.models import Alert, MonitoringRun
from gonghui.assistance.monitoring import services
from gonghui.assistance.monitoring.alert_writer import (
    AlertBatch,
    NewAlert,
    alerts_bulk_create,
    alerts_write,
)
from gonghui.assistance.monitoring.definitions import RuleCode
from gonghui.assistance.monitoring.tests.factories import ON, applied
from gonghui.members.tests.factories import build_member
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
PARAMETERS = {"window_days": 365, "risk": "high", "outpatient_month": 500}
STORED = (
    "rule_code",
    "rule_id",
    "run_id",
    "org_id",
    "org_anchor_id",
    "archive_id",
    "member_id",
    "risk",
    "facts",
    "status",
    "opened_on",
    "deadline",
    "assigned_to_id",
    "outcome",
    "close_reason",
    "closed_at",
    "closed_by_id",
)


def _run() -> MonitoringRun:
    return MonitoringRun.objects.create(trigger="scheduled", on=ON)


def _batch(run, rows, code=RuleCode.MEDICAL_COST) -> AlertBatch:
    return AlertBatch(
        rule=services.rule_current(code),
        run=run,
        opened_on=ON,
        parameters=PARAMETERS,
        rows=rows,
    )


def _rows(tree, users) -> list[NewAlert]:
    """An archive at a village union, one at a company union and a member elsewhere, with
    facts of every JSON shape the rules store (Chinese text, nested window, list, null)."""
    village, company = applied(tree.a1), applied(tree.ae)
    member = build_member(org=tree.b1)
    deadline = ON + datetime.timedelta(days=3)
    return [
        NewAlert(
            tree.a1.pk,
            village.pk,
            None,
            "high",
            {
                "inpatient_self_paid": "20000.00",
                "inpatient_window": {"from": "2025-07-01", "to": "2026-06-30"},
                "fired_by": ["inpatient"],
                "exited_household": False,
                "records": 2,
            },
            deadline,
            users.grassroots_staff.pk,
        ),
        NewAlert(
            tree.ae.pk,
            company.pk,
            None,
            "medium",
            {"kind": "洪涝", "watch_until": None, "quote": 'a "b" \\ c\td'},
            deadline + datetime.timedelta(days=4),
            None,
        ),
        NewAlert(tree.b1.pk, None, member.pk, "low", {}, deadline, users.county_staff.pk),
    ]


def _stored() -> list[tuple]:
    return list(Alert.objects.order_by("id").values_list(*STORED))


def _county_orgs(tree):
    return Org.objects.filter(path__startswith=tree.county.path).values("id")


@pytest.mark.postgresql_only
def test_the_copy_writer_stores_exactly_what_bulk_create_stores(tree, users):
    from gonghui.assistance.monitoring.alert_writer import alerts_copy

    rows, run = _rows(tree, users), _run()
    # when the same batch goes through each writer in turn
    assert alerts_copy(_batch(run, rows)) == 3
    copied = _stored()
    Alert.objects.all().delete()
    assert alerts_bulk_create(_batch(run, rows), county_orgs=_county_orgs(tree)) == 3
    # then the rows are identical, in the batch's order
    assert copied == _stored()
    first = Alert.objects.order_by("id").first()
    assert first.facts["parameters"] == PARAMETERS
    assert first.facts["inpatient_window"] == {"from": "2025-07-01", "to": "2026-06-30"}
    assert (first.org_anchor_id, first.rule.version, first.status) == (tree.a.pk, 1, "open")
    assert Alert.objects.get(archive__org=tree.ae).facts["quote"] == 'a "b" \\ c\td'


def test_writing_the_same_alerts_again_opens_nothing(tree, users):
    rows = _rows(tree, users)
    assert alerts_write(_batch(_run(), rows), county_orgs=_county_orgs(tree)) == 3
    assert alerts_write(_batch(_run(), rows), county_orgs=_county_orgs(tree)) == 0
    assert Alert.objects.count() == 3


def test_an_alert_another_run_opened_meanwhile_is_kept_and_not_counted(tree, users):
    rows = _rows(tree, users)
    other = _run()
    alerts_write(_batch(other, rows[:1]), county_orgs=_county_orgs(tree))
    # the same rule's alert on the first household is open already; another rule's is not
    this = _run()
    assert alerts_write(_batch(this, rows), county_orgs=_county_orgs(tree)) == 2
    assert (
        alerts_write(_batch(this, rows[:1], code=RuleCode.JOB_LOSS), county_orgs=_county_orgs(tree))
        == 1
    )
    assert Alert.objects.get(archive_id=rows[0].archive_id, rule_code="medical_cost").run == other
    assert Alert.objects.filter(run=this).count() == 3


def test_a_closed_alert_does_not_stop_a_new_one(tree, users):
    rows = _rows(tree, users)
    alerts_write(_batch(_run(), rows[:1]), county_orgs=_county_orgs(tree))
    services.alert_close(actor=None, alert=Alert.objects.get(), outcome="helped", reason="已帮扶")
    assert alerts_write(_batch(_run(), rows[:1]), county_orgs=_county_orgs(tree)) == 1
    assert sorted(Alert.objects.values_list("status", flat=True)) == ["closed", "open"]


@pytest.mark.postgresql_only
def test_a_failed_copy_leaves_nothing_behind_and_the_next_one_works(tree, users):
    from gonghui.assistance.monitoring.alert_writer import alerts_copy

    rows = _rows(tree, users)
    both_targets = rows[2]._replace(archive_id=rows[0].archive_id)  # breaks alert_one_target
    with pytest.raises(IntegrityError), transaction.atomic():
        alerts_copy(_batch(_run(), [rows[1], both_targets]))
    assert Alert.objects.count() == 0
    # the staging table went with the failed statement: the next write creates it afresh
    assert alerts_copy(_batch(_run(), rows)) == 3

"""Writing one rule's new alerts for one county: one INSERT … ON CONFLICT DO NOTHING.

The partial unique constraints (one open alert per rule and target) skip a target that a
concurrent run opened meanwhile, so both writers return how many alerts they really opened.
On PostgreSQL the rows go through COPY (alert_copy.py); elsewhere (SQLite) through
bulk_create. Both store the same columns: the batch's constants (rule and its version, run,
day, status open) and each row's target, org and org anchor, risk, facts with the
parameters the rule ran with, deadline and assignee.
"""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import QuerySet

from gonghui.assistance.models import Alert, MonitoringRule, MonitoringRun
from gonghui.orgs.models import with_org_anchor


class NewAlert(NamedTuple):
    org_id: int
    archive_id: int | None
    member_id: int | None
    risk: str
    facts: dict  # without the parameters: the batch adds them to every row
    deadline: datetime.date
    assigned_to_id: int | None


@dataclass(frozen=True)
class AlertBatch:
    rule: MonitoringRule
    run: MonitoringRun
    opened_on: datetime.date
    parameters: dict  # stored in every alert's facts under "parameters"
    rows: list[NewAlert]


def alerts_write(batch: AlertBatch, *, county_orgs: QuerySet) -> int:
    """Insert the batch's alerts, skipping targets with an open alert; how many were opened.
    `county_orgs` (org ids) bounds what the generic writer counts afterwards."""
    if not batch.rows:
        return 0
    if connection.vendor == "postgresql":
        from gonghui.assistance.monitoring.alert_copy import alerts_copy

        return alerts_copy(batch)
    return alerts_bulk_create(batch, county_orgs=county_orgs)


def alerts_bulk_create(batch: AlertBatch, *, county_orgs: QuerySet) -> int:
    alerts = with_org_anchor(
        [
            Alert(
                org_id=row.org_id,
                rule_code=batch.rule.code,
                rule=batch.rule,
                archive_id=row.archive_id,
                member_id=row.member_id,
                risk=row.risk,
                facts={**row.facts, "parameters": batch.parameters},
                opened_on=batch.opened_on,
                deadline=row.deadline,
                assigned_to_id=row.assigned_to_id,
                run=batch.run,
            )
            for row in batch.rows
        ]
    )
    Alert.objects.bulk_create(alerts, batch_size=2000, ignore_conflicts=True)
    # ON CONFLICT DO NOTHING reports nothing back here: count what this run opened.
    return Alert.objects.filter(
        run=batch.run, rule_code=batch.rule.code, org__in=county_orgs
    ).count()

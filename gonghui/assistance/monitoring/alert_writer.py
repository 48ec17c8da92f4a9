"""Writing one rule's new alerts for one county: one INSERT … ON CONFLICT DO NOTHING.

The partial unique constraints (one open alert per rule and target) skip a target that a
concurrent run opened meanwhile, so both writers return how many alerts they really opened.
On PostgreSQL the rows go through COPY (alerts_copy, below); elsewhere (SQLite) through
bulk_create. Both store the same columns: the batch's constants (rule and its version, run,
day, status open) and each row's target, org and org anchor, risk, facts with the
parameters the rule ran with, deadline and assignee.
"""

import datetime
import json
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from gonghui.assistance.models import Alert, MonitoringRule, MonitoringRun
from gonghui.assistance.monitoring.definitions import AlertStatus
from gonghui.orgs.models import Org, with_org_anchor


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


# --- PostgreSQL: COPY the rows into a temporary table, then one INSERT … SELECT … ON CONFLICT
# DO NOTHING into the alert table. Builds no model instances and sends no per-row SQL: each row
# is its varying values (facts as JSON text), the constants go in once, the org anchor comes
# from a join, the rule's parameters are merged into the facts by the database. Ids follow the
# rows' order. All in one transaction (a savepoint inside the caller's): the temporary table is
# dropped at its end, or vanishes with its rollback, so the next batch creates it afresh.

STAGE = "monitoring_new_alert"


def _column(name: str) -> str:
    return connection.ops.quote_name(Alert._meta.get_field(name).column)


def _sql() -> tuple[str, str]:
    """(create the staging table, insert from it); names come from the models."""
    q = connection.ops.quote_name
    create = (
        f"CREATE TEMPORARY TABLE {STAGE} (ord integer, org_id bigint, archive_id bigint, "
        "member_id bigint, risk text, facts jsonb, deadline date, assigned_to_id bigint)"
    )
    columns = ", ".join(
        _column(name)
        for name in (
            "created_at",
            "updated_at",
            "rule_code",
            "rule",
            "run",
            "opened_on",
            "status",
            "outcome",
            "close_reason",
            "org",
            "org_anchor",
            "archive",
            "member",
            "risk",
            "facts",
            "deadline",
            "assigned_to",
        )
    )
    org_table = q(Org._meta.db_table)
    org_pk, anchor = q(Org._meta.pk.column), q(Org._meta.get_field("anchor").column)
    insert = (
        f"INSERT INTO {q(Alert._meta.db_table)} ({columns}) "
        "SELECT %(now)s, %(now)s, %(rule_code)s, %(rule)s, %(run)s, %(opened_on)s, "
        f"%(status)s, '', '', n.org_id, o.{anchor}, n.archive_id, n.member_id, n.risk, "
        "n.facts || %(parameters)s::jsonb, n.deadline, n.assigned_to_id "
        f"FROM {STAGE} n LEFT JOIN {org_table} o ON o.{org_pk} = n.org_id "
        "ORDER BY n.ord ON CONFLICT DO NOTHING"
    )
    return create, insert


def alerts_copy(batch: AlertBatch) -> int:
    """Insert the batch's alerts; how many were opened (the rest already had an open alert)."""
    create, insert = _sql()
    dumps = json.dumps
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(create)
        with cursor.cursor.copy(f"COPY {STAGE} FROM STDIN") as copy:
            for ord_, row in enumerate(batch.rows):
                copy.write_row(
                    (
                        ord_,
                        row.org_id,
                        row.archive_id,
                        row.member_id,
                        row.risk,
                        dumps(row.facts),
                        row.deadline,
                        row.assigned_to_id,
                    )
                )
        cursor.execute(
            insert,
            {
                "now": timezone.now(),
                "rule_code": batch.rule.code,
                "rule": batch.rule.pk,
                "run": batch.run.pk,
                "opened_on": batch.opened_on,
                "status": AlertStatus.OPEN,
                "parameters": dumps({"parameters": batch.parameters}),
            },
        )
        opened = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
    return opened

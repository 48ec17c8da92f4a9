"""The PostgreSQL alert writer: COPY the rows into a temporary table, then one
INSERT … SELECT … ON CONFLICT DO NOTHING into the alert table.

Builds no model instances and sends no per-row SQL: each row is its varying values (facts
as JSON text), the constants go in once, the org anchor comes from a join, the rule's
parameters are merged into the facts by the database. Ids follow the rows' order. All in
one transaction (a savepoint inside the caller's): the temporary table is dropped at its
end, or vanishes with its rollback, so the next batch creates it afresh.
"""

import json

from django.db import connection, transaction
from django.utils import timezone

from gonghui.assistance.models import Alert
from gonghui.assistance.monitoring.alert_writer import AlertBatch
from gonghui.assistance.monitoring.definitions import AlertStatus
from gonghui.orgs.models import Org

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

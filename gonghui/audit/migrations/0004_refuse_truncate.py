"""Refuse TRUNCATE of the audit log on PostgreSQL (a statement-level trigger).

0002 refuses UPDATE and DELETE row by row; TRUNCATE fires no row trigger, so it emptied the
table. Now it raises too. What remains is what only a superuser or the table's owner can do
(`SET session_replication_role = replica`, `ALTER TABLE … DISABLE TRIGGER`): the application
runs under a role that is neither (docs/deployment.md, "Database roles"; `gonghui
check_db_roles`). The test suite's flush between transactional tests runs in replica mode as
the throwaway cluster's superuser (gonghui/core/testing/db_plugin.py).
"""

from django.db import migrations

PG_FORWARD = """
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""
PG_BACKWARD = "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_denied_revokes_and_user_edits")]

    operations = [migrations.RunPython(forward, backward)]

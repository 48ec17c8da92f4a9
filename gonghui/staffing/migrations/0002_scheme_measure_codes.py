"""Saved county rules named two measures under codes that were never registered (the outreach
app registers them as `outreach.followups.done` and `outreach.activities.held`), so their
lines were silently skipped: rename them."""

from django.db import migrations

RENAMED = {
    "outreach.caravan_follow_ups": "outreach.followups.done",
    "outreach.activities": "outreach.activities.held",
}


def rename(apps, schema_editor):
    StaffingScheme = apps.get_model("staffing", "StaffingScheme")
    for scheme in StaffingScheme.objects.all():
        targets = [
            {**line, "measure": RENAMED.get(line.get("measure"), line.get("measure"))}
            for line in scheme.targets or []
        ]
        if targets != scheme.targets:
            scheme.targets = targets
            scheme.save(update_fields=["targets"])


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]

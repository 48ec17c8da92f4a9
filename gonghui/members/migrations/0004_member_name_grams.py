"""Member.name_grams (services.name_grams), filled for existing members, and on PostgreSQL a
GIN index over its words for name-contains search (selectors.member_search_q)."""

from django.db import migrations, models

INDEX = "member_name_grams_gin"


def _grams(name: str) -> str:  # services.name_grams as of this migration
    singles = [c for c in name if not c.isspace()]
    pairs = [
        name[i : i + 2]
        for i in range(len(name) - 1)
        if not (name[i].isspace() or name[i + 1].isspace())
    ]
    return " ".join(dict.fromkeys(singles + pairs))


def fill(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    batch = []
    for member in Member.objects.only("id", "name").iterator(chunk_size=2000):
        member.name_grams = _grams(member.name)
        batch.append(member)
        if len(batch) == 2000:
            Member.objects.bulk_update(batch, ["name_grams"])
            batch = []
    Member.objects.bulk_update(batch, ["name_grams"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON members_member USING gin "
            "((string_to_array(name_grams, ' ')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_transfer_requested_side"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="name_grams",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]

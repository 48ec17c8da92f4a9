from django.db import migrations

# The nearest query's box on PostgreSQL (selectors._nearest_in_one_query): a GiST index of the
# open sites' points finds the sites in a box without reading the whole latitude band that the
# (status, lat, lng) B-tree scans. PostgreSQL only (geometric types are built in, no PostGIS);
# SQLite keeps using the B-tree. Not in the model's Meta: Django cannot declare an index for
# one database only.
INDEX = "site_open_point_gist"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON sites_servicesite "
            "USING gist (point(lng, lat)) WHERE status = 'open'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_map_settings_coverage_results")]

    operations = [migrations.RunPython(create, drop)]

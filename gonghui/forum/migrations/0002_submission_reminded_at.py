from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="reminded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="催办时间"),
        ),
    ]

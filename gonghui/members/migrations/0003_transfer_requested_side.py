from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_join_applications_and_transfers"),
    ]

    operations = [
        migrations.AddField(
            model_name="membershiptransfer",
            name="requested_side",
            field=models.CharField(
                choices=[("from", "转出方"), ("to", "转入方")],
                default="from",
                max_length=4,
                verbose_name="发起方",
            ),
        ),
    ]

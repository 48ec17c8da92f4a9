# Monitoring facts for any member (issue 21): schooling costs as recorded facts, a natural key
# (the ID number's HMAC) on medical costs and job losses so a re-imported list adds nothing,
# the 'api' fact source, and the near-line margin replacing the near-line multiplier.

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_archive_address"),
        ("members", "0004_member_name_grams"),
        ("orgs", "0002_org_anchor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SchoolingExpense",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("id_number_hash", models.CharField(blank=True, editable=False, max_length=64)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("manual", "人工登记"),
                            ("import", "名单导入"),
                            ("visit", "走访发现"),
                            ("portal", "职工申报"),
                            ("api", "接口推送"),
                        ],
                        default="manual",
                        max_length=8,
                        verbose_name="来源",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("paid_on", models.DateField(verbose_name="缴费日期")),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("preschool", "学前教育"),
                            ("senior", "普通高中"),
                            ("vocational", "中职"),
                            ("college", "高职(专科)"),
                            ("undergraduate", "本科"),
                            ("postgraduate", "研究生"),
                        ],
                        max_length=16,
                        verbose_name="学段",
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2, max_digits=12, verbose_name="个人负担费用(元)"
                    ),
                ),
                (
                    "student_name",
                    models.CharField(blank=True, max_length=50, verbose_name="学生姓名"),
                ),
                ("school", models.CharField(blank=True, max_length=100, verbose_name="学校")),
            ],
            options={
                "verbose_name": "教育支出记录",
                "verbose_name_plural": "教育支出记录",
                "ordering": ["-paid_on", "-id"],
            },
        ),
        migrations.RemoveField(
            model_name="assistancethresholds",
            name="near_line_multiplier",
        ),
        migrations.AddField(
            model_name="assistancethresholds",
            name="near_line_margin",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.20"),
                max_digits=4,
                verbose_name="监测：收入临界幅度(高出相对困难线的比例)",
            ),
        ),
        migrations.AddField(
            model_name="joblossreport",
            name="id_number_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="medicalexpense",
            name="id_number_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="disasterevent",
            name="source",
            field=models.CharField(
                choices=[
                    ("manual", "人工登记"),
                    ("import", "名单导入"),
                    ("visit", "走访发现"),
                    ("portal", "职工申报"),
                    ("api", "接口推送"),
                ],
                default="manual",
                max_length=8,
                verbose_name="来源",
            ),
        ),
        migrations.AlterField(
            model_name="joblossreport",
            name="source",
            field=models.CharField(
                choices=[
                    ("manual", "人工登记"),
                    ("import", "名单导入"),
                    ("visit", "走访发现"),
                    ("portal", "职工申报"),
                    ("api", "接口推送"),
                ],
                default="manual",
                max_length=8,
                verbose_name="来源",
            ),
        ),
        migrations.AlterField(
            model_name="medicalexpense",
            name="source",
            field=models.CharField(
                choices=[
                    ("manual", "人工登记"),
                    ("import", "名单导入"),
                    ("visit", "走访发现"),
                    ("portal", "职工申报"),
                    ("api", "接口推送"),
                ],
                default="manual",
                max_length=8,
                verbose_name="来源",
            ),
        ),
        migrations.AddConstraint(
            model_name="joblossreport",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash", ""), _negated=True),
                fields=("id_number_hash", "lost_on"),
                name="job_loss_once_per_person_day",
            ),
        ),
        migrations.AddConstraint(
            model_name="medicalexpense",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash", ""), _negated=True),
                fields=("id_number_hash", "occurred_on", "care", "self_paid"),
                name="medical_once_per_person_bill",
            ),
        ),
        migrations.AddField(
            model_name="schoolingexpense",
            name="archive",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="assistance.hardshiparchive",
                verbose_name="困难职工档案",
            ),
        ),
        migrations.AddField(
            model_name="schoolingexpense",
            name="member",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="members.member",
                verbose_name="会员",
            ),
        ),
        migrations.AddField(
            model_name="schoolingexpense",
            name="org",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.org",
                verbose_name="所属组织",
            ),
        ),
        migrations.AddField(
            model_name="schoolingexpense",
            name="org_anchor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="orgs.org",
            ),
        ),
        migrations.AddField(
            model_name="schoolingexpense",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="schoolingexpense",
            index=models.Index(fields=["paid_on"], name="schooling_on"),
        ),
        migrations.AddIndex(
            model_name="schoolingexpense",
            index=models.Index(fields=["archive", "paid_on"], name="schooling_archive_on"),
        ),
        migrations.AddIndex(
            model_name="schoolingexpense",
            index=models.Index(fields=["member", "paid_on"], name="schooling_member_on"),
        ),
        migrations.AddConstraint(
            model_name="schoolingexpense",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("archive__isnull", False), ("member__isnull", True)),
                    models.Q(("archive__isnull", True), ("member__isnull", False)),
                    _connector="OR",
                ),
                name="schooling_one_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="schoolingexpense",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="schooling_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="schoolingexpense",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash", ""), _negated=True),
                fields=("id_number_hash", "paid_on", "stage", "student_name", "amount"),
                name="schooling_once_per_person_bill",
            ),
        ),
    ]

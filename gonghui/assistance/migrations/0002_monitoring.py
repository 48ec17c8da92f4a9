# Monitoring and early warning (issue 4, phase 2): rules, county settings, facts, runs, alerts.
# Hand-copied from `makemigrations assistance --dry-run` (see briefs: shared app, several
# engineers), plus version 1 of each built-in rule.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


# Version 1 of the built-in rules as this migration created them (frozen here: the live
# definitions in monitoring/definitions.py moved on, see 0006_monitoring_rules_v2).
RULES_V1 = [
    {
        "code": "income_near_line",
        "name": "收入临界预警",
        "description": "未纳入困难帮扶(未达困难标准、已脱困或脱困监测中)的家庭，人均月净收入不高于本县现行低保标准的规定倍数。人均月净收入 =(家庭年可支配收入 − "
        "医疗、教育、残疾康复刚性支出)÷ 12 ÷ 家庭人口。倍数不设置时采用本县帮扶标准参数中的“收入临界线”。",
        "parameters": {
            "multiplier": None,
            "high_multiplier": 1.0,
            "risk": "medium",
            "deadline_days": {"high": 3, "medium": 7, "low": 15},
        },
    },
    {
        "code": "medical_cost",
        "name": "大额医疗自付预警",
        "description": "近一年住院自付医疗费用累计：已脱困或脱困监测中的家庭达到 5,000 元、其他家庭和会员达到 20,000 元；或近 30 天门诊自付费用达到 500 "
        "元。",
        "parameters": {
            "window_days": 365,
            "inpatient_exited": 5000,
            "inpatient_other": 20000,
            "outpatient_window_days": 30,
            "outpatient_month": 500,
            "risk": "high",
            "outpatient_risk": "medium",
            "deadline_days": {"high": 3, "medium": 7, "low": 15},
        },
    },
    {
        "code": "schooling_cost",
        "name": "大额教育支出预警",
        "description": "家庭年教育刚性支出达到 10,000 元。",
        "parameters": {
            "yearly": 10000,
            "risk": "medium",
            "deadline_days": {"high": 3, "medium": 7, "low": 15},
        },
    },
    {
        "code": "disaster",
        "name": "灾害或意外事故预警",
        "description": "近期(默认 30 天)登记或导入了自然灾害、意外事故记录；损失达到规定金额为高风险。",
        "parameters": {
            "days": 30,
            "high_loss": 10000,
            "risk": "medium",
            "deadline_days": {"high": 3, "medium": 7, "low": 15},
        },
    },
    {
        "code": "job_loss",
        "name": "失业预警",
        "description": "近期(默认 60 天)登记了失业(下岗、裁员、停工)报告。",
        "parameters": {
            "days": 60,
            "risk": "medium",
            "deadline_days": {"high": 3, "medium": 7, "low": 15},
        },
    },
    {
        "code": "review_overdue",
        "name": "年度复核逾期预警",
        "description": "在档家庭超过下次复核截止日期仍未复核；逾期超过规定天数为中风险。",
        "parameters": {
            "medium_after_days": 90,
            "risk": "low",
            "deadline_days": {"high": 3, "medium": 7, "low": 15},
        },
    },
    {
        "code": "exited_adverse",
        "name": "脱困监测期新风险预警",
        "description": "已脱困或脱困监测中的家庭在监测期内，脱困后新登记了医疗支出、灾害或意外事故、失业中的任何一项。",
        "parameters": {"risk": "high", "deadline_days": {"high": 3, "medium": 7, "low": 15}},
    },
]


def rules_create(apps, schema_editor):
    MonitoringRule = apps.get_model("assistance", "MonitoringRule")
    for rule in RULES_V1:
        if not MonitoringRule.objects.filter(code=rule["code"]).exists():
            MonitoringRule.objects.create(
                code=str(rule["code"]),
                version=1,
                name=rule["name"],
                description=rule["description"],
                parameters=rule["parameters"],
                is_current=True,
                note="内置规则",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("members", "0004_member_name_grams"),
        ("orgs", "0002_org_anchor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MonitoringRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        choices=[
                            ("income_near_line", "收入临界"),
                            ("medical_cost", "大额医疗自付"),
                            ("schooling_cost", "大额教育支出"),
                            ("disaster", "灾害或意外事故"),
                            ("job_loss", "失业"),
                            ("review_overdue", "年度复核逾期"),
                            ("exited_adverse", "脱困监测期新风险"),
                        ],
                        max_length=32,
                        verbose_name="规则代码",
                    ),
                ),
                ("version", models.PositiveIntegerField(verbose_name="版本")),
                ("name", models.CharField(max_length=50, verbose_name="规则名称")),
                ("description", models.TextField(verbose_name="规则说明")),
                ("parameters", models.JSONField(default=dict, verbose_name="参数")),
                ("is_current", models.BooleanField(default=True, verbose_name="现行版本")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="修改说明")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="创建时间"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "监测预警规则",
                "verbose_name_plural": "监测预警规则",
                "ordering": ["code", "-version"],
            },
        ),
        migrations.CreateModel(
            name="MonitoringRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "trigger",
                    models.CharField(
                        choices=[("scheduled", "定时"), ("on_demand", "手动")],
                        max_length=10,
                        verbose_name="触发方式",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "排队中"),
                            ("running", "运行中"),
                            ("done", "已完成"),
                            ("failed", "失败"),
                        ],
                        default="queued",
                        max_length=8,
                        verbose_name="状态",
                    ),
                ),
                ("on", models.DateField(verbose_name="监测日期")),
                (
                    "queued_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="提交时间"
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="开始时间"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="结束时间"),
                ),
                (
                    "duration_ms",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="耗时(毫秒)"),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="进度(%)")),
                ("counts", models.JSONField(blank=True, default=dict, verbose_name="各规则结果")),
                ("opened", models.PositiveIntegerField(default=0, verbose_name="新开预警")),
                ("message", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("task_id", models.CharField(blank=True, editable=False, max_length=64)),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发起人",
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        blank=True,
                        help_text="为空表示全部县。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="县级工会",
                    ),
                ),
            ],
            options={
                "verbose_name": "监测运行记录",
                "verbose_name_plural": "监测运行记录",
                "ordering": ["-id"],
            },
        ),
        migrations.CreateModel(
            name="Alert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "rule_code",
                    models.CharField(
                        choices=[
                            ("income_near_line", "收入临界"),
                            ("medical_cost", "大额医疗自付"),
                            ("schooling_cost", "大额教育支出"),
                            ("disaster", "灾害或意外事故"),
                            ("job_loss", "失业"),
                            ("review_overdue", "年度复核逾期"),
                            ("exited_adverse", "脱困监测期新风险"),
                        ],
                        max_length=32,
                        verbose_name="规则",
                    ),
                ),
                (
                    "risk",
                    models.CharField(
                        choices=[("low", "低"), ("medium", "中"), ("high", "高")],
                        max_length=8,
                        verbose_name="风险等级",
                    ),
                ),
                ("facts", models.JSONField(default=dict, verbose_name="触发事实")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "待处置"), ("closed", "已办结")],
                        default="open",
                        max_length=8,
                        verbose_name="状态",
                    ),
                ),
                ("opened_on", models.DateField(verbose_name="预警日期")),
                ("deadline", models.DateField(verbose_name="办理时限")),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("archived", "已纳入建档帮扶"),
                            ("helped", "已实施帮扶"),
                            ("no_action", "经核实无需帮扶"),
                        ],
                        max_length=10,
                        verbose_name="处置结果",
                    ),
                ),
                (
                    "close_reason",
                    models.CharField(blank=True, max_length=500, verbose_name="处置说明"),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="办结时间")),
                (
                    "archive",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to="assistance.hardshiparchive",
                        verbose_name="困难职工档案",
                    ),
                ),
                (
                    "assigned_to",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="责任人",
                    ),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="办结人",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="members.member",
                        verbose_name="会员",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="所属组织",
                    ),
                ),
                (
                    "org_anchor",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.org",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="alerts",
                        to="assistance.monitoringrule",
                        verbose_name="规则版本",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="alerts",
                        to="assistance.monitoringrun",
                        verbose_name="监测运行",
                    ),
                ),
            ],
            options={
                "verbose_name": "预警",
                "verbose_name_plural": "预警",
                "ordering": ["-id"],
            },
        ),
        migrations.CreateModel(
            name="RuleSetting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "rule_code",
                    models.CharField(
                        choices=[
                            ("income_near_line", "收入临界"),
                            ("medical_cost", "大额医疗自付"),
                            ("schooling_cost", "大额教育支出"),
                            ("disaster", "灾害或意外事故"),
                            ("job_loss", "失业"),
                            ("review_overdue", "年度复核逾期"),
                            ("exited_adverse", "脱困监测期新风险"),
                        ],
                        max_length=32,
                        verbose_name="规则",
                    ),
                ),
                ("enabled", models.BooleanField(default=True, verbose_name="启用")),
                ("overrides", models.JSONField(blank=True, default=dict, verbose_name="本县参数")),
                ("effective_from", models.DateField(verbose_name="执行日期")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="所属组织",
                    ),
                ),
                (
                    "org_anchor",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.org",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "规则县级设置",
                "verbose_name_plural": "规则县级设置",
                "ordering": ["org", "rule_code", "-effective_from", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DisasterEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("manual", "人工登记"),
                            ("import", "名单导入"),
                            ("visit", "走访发现"),
                            ("portal", "职工申报"),
                        ],
                        default="manual",
                        max_length=8,
                        verbose_name="来源",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("occurred_on", models.DateField(verbose_name="发生日期")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("flood", "洪涝"),
                            ("typhoon", "台风"),
                            ("earthquake", "地震"),
                            ("fire", "火灾"),
                            ("drought", "干旱"),
                            ("traffic", "交通事故"),
                            ("work_injury", "工伤事故"),
                            ("other_accident", "其他意外事故"),
                            ("other", "其他灾害"),
                        ],
                        max_length=16,
                        verbose_name="类型",
                    ),
                ),
                ("id_number_hash", models.CharField(blank=True, editable=False, max_length=64)),
                (
                    "loss",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=12, verbose_name="损失(元)"
                    ),
                ),
                (
                    "archive",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assistance.hardshiparchive",
                        verbose_name="困难职工档案",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="members.member",
                        verbose_name="会员",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="所属组织",
                    ),
                ),
                (
                    "org_anchor",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.org",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "灾害或意外事故记录",
                "verbose_name_plural": "灾害或意外事故记录",
                "ordering": ["-occurred_on", "-id"],
                "indexes": [
                    models.Index(fields=["occurred_on"], name="disaster_on"),
                    models.Index(fields=["archive", "occurred_on"], name="disaster_archive_on"),
                    models.Index(fields=["member", "occurred_on"], name="disaster_member_on"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("archive__isnull", False), ("member__isnull", True)),
                            models.Q(("archive__isnull", True), ("member__isnull", False)),
                            _connector="OR",
                        ),
                        name="disaster_one_target",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("loss__gte", 0)), name="disaster_loss_not_negative"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("id_number_hash", ""), _negated=True),
                        fields=("id_number_hash", "occurred_on", "kind"),
                        name="disaster_once_per_person_day_kind",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="JobLossReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("manual", "人工登记"),
                            ("import", "名单导入"),
                            ("visit", "走访发现"),
                            ("portal", "职工申报"),
                        ],
                        default="manual",
                        max_length=8,
                        verbose_name="来源",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("lost_on", models.DateField(verbose_name="失业日期")),
                (
                    "employer_name",
                    models.CharField(blank=True, max_length=150, verbose_name="原工作单位"),
                ),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="原因")),
                (
                    "archive",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assistance.hardshiparchive",
                        verbose_name="困难职工档案",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="members.member",
                        verbose_name="会员",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="所属组织",
                    ),
                ),
                (
                    "org_anchor",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.org",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "失业报告",
                "verbose_name_plural": "失业报告",
                "ordering": ["-lost_on", "-id"],
                "indexes": [
                    models.Index(fields=["lost_on"], name="job_loss_on"),
                    models.Index(fields=["archive", "lost_on"], name="job_loss_archive_on"),
                    models.Index(fields=["member", "lost_on"], name="job_loss_member_on"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("archive__isnull", False), ("member__isnull", True)),
                            models.Q(("archive__isnull", True), ("member__isnull", False)),
                            _connector="OR",
                        ),
                        name="job_loss_one_target",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MedicalExpense",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("manual", "人工登记"),
                            ("import", "名单导入"),
                            ("visit", "走访发现"),
                            ("portal", "职工申报"),
                        ],
                        default="manual",
                        max_length=8,
                        verbose_name="来源",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("occurred_on", models.DateField(verbose_name="就诊(结算)日期")),
                (
                    "care",
                    models.CharField(
                        choices=[("inpatient", "住院"), ("outpatient", "门诊")],
                        max_length=10,
                        verbose_name="类别",
                    ),
                ),
                (
                    "self_paid",
                    models.DecimalField(
                        decimal_places=2, max_digits=12, verbose_name="个人自付(元)"
                    ),
                ),
                (
                    "archive",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assistance.hardshiparchive",
                        verbose_name="困难职工档案",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="members.member",
                        verbose_name="会员",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="所属组织",
                    ),
                ),
                (
                    "org_anchor",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.org",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "医疗支出记录",
                "verbose_name_plural": "医疗支出记录",
                "ordering": ["-occurred_on", "-id"],
                "indexes": [
                    models.Index(fields=["occurred_on"], name="medical_on"),
                    models.Index(fields=["archive", "occurred_on"], name="medical_archive_on"),
                    models.Index(fields=["member", "occurred_on"], name="medical_member_on"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("archive__isnull", False), ("member__isnull", True)),
                            models.Q(("archive__isnull", True), ("member__isnull", False)),
                            _connector="OR",
                        ),
                        name="medical_one_target",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("self_paid__gt", 0)), name="medical_positive"
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="monitoringrule",
            constraint=models.UniqueConstraint(
                fields=("code", "version"), name="rule_code_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="monitoringrule",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)), fields=("code",), name="rule_one_current"
            ),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["org_anchor", "id"], name="alert_anchor_id"),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["org", "id"], name="alert_org_id"),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["status", "deadline"], name="alert_status_deadline"),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["assigned_to", "status"], name="alert_assignee_status"),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["opened_on"], name="alert_opened_on"),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["archive", "rule_code"], name="alert_archive_rule"),
        ),
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["member", "rule_code"], name="alert_member_rule"),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("archive__isnull", False), ("member__isnull", True)),
                    models.Q(("archive__isnull", True), ("member__isnull", False)),
                    _connector="OR",
                ),
                name="alert_one_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("rule_code", "archive"),
                name="alert_one_open_per_archive",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("rule_code", "member"),
                name="alert_one_open_per_member",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "open"),
                    models.Q(
                        models.Q(("outcome", ""), _negated=True),
                        models.Q(("close_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="alert_closed_has_outcome",
            ),
        ),
        migrations.AddIndex(
            model_name="rulesetting",
            index=models.Index(
                fields=["org", "rule_code", "effective_from"], name="rule_setting_lookup"
            ),
        ),
        migrations.RunPython(rules_create, migrations.RunPython.noop),
    ]

# Programmes, budgets, rules, grants and regular visits (issue 4, phase 2).
# Hand-copied from makemigrations --dry-run: only this work's models (see briefs).

import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import gonghui.assistance.visits.models
import gonghui.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('assistance', '0002_monitoring'),
        ('members', '0004_member_name_grams'),
        ('orgs', '0002_org_anchor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Grant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('subject', models.CharField(blank=True, max_length=100, verbose_name='帮扶事由')),
                ('need_key', models.CharField(max_length=120, verbose_name='需求标识')),
                ('need_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='核定费用(元)')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='金额(元)')),
                ('reason', models.TextField(verbose_name='符合条件说明')),
                ('status', models.CharField(choices=[('proposed', '待审批'), ('approved', '已审批待发放'), ('disbursed', '已发放'), ('cancelled', '已取消')], default='proposed', max_length=10, verbose_name='状态')),
                ('proposed_on', models.DateField(verbose_name='提出日期')),
                ('approved_on', models.DateField(blank=True, null=True, verbose_name='审批日期')),
                ('approval_batch', models.CharField(blank=True, max_length=32, verbose_name='审批批次')),
                ('disbursed_on', models.DateField(blank=True, null=True, verbose_name='发放日期')),
                ('method', models.CharField(blank=True, choices=[('bank', '银行转账'), ('cash', '现金')], max_length=6, verbose_name='发放方式')),
                ('bank_name', models.CharField(blank=True, max_length=100, verbose_name='开户银行')),
                ('bank_account', gonghui.core.fields.EncryptedTextField(blank=True, verbose_name='收款账号')),
                ('bank_account_last4', models.CharField(blank=True, editable=False, max_length=4)),
                ('handled_by', models.CharField(blank=True, max_length=100, verbose_name='经办人/领款人')),
                ('disbursement_note', models.CharField(blank=True, max_length=200, verbose_name='发放说明')),
                ('cancelled_on', models.DateField(blank=True, null=True, verbose_name='取消日期')),
                ('cancel_reason', models.CharField(blank=True, max_length=200, verbose_name='取消原因')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
            ],
            options={
                'verbose_name': '帮扶发放',
                'verbose_name_plural': '帮扶发放',
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='Programme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('kind', models.CharField(choices=[('warmth', '送温暖'), ('schooling', '金秋助学'), ('medical', '医疗救助'), ('living', '生活救助'), ('employment', '就业援助'), ('custom', '其他(自定义)')], max_length=12, verbose_name='项目类型')),
                ('name', models.CharField(max_length=100, verbose_name='项目名称')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('starts_on', models.DateField(verbose_name='开始日期')),
                ('ends_on', models.DateField(verbose_name='结束日期')),
                ('status', models.CharField(choices=[('open', '实施中'), ('closed', '已结束')], default='open', max_length=8, verbose_name='状态')),
                ('description', models.CharField(blank=True, max_length=500, verbose_name='项目说明')),
            ],
            options={
                'verbose_name': '帮扶项目',
                'verbose_name_plural': '帮扶项目',
                'ordering': ['-year', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ProgrammeBudget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='预算金额(元)')),
                ('allocated', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=12, verbose_name='已下拨给下级(元)')),
                ('committed', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=12, verbose_name='已审批占用(元)')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
            ],
            options={
                'verbose_name': '项目预算',
                'verbose_name_plural': '项目预算',
                'ordering': ['programme', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ProgrammeRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='版本')),
                ('eligibility', models.JSONField(default=dict, verbose_name='资格条件')),
                ('amount', models.JSONField(default=dict, verbose_name='金额规则')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='修改说明')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': '项目规则',
                'verbose_name_plural': '项目规则',
                'ordering': ['programme', '-version'],
            },
        ),
        migrations.CreateModel(
            name='Visit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('visited_on', models.DateField(verbose_name='走访日期')),
                ('year', models.PositiveSmallIntegerField(editable=False, verbose_name='年度')),
                ('quarter', models.PositiveSmallIntegerField(editable=False, verbose_name='季度')),
                ('visitor_names', models.CharField(blank=True, max_length=200, verbose_name='走访人员')),
                ('findings', models.TextField(verbose_name='走访情况')),
                ('annual_income', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='新的家庭年可支配收入(元)')),
                ('medical_expense', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='新的年医疗支出(元)')),
                ('schooling_expense', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='新的年教育支出(元)')),
                ('disability_expense', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='新的年残疾康复支出(元)')),
                ('job_loss', models.BooleanField(default=False, verbose_name='家庭成员失业')),
                ('disaster', models.BooleanField(default=False, verbose_name='遭受灾害或意外')),
                ('medical', models.BooleanField(default=False, verbose_name='新发大额医疗支出')),
                ('facts', models.JSONField(blank=True, default=list, verbose_name='生成的监测事实')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': '走访记录',
                'verbose_name_plural': '走访记录',
                'ordering': ['-visited_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='VisitPhoto',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=200, upload_to=gonghui.assistance.visits.models.visit_photo_path, verbose_name='照片')),
                ('stored_name', models.CharField(editable=False, max_length=80)),
                ('original_name', models.CharField(max_length=200, verbose_name='原文件名')),
                ('content_type', models.CharField(max_length=40, verbose_name='文件类型')),
                ('size', models.PositiveIntegerField(verbose_name='大小(字节)')),
                ('sha256', models.CharField(editable=False, max_length=64)),
            ],
            options={
                'verbose_name': '走访照片',
                'verbose_name_plural': '走访照片',
                'ordering': ['visit', 'id'],
            },
        ),
        migrations.AddField(
            model_name='grant',
            name='approved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='grant',
            name='archive',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grants', to='assistance.hardshiparchive'),
        ),
        migrations.AddField(
            model_name='grant',
            name='cancelled_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='grant',
            name='disbursed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='grant',
            name='household_member',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assistance.householdmember', verbose_name='受助家庭成员'),
        ),
        migrations.AddField(
            model_name='grant',
            name='org',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org', verbose_name='所属组织'),
        ),
        migrations.AddField(
            model_name='grant',
            name='org_anchor',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orgs.org'),
        ),
        migrations.AddField(
            model_name='grant',
            name='proposed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='programme',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='programme',
            name='org',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org', verbose_name='所属组织'),
        ),
        migrations.AddField(
            model_name='programme',
            name='org_anchor',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orgs.org'),
        ),
        migrations.AddField(
            model_name='grant',
            name='programme',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grants', to='assistance.programme'),
        ),
        migrations.AddField(
            model_name='programmebudget',
            name='org',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org', verbose_name='所属组织'),
        ),
        migrations.AddField(
            model_name='programmebudget',
            name='org_anchor',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orgs.org'),
        ),
        migrations.AddField(
            model_name='programmebudget',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='assistance.programmebudget'),
        ),
        migrations.AddField(
            model_name='programmebudget',
            name='programme',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='budgets', to='assistance.programme'),
        ),
        migrations.AddField(
            model_name='grant',
            name='budget',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grants', to='assistance.programmebudget'),
        ),
        migrations.AddField(
            model_name='programmerule',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='programmerule',
            name='programme',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='assistance.programme'),
        ),
        migrations.AddField(
            model_name='grant',
            name='rule',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assistance.programmerule'),
        ),
        migrations.AddField(
            model_name='visit',
            name='archive',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='assistance.hardshiparchive'),
        ),
        migrations.AddField(
            model_name='visit',
            name='assessment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assistance.archiveassessment', verbose_name='据此重新测算'),
        ),
        migrations.AddField(
            model_name='visit',
            name='org',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org', verbose_name='所属组织'),
        ),
        migrations.AddField(
            model_name='visit',
            name='org_anchor',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orgs.org'),
        ),
        migrations.AddField(
            model_name='visit',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='visit',
            name='visitors',
            field=models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='走访人员(系统用户)'),
        ),
        migrations.AddField(
            model_name='visitphoto',
            name='visit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='photos', to='assistance.visit'),
        ),
        migrations.AddIndex(
            model_name='programme',
            index=models.Index(fields=['org_anchor', 'id'], name='programme_anchor_id'),
        ),
        migrations.AddIndex(
            model_name='programme',
            index=models.Index(fields=['year', 'kind'], name='programme_year_kind'),
        ),
        migrations.AddConstraint(
            model_name='programme',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='programme_period_order'),
        ),
        migrations.AddConstraint(
            model_name='programmebudget',
            constraint=models.UniqueConstraint(fields=('programme', 'org'), name='budget_one_per_org'),
        ),
        migrations.AddConstraint(
            model_name='programmebudget',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0), ('allocated__gte', 0), ('committed__gte', 0)), name='budget_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='programmebudget',
            constraint=models.CheckConstraint(condition=models.Q(('committed__lte', django.db.models.expressions.CombinedExpression(models.F('amount'), '-', models.F('allocated')))), name='budget_never_overspent'),
        ),
        migrations.AddConstraint(
            model_name='programmerule',
            constraint=models.UniqueConstraint(fields=('programme', 'version'), name='rule_version_unique'),
        ),
        migrations.AddIndex(
            model_name='grant',
            index=models.Index(fields=['org_anchor', 'id'], name='grant_anchor_id'),
        ),
        migrations.AddIndex(
            model_name='grant',
            index=models.Index(fields=['programme', 'status'], name='grant_programme_status'),
        ),
        migrations.AddIndex(
            model_name='grant',
            index=models.Index(fields=['archive', 'id'], name='grant_archive_id'),
        ),
        migrations.AddIndex(
            model_name='grant',
            index=models.Index(fields=['status', 'disbursed_on'], name='grant_status_paid_on'),
        ),
        migrations.AddConstraint(
            model_name='grant',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('need_key',), name='grant_one_per_need'),
        ),
        migrations.AddConstraint(
            model_name='grant',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='grant_amount_positive'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(fields=['org_anchor', 'id'], name='visit_anchor_id'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(fields=['archive', 'year', 'quarter'], name='visit_archive_quarter'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(fields=['year', 'quarter'], name='visit_quarter'),
        ),
    ]

"""The app under a database role that owns nothing and may only append to the audit log.

PostgreSQL only: the test database belongs to the throwaway cluster's superuser, which plays
the owner; each test creates an app role, grants it what `gonghui grant_db_roles` grants, and
runs the app's work as that role.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.testing.pgroles import login_role, superuser_execute, switched_database

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]

REFUSED_ON_AUDIT = [
    "UPDATE audit_auditevent SET username = 'x'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    "DROP TABLE audit_auditevent",
    "SET session_replication_role = replica",
]


@pytest.fixture
def app_role(db):
    with login_role() as role:
        call_command("grant_db_roles", "--role", role, stdout=io.StringIO())
        yield role


def _check(**kwargs) -> str:
    out = io.StringIO()
    call_command("check_db_roles", stdout=out, **kwargs)
    return out.getvalue()


def _refused(statement: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError:
        return True
    return False


def test_the_app_works_as_the_app_role_and_cannot_touch_the_audit_log(app_role, tree, client):
    from gonghui.accounts.services import user_create
    from gonghui.core.imports.services import import_upload
    from gonghui.core.imports.tests.files import xlsx_upload
    from gonghui.members.models import Member
    from gonghui.members.tests.factories import make_id_number
    from gonghui.testing.fixtures import TEST_PASSWORD, build_enterprise, make_user

    with switched_database(USER=app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)
        # the app's normal work: users and roles, login, encrypted records, a bulk import (COPY)
        admin = make_user("app_admin", "county_admin", tree.county)
        user_create(actor=admin, username="app_new", password=TEST_PASSWORD, org=tree.a)
        response = client.post(
            "/accounts/login/", {"username": "app_admin", "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
        enterprise = build_enterprise(org=tree.a, contact_phone="13912345678")
        rows = [["姓名", "身份证号", "手机号", "户籍类型", "入会时间"]] + [
            [f"会员{i}", make_id_number(), f"1380000{i:04d}", "农业", "2021-03-05"]
            for i in range(3)
        ]
        job = import_upload(
            actor=admin, kind="members", file=xlsx_upload(rows), direct_mode="skip_invalid"
        )
        assert job.created_count == 3
        events = AuditEvent.objects.count()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        # and nothing that would change or empty the audit log
        refused = [statement for statement in REFUSED_ON_AUDIT if _refused(statement)]
    assert refused == REFUSED_ON_AUDIT
    assert {AuditAction.USER_CREATED, AuditAction.LOGIN, AuditAction.IMPORTED} <= actions
    assert AuditEvent.objects.count() == events
    assert Member.objects.count() == 3
    assert enterprise.__class__.objects.get(pk=enterprise.pk).contact_phone == "13912345678"


def test_check_passes_for_the_app_role(app_role):
    with switched_database(USER=app_role):
        output = _check()
    assert f"✓ 数据库角色 {app_role} 配置正确：不拥有数据表，对审计日志只能追加和读取。" in output
    assert "it owns no tables and may only append to and read the audit log" in output


def test_check_refuses_the_owner_and_superuser_in_chinese_and_english(db):
    with pytest.raises(CommandError, match="数据库角色 postgres 有 2 个问题。 / 2 problem"):
        output = io.StringIO()
        call_command("check_db_roles", stdout=output)
    text = output.getvalue()
    assert "✗ 应用连接数据库使用的角色 postgres 是超级用户，可以关闭审计日志的保护。" in text
    assert "The app's database role postgres is a superuser" in text
    assert "是" in text and "张数据表(如 audit_auditevent)的所有者" in text
    assert "could disable the audit log's triggers or empty it" in text
    assert "GONGHUI_MIGRATE_DATABASE_URL" in text


def test_check_names_each_misconfiguration_of_the_app_role(app_role):
    # given the role may change the audit log, misses a table and a trigger is off
    superuser_execute(
        f'GRANT UPDATE, TRUNCATE ON audit_auditevent TO "{app_role}"',
        f'REVOKE ALL ON orgs_org FROM "{app_role}"',
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate",
    )
    try:
        with switched_database(USER=app_role), pytest.raises(CommandError, match="3 个问题"):
            output = io.StringIO()
            call_command("check_db_roles", stdout=output)
    finally:
        superuser_execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_truncate")
    text = output.getvalue()
    assert (
        f"应用角色 {app_role} 对审计日志有 UPDATE、TRUNCATE 权限，只应有 INSERT 和 SELECT。" in text
    )
    assert "holds UPDATE, TRUNCATE on the audit log" in text
    assert f"应用角色 {app_role} 缺少 1 张数据表的读写权限(orgs_org)" in text
    assert "审计日志的保护触发器 audit_event_no_truncate 已停用" in text
    assert "The audit log's trigger audit_event_no_truncate is disabled" in text


def test_the_system_check_reports_the_same_under_check_deploy(db):
    from gonghui.core.dbroles import check_app_role

    errors = check_app_role(databases=["default"])
    assert [e.id for e in errors] == ["gonghui.E101", "gonghui.E101"]
    assert errors[0].msg.startswith("应用连接数据库使用的角色 postgres 是超级用户")
    assert errors[0].hint.startswith("The app's database role postgres is a superuser")
    assert check_app_role(databases=None) == []


def test_migrate_as_the_owner_grants_the_app_role(settings):
    with login_role() as role:
        output = io.StringIO()
        with switched_database(USER=role), pytest.raises(CommandError, match="1 个问题"):
            call_command("check_db_roles", stdout=output)
        assert f"应用角色 {role} 缺少" in output.getvalue()
        settings.DATABASE_APP_ROLE = role
        call_command("migrate", verbosity=0)
        with switched_database(USER=role):
            assert "✓" in _check()


def test_grant_db_roles_prints_its_sql_and_refuses_the_owner_itself(db):
    out = io.StringIO()
    call_command("grant_db_roles", "--role", "gonghui_app", "--sql", stdout=out)
    sql = out.getvalue()
    assert (
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "gonghui_app";'
        in sql
    )
    assert (
        'REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON "public"."audit_auditevent" '
        'FROM "gonghui_app";'
    ) in sql
    with pytest.raises(CommandError, match="应用角色 postgres 就是当前连接的所有者角色"):
        call_command("grant_db_roles", "--role", "postgres", stdout=io.StringIO())


def test_gonghui_migrate_runs_as_the_owner_and_leaves_an_app_role_that_passes_the_check(tmp_path):
    """The operator's path end to end: two URLs, `gonghui migrate`, `gonghui check_db_roles`.
    The one full migrate of a fresh database in the suite (a minute under load): whatever else
    needs one asserts it here."""
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    host, port = connection.settings_dict["HOST"], connection.settings_dict["PORT"]
    name = f"gh_fresh_{uuid.uuid4().hex[:8]}"
    gonghui = [sys.executable, str(Path(sys.executable).with_name("gonghui"))]
    with login_role("gh_owner") as owner, login_role() as app:
        superuser_execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        try:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("GONGHUI_DB_")},
                "GONGHUI_VAR_DIR": str(tmp_path),
                "GONGHUI_DATABASE_URL": f"postgres://{app}@{host}:{port}/{name}",
                "GONGHUI_MIGRATE_DATABASE_URL": f"postgres://{owner}@{host}:{port}/{name}",
            }
            migrate = subprocess.run(
                [*gonghui, "migrate", "--no-input"], env=env, capture_output=True, text=True
            )
            assert migrate.returncode == 0, migrate.stderr[-2000:]
            assert f"已为应用角色 {app} 授权(审计日志只能追加)。" in migrate.stdout
            # migrate alone also creates the rate limit's counters and the database cache's
            # table (core/migrations/0005), which the test databases get from createcachetable
            with switched_database(NAME=name):
                tables = set(connection.introspection.table_names())
            assert {"core_ratecounter", "gonghui_cache"} <= tables
            check = subprocess.run(
                [*gonghui, "check_db_roles"], env=env, capture_output=True, text=True
            )
            assert check.returncode == 0, check.stdout + check.stderr
            assert f"✓ 数据库角色 {app} 配置正确" in check.stdout
            # the owner is what the app must not be
            owner_env = {**env, "GONGHUI_DATABASE_URL": env["GONGHUI_MIGRATE_DATABASE_URL"]}
            refused = subprocess.run(
                [*gonghui, "check_db_roles"], env=owner_env, capture_output=True, text=True
            )
            assert refused.returncode == 1
            assert f"应用角色 {owner} 是" in refused.stdout
        finally:
            superuser_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

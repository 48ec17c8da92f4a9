"""Database roles on PostgreSQL: the app's role owns nothing and may only append to the audit log.

Two roles (docs/deployment.md, "Database roles"):

- the owner (`GONGHUI_MIGRATE_DATABASE_URL`) owns the schema and its tables. `gonghui migrate`,
  `createcachetable`, `grant_db_roles`, `backup` and `restore` connect as it (gonghui/cli.py);
- the app role (`GONGHUI_DATABASE_URL`) runs the web and task processes: SELECT, INSERT, UPDATE,
  DELETE on every table, the sequences, temporary tables, and on the audit log INSERT and SELECT
  only. Not owning the audit table, it can neither disable its triggers nor truncate it.

`grant_statements` is the SQL; migrate runs it after every migration when an app role is
configured (`grant_after_migrate`); `problems` is what `gonghui check_db_roles` (and `gonghui
check --deploy --database default`) reports, in Chinese and English for the operator.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connections

AUDIT_TABLE = "audit_auditevent"
# The audit log's own triggers (audit/migrations/0002 and 0004): enabled, they refuse
# UPDATE, DELETE and TRUNCATE whatever the privileges.
AUDIT_TRIGGERS = ("audit_event_no_update_delete", "audit_event_no_truncate")
DML = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Privileges on the audit log that would let the holder change or empty it.
AUDIT_FORBIDDEN = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


def _ident(connection, name: str) -> str:
    from psycopg import sql

    with connection.cursor() as cursor:
        return sql.Identifier(name).as_string(cursor.cursor)


def grant_statements(connection, app_role: str) -> list[str]:
    """What the owner runs so that `app_role` can do the app's work and no more."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), current_database()")
        schema, database = cursor.fetchone()
    role, schema, database = (_ident(connection, n) for n in (app_role, schema, database))
    audit = f"{schema}.{_ident(connection, AUDIT_TABLE)}"
    return [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE {', '.join(AUDIT_FORBIDDEN)} ON {audit} FROM {role}",
        f"GRANT SELECT, INSERT ON {audit} TO {role}",
        # Tables the owner creates later (createcachetable, the next migrate) follow suit;
        # migrate re-runs all of this anyway, which takes the audit log's DML back.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


def grant(connection, app_role: str) -> list[str]:
    statements = grant_statements(connection, app_role)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements


def grant_after_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    """post_migrate: give the configured app role its privileges on what migrate created."""
    connection = connections[using]
    app_role = settings.DATABASE_APP_ROLE
    if connection.vendor != "postgresql" or not app_role:
        return
    if app_role == connection.settings_dict.get("USER"):
        return  # one role for everything: nothing to grant (check_db_roles says why that is weak)
    grant(connection, app_role)
    if verbosity >= 1:
        print(f"  已为应用角色 {app_role} 授权(审计日志只能追加)。")


@dataclass(frozen=True)
class Problem:
    zh: str
    en: str


def _fetch(cursor, query: str, params=()) -> list[tuple]:
    cursor.execute(query, params)
    return cursor.fetchall()


def problems(connection) -> list[Problem]:
    """What is wrong with the role `connection` runs as, for the app (empty: all is well)."""
    found: list[Problem] = []
    with connection.cursor() as cursor:
        ((role, superuser, version),) = _fetch(
            cursor,
            "SELECT current_user, rolsuper, current_setting('server_version_num')::int "
            "FROM pg_roles WHERE rolname = current_user",
        )
        if superuser:
            found.append(
                Problem(
                    f"应用连接数据库使用的角色 {role} 是超级用户，可以关闭审计日志的保护。"
                    "请为应用另建一个普通角色。",
                    f"The app's database role {role} is a superuser and can switch off the "
                    "audit log's protection. Give the app an ordinary role of its own.",
                )
            )
        owned = [
            name
            for (name,) in _fetch(
                cursor,
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "AND pg_has_role(current_user, c.relowner, 'MEMBER') ORDER BY c.relname",
            )
        ]
        if owned:
            example = AUDIT_TABLE if AUDIT_TABLE in owned else owned[0]
            found.append(
                Problem(
                    f"应用角色 {role} 是 {len(owned)} 张数据表(如 {example})的所有者，"
                    "可以停用审计日志的触发器或清空审计日志。请让应用以不拥有数据表的角色连接"
                    "(GONGHUI_DATABASE_URL)，迁移改用所有者角色(GONGHUI_MIGRATE_DATABASE_URL)。",
                    f"The app role {role} owns {len(owned)} tables (e.g. {example}), so it "
                    "could disable the audit log's triggers or empty it. Connect the app as a "
                    "role that owns no tables (GONGHUI_DATABASE_URL) and migrate as the owner "
                    "(GONGHUI_MIGRATE_DATABASE_URL).",
                )
            )
        if not superuser and version >= 150000:
            ((replica,),) = _fetch(
                cursor,
                "SELECT has_parameter_privilege(current_user, 'session_replication_role', 'SET')",
            )
            if replica:
                found.append(
                    Problem(
                        f"应用角色 {role} 可以设置 session_replication_role，从而绕过审计日志的"
                        "触发器。请收回该权限。",
                        f"The app role {role} may set session_replication_role and so bypass "
                        "the audit log's triggers. Revoke that privilege.",
                    )
                )
        tables = [
            name
            for (name,) in _fetch(
                cursor,
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "ORDER BY c.relname",
            )
        ]
        if AUDIT_TABLE not in tables:
            found.append(
                Problem(
                    "数据库中没有审计日志表，请先运行 gonghui migrate。",
                    "The database has no audit log table: run `gonghui migrate` first.",
                )
            )
            return found
        held = {
            (table, privilege)
            for table, privilege in _fetch(
                cursor,
                "SELECT t, p FROM unnest(%s::text[]) t, unnest(%s::text[]) p "
                "WHERE has_table_privilege(current_user, quote_ident(t), p)",
                (tables, list({*DML, *AUDIT_FORBIDDEN})),
            )
        }
        too_much = [p for p in AUDIT_FORBIDDEN if (AUDIT_TABLE, p) in held]
        if too_much and not superuser and not owned:
            found.append(
                Problem(
                    f"应用角色 {role} 对审计日志有 {'、'.join(too_much)} 权限，只应有 INSERT 和 "
                    "SELECT。请用所有者角色运行 gonghui grant_db_roles。",
                    f"The app role {role} holds {', '.join(too_much)} on the audit log; it "
                    "should hold INSERT and SELECT only. Run `gonghui grant_db_roles` as the "
                    "owner.",
                )
            )
        needed = {(AUDIT_TABLE, "INSERT"), (AUDIT_TABLE, "SELECT")} | {
            (table, p) for table in tables if table != AUDIT_TABLE for p in DML
        }
        missing = sorted({table for table, _ in needed - held})
        if missing:
            shown = "、".join(missing[:5]) + (" 等" if len(missing) > 5 else "")
            found.append(
                Problem(
                    f"应用角色 {role} 缺少 {len(missing)} 张数据表的读写权限({shown})，"
                    "部分功能将无法使用。请用所有者角色运行 gonghui grant_db_roles。",
                    f"The app role {role} lacks read/write privileges on {len(missing)} "
                    f"tables ({', '.join(missing[:5])}), so parts of the app will fail. Run "
                    "`gonghui grant_db_roles` as the owner.",
                )
            )
        triggers = dict(
            _fetch(
                cursor,
                "SELECT tgname, tgenabled FROM pg_trigger "
                "WHERE tgrelid = to_regclass(quote_ident(%s)) AND NOT tgisinternal",
                (AUDIT_TABLE,),
            )
        )
        for name in AUDIT_TRIGGERS:
            state = triggers.get(name)
            if state not in {"O", "A"}:
                status_zh, status_en = (
                    ("缺失", "missing") if state is None else ("已停用", "disabled")
                )
                found.append(
                    Problem(
                        f"审计日志的保护触发器 {name} {status_zh}，审计记录可以被修改或清空。"
                        "请由所有者角色重新启用(ALTER TABLE audit_auditevent ENABLE TRIGGER "
                        f"{name})或运行 gonghui migrate。",
                        f"The audit log's trigger {name} is {status_en}: audit events can be "
                        "changed or emptied. Have the owner enable it again (ALTER TABLE "
                        f"audit_auditevent ENABLE TRIGGER {name}) or run `gonghui migrate`.",
                    )
                )
    return found


def check_app_role(app_configs=None, databases=None, **kwargs) -> list:
    """System check (`gonghui check --deploy --database default`): the same as check_db_roles."""
    from django.core.checks import Error

    found = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        found += [
            Error(problem.zh, hint=problem.en, id="gonghui.E101")
            for problem in problems(connection)
        ]
    return found


def register_check() -> None:
    from django.core.checks import Tags, register

    register(check_app_role, Tags.database, deploy=True)

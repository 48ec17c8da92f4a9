from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from gonghui.core import dbroles


class Command(BaseCommand):
    help = (
        "Grant the app's database role what it needs and no more: DML on every table, the "
        "sequences, INSERT and SELECT only on the audit log (PostgreSQL). Runs as the owner "
        "(GONGHUI_MIGRATE_DATABASE_URL); `migrate` does the same after every run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", default="", help="the app role (default: the user of GONGHUI_DATABASE_URL)"
        )
        parser.add_argument(
            "--sql", action="store_true", help="print the statements instead of running them"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, role, sql, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("只有 PostgreSQL 数据库需要为应用角色授权。")
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError(
                "请用 --role 指定应用角色，或同时设置 GONGHUI_DATABASE_URL(应用角色)和 "
                "GONGHUI_MIGRATE_DATABASE_URL(所有者角色)。"
            )
        if role == connection.settings_dict.get("USER"):
            raise CommandError(
                f"应用角色 {role} 就是当前连接的所有者角色：应用必须使用另一个不拥有数据表的角色。"
            )
        if sql:
            for statement in dbroles.grant_statements(connection, role):
                self.stdout.write(statement + ";")
            return
        with transaction.atomic(using=database):
            dbroles.grant(connection, role)
        self.stdout.write(self.style.SUCCESS(f"已为应用角色 {role} 授权：审计日志只能追加和读取。"))

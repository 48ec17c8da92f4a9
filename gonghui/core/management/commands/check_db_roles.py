from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from gonghui.core import dbroles


class Command(BaseCommand):
    help = (
        "Check that the app's database role owns no tables and may only append to the audit "
        "log (PostgreSQL). Exits non-zero when it may do more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"只检查 PostgreSQL 数据库(当前为 {connection.vendor})。\n"
                f"Only PostgreSQL databases are checked (this one is {connection.vendor})."
            )
            return
        role = connection.settings_dict.get("USER") or "?"
        found = dbroles.problems(connection)
        for problem in found:
            self.stdout.write(self.style.ERROR(f"✗ {problem.zh}") + f"\n  {problem.en}")
        if found:
            raise CommandError(
                f"数据库角色 {role} 有 {len(found)} 个问题。 / {len(found)} problem(s)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"✓ 数据库角色 {role} 配置正确：不拥有数据表，对审计日志只能追加和读取。"
            )
            + f"\n  The database role {role} is fit for the app: it owns no tables and may only "
            "append to and read the audit log."
        )

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from gonghui.accounts.models import Role
from gonghui.accounts.services import role_grant, user_create
from gonghui.core.errors import ServiceError
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "Create a user with a role at an org: createuser --username U --org CODE --role ROLE --password-stdin"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--org", required=True, help="org code (组织编码)")
        parser.add_argument(
            "--role", required=True, help="role code or name, e.g. county_admin or 县总工会管理员"
        )
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )

    def handle(self, *args, username, org, role, full_name, password_stdin, **options):
        if not password_stdin:
            raise CommandError(
                "请使用 --password-stdin 从标准输入提供密码(避免密码出现在命令历史中)。"
            )
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            org_obj = Org.objects.get(code=org)
        except Org.DoesNotExist as exc:
            raise CommandError(f"组织编码不存在：{org}") from exc
        role_obj = Role.objects.filter(Q(code=role.strip()) | Q(name=role.strip())).first()
        if role_obj is None:
            known = "，".join(f"{c}({n})" for c, n in Role.objects.values_list("code", "name"))
            raise CommandError(f"角色不存在：{role}(可用：{known})")
        try:
            user = user_create(
                actor=None, username=username, password=password, full_name=full_name, org=org_obj
            )
            role_grant(actor=None, user=user, org=org_obj, role=role_obj)
        except ServiceError as exc:
            details = "; ".join(m for msgs in exc.fields.values() for m in msgs)
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        self.stdout.write(
            self.style.SUCCESS(f"已创建用户 {user.username}：{role_obj.name} @ {org_obj.name}")
        )

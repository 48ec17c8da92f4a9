from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.accounts.services import token_create


class Command(BaseCommand):
    help = "API tokens: `token create USERNAME [--name NAME]` prints a new bearer token once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("username")
        create.add_argument("--name", default="")

    def handle(self, *args, verb, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        self.stdout.write(token_create(user=user, name=name or "cli"))

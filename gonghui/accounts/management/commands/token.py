from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.accounts.models import ApiToken, TokenStatus, User
from gonghui.accounts.services import token_create, token_revoke
from gonghui.core.errors import ServiceError


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


class Command(BaseCommand):
    help = (
        "API tokens. `token create USERNAME [--name NAME] [--days N]` prints a new bearer token "
        "once; `token list [USERNAME] [--active]` shows tokens (never their secrets); "
        "`token revoke ID|PREFIX` revokes one at once."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"valid for N days (default {settings.API_TOKEN_DAYS}, "
            f"at most {settings.API_TOKEN_MAX_DAYS})",
        )
        listing = sub.add_parser("list", help="list tokens, of one user or of everyone")
        listing.add_argument("username", nargs="?", default="")
        listing.add_argument("--active", action="store_true", help="only tokens still valid")
        revoke = sub.add_parser("revoke", help="revoke a token by its id or prefix")
        revoke.add_argument("token", help="id (from `token list`) or prefix, e.g. gh_AbCdEfG")

    def handle(self, *args, verb, **options):
        getattr(self, f"_{verb}")(**options)

    def _create(self, *, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        try:
            secret = token_create(user=user, name=name or "cli", days=days)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        token = ApiToken.objects.get(key_hash=ApiToken.hash_key(secret))
        self.stdout.write(secret)
        self.stderr.write(f"有效期至 {_when(token.expires_at)}；令牌只显示这一次，请妥善保存。")

    def _list(self, *, username, active, **options):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            if not User.objects.filter(username=username).exists():
                raise CommandError(f"用户不存在：{username}")
            tokens = tokens.filter(user__username=username)
        now = timezone.now()
        if active:
            tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=now)
        rows = [("编号", "用户", "名称", "前缀", "创建时间", "有效期至", "最近使用", "状态")]
        rows += [
            (
                str(t.pk),
                t.user.username,
                t.name or "—",
                t.prefix + "…",
                _when(t.created_at),
                _when(t.expires_at),
                _when(t.last_used_at),
                TokenStatus(t.status(now)).label,
            )
            for t in tokens
        ]
        if len(rows) == 1:
            self.stdout.write("没有令牌。")
            return
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
                ).rstrip()
            )

    def _revoke(self, *, token, **options):
        text = token.strip()
        if text.isdigit():
            matches = list(ApiToken.objects.select_related("user").filter(pk=int(text)))
        else:
            prefix = text.rstrip("…")
            if len(prefix) < 6:
                raise CommandError("请填写令牌编号，或至少 6 个字符的令牌前缀。")
            # A prefix is the first 10 characters of the secret; a whole secret names it too.
            matches = list(
                ApiToken.objects.select_related("user").filter(prefix__startswith=prefix[:10])
            )
            if len(prefix) > 10:
                matches = [t for t in matches if t.key_hash == ApiToken.hash_key(prefix)]
        if not matches:
            raise CommandError(f"没有找到令牌：{text}")
        if len(matches) > 1:
            ids = "、".join(str(t.pk) for t in matches)
            raise CommandError(f"前缀 {text} 对应多个令牌(编号 {ids})，请改用编号。")
        found = matches[0]
        if found.revoked_at is not None:
            self.stdout.write(f"令牌 {found.prefix}…(用户 {found.user.username})早已撤销。")
            return
        token_revoke(actor=None, token=found)
        self.stdout.write(
            self.style.SUCCESS(
                f"已撤销令牌 {found.prefix}…(用户 {found.user.username})，立即生效。"
            )
        )


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_builtin_roles(sender, **kwargs):
    from gonghui.accounts.roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        # Built-in role grants follow the code (and the modules that exist), not a frozen migration.
        post_migrate.connect(_sync_builtin_roles, sender=self)
        _labels_register()
        _api_tokens_register()


def _api_tokens_register() -> None:
    """The API's bearer authentication (core/api.py) finds its users through our tokens."""
    from gonghui.accounts.services import token_authenticate
    from gonghui.core.api import token_authenticator_set

    token_authenticator_set(token_authenticate)


def _labels_register() -> None:
    """Labels of the audit-detail codes written by accounts/services.py and views.py."""
    from gonghui.core.labels import labels_register

    labels_register(
        keys={
            "failures": "连续失败次数",
            "minutes": "锁定分钟数",
            "role": None,  # the code; role_name says it in Chinese
            "role_name": "角色",
            "is_active": "启用",
            "prefix": "令牌前缀",
            "expires_at": "有效期至",
            "by": "操作方式",
        },
        values={
            "reason": {
                "locked": "账号锁定中",
                "unknown_user": "用户名不存在",
                "inactive": "账号已停用",
                "bad_password": "密码错误",
                "bad_otp": "动态验证码错误",
                "out_of_scope": "超出管理范围",
                "stronger": "超出自身权限",
            }
        },
    )

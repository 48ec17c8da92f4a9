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

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from gonghui.core import dbroles, lookups

        lookups.register()
        dbroles.register_check()
        # After every migrate run as the owner: the app role's privileges on the new tables.
        post_migrate.connect(dbroles.grant_after_migrate, sender=self)

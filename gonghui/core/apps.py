from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from gonghui.core import lookups
        from gonghui.core.imports import todos

        lookups.register()
        todos.register()

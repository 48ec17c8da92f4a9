from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "gonghui.sites"
    label = "sites"
    verbose_name = "服务阵地"

    def ready(self) -> None:
        from gonghui.sites import todos

        todos.register()

from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "gonghui.workforce"
    label = "workforce"
    verbose_name = "产业工人"

    def ready(self) -> None:
        from gonghui.workforce import labels, todos

        todos.register()
        labels.register()

from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "gonghui.rights"
    label = "rights"
    verbose_name = "维权"

    def ready(self) -> None:
        from gonghui.rights import labels, todos

        todos.register()
        labels.register()

from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = "困难帮扶"

    def ready(self) -> None:
        from gonghui.assistance import todos

        todos.register()

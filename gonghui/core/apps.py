from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from gonghui.core import lookups, metrics

        lookups.register()
        metrics.autodiscover()
        # The one catalogue of validation messages also speaks for the project's model fields.
        from django.apps import apps

        from gonghui.core.forms import apply_model_field_messages

        apply_model_field_messages(
            model
            for config in apps.get_app_configs()
            if config.name.startswith("gonghui.")
            for model in config.get_models()
        )

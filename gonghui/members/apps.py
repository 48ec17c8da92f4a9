from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = "会员管理"

    def ready(self) -> None:
        from gonghui.members import todos

        todos.register()

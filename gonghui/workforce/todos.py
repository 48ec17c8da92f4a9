"""The workforce module's to-dos (see gonghui.core.todos)."""


def register() -> None:
    pass

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gonghui.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from gonghui.audit.services import audit_record
        from gonghui.core.audit import audit_writer_set

        audit_writer_set(audit_record)
        _home_register()


def _home_register() -> None:
    """The home page (工作台) shows the recent activity of the user's audit scope."""
    from gonghui.audit.selectors import audit_recent_events
    from gonghui.core.selectors import home_part_register

    home_part_register("recent_events", audit_recent_events)

"""Writing audit events. Every service that must be audited calls `audit_record`."""

from typing import Any

from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.core.request_context import current_ip


def audit_record(
    *,
    action: str,
    user=None,
    org=None,
    obj=None,
    result: str = AuditResult.SUCCESS,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit event. Never raises on a missing user/org/object."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if org is None and obj is not None:
        org = getattr(obj, "org", None) if obj.__class__.__name__ != "Org" else obj
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=(user.username if authenticated else username)[:150],
        org=org,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        result=result,
        ip=ip if ip is not None else current_ip(),
        detail=detail or {},
    )


def sensitive_view_record(*, actor, obj, fields: list[str], reason: str) -> AuditEvent:
    """Record that `actor` saw `fields` of `obj` in full, and why (DESIGN §3)."""
    return audit_record(
        action=AuditAction.UNMASKED,
        user=actor,
        obj=obj,
        detail={"fields": fields, "reason": reason},
    )


__all__ = ["AuditAction", "AuditResult", "audit_record", "sensitive_view_record"]

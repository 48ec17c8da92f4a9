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


def audit_record_many(
    *,
    action: str,
    objects,
    user=None,
    result: str = AuditResult.SUCCESS,
    detail_of=None,
    ip: str | None = None,
    username: str = "",
    batch_size: int = 2000,
) -> int:
    """Append one audit event per object in bulk INSERTs (set-based runs: reminders, the
    appraisal of all workers). Each event's org is the object's `org_id` (no query per row);
    `detail_of(obj)` gives its detail. Returns the number of events written."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    name = (user.username if authenticated else username)[:150]
    ip = ip if ip is not None else current_ip()
    events = [
        AuditEvent(
            user=user if authenticated else None,
            username=name,
            org_id=getattr(obj, "org_id", None),
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk) if obj.pk is not None else "",
            object_repr=str(obj)[:200],
            result=result,
            ip=ip,
            detail=(detail_of(obj) if detail_of else None) or {},
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return len(events)


def sensitive_view_record(*, actor, obj, fields: list[str], reason: str) -> AuditEvent:
    """Record that `actor` saw `fields` of `obj` in full, and why (DESIGN §3)."""
    return audit_record(
        action=AuditAction.UNMASKED,
        user=actor,
        obj=obj,
        detail={"fields": fields, "reason": reason},
    )


__all__ = [
    "AuditAction",
    "AuditResult",
    "audit_record",
    "audit_record_many",
    "sensitive_view_record",
]

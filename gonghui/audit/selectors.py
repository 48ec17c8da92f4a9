"""Reads of the audit log, scoped by the org the event belongs to."""

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.modules import Action
from gonghui.core.scope import can, scope_paths, scope_queryset, scope_roots
from gonghui.core.text import normalise_text


def _sees_orgless_events(user) -> bool:
    """Events with no org (e.g. failed logins for unknown names) go to installation-level auditors."""
    from gonghui.orgs.models import OrgLevel

    return any(r.level <= OrgLevel.COUNTY for r in scope_roots(user, "audit", Action.VIEW))


def audit_event_list(
    user,
    *,
    action: str = "",
    result: str = "",
    username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    export: bool = False,
) -> QuerySet[AuditEvent]:
    act = Action.EXPORT if export else Action.VIEW
    events = scope_queryset(AuditEvent.objects.all(), user, "audit", act)
    if _sees_orgless_events(user) and scope_paths(user, "audit", act):
        events = AuditEvent.objects.filter(Q(pk__in=events.values("pk")) | Q(org__isnull=True))
    events = events.select_related("org")
    if action:
        events = events.filter(action=action)
    if result:
        events = events.filter(result=result)
    username = normalise_text(username)
    if username:
        events = events.filter(username__icontains=username)
    if date_from:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    q = normalise_text(q)
    if q:
        events = events.filter(Q(object_repr__contains=q) | Q(object_id=q))
    return events.order_by("-id")


RECENT_EVENTS = 8


def audit_recent_events(user) -> list[dict]:
    """The latest events in the user's audit scope, by person name (not login name), for the
    home page (工作台); logins left out."""
    if not can(user, "audit", Action.VIEW):
        return []
    events = (
        audit_event_list(user)
        .exclude(action=AuditAction.LOGIN)
        .select_related(None)
        .select_related("user")
        .only("at", "action", "username", "object_repr", "user__full_name", "user__username")
    )
    return [
        {
            "at": timezone.localtime(e.at).strftime("%m-%d %H:%M"),
            "who": e.user.display_name if e.user is not None else e.username,
            "action": e.get_action_display(),
            "object": e.object_repr,
        }
        for e in events[:RECENT_EVENTS]
    ]

"""The 工作台 (home) summary: the user's to-dos, roles, scope, counts and recent activity.

The counts and the recent activity are kept in the session for a minute
(`gonghui.core.todos.session_cached`): the home page is the page opened most often.
"""

from django.db.models import Count, Q
from django.utils import timezone

from gonghui.audit.models import AuditAction
from gonghui.core.modules import ACTIONS, MODULES, Action
from gonghui.core.scope import can, role_assignments, scope_paths
from gonghui.core.todos import session_cached, todos_for
from gonghui.orgs.models import OrgLevel, OrgStatus
from gonghui.orgs.selectors import enterprise_scoped, org_scoped

RECENT_EVENTS = 8


def _counts(user) -> dict:
    orgs = org_scoped(user).aggregate(
        orgs=Count("id"),
        active_orgs=Count("id", filter=Q(status=OrgStatus.ACTIVE)),
        grassroots=Count("id", filter=Q(level=OrgLevel.GRASSROOTS)),
    )
    enterprises = enterprise_scoped(user).aggregate(
        enterprises=Count("id"), with_union=Count("id", filter=Q(has_union=True))
    )
    total, with_union = enterprises["enterprises"], enterprises["with_union"]
    return {
        **orgs,
        **enterprises,
        "coverage": round(100 * with_union / total, 1) if total else None,
    }


def _recent_events(user) -> list[dict]:
    """The latest events in the user's audit scope, by person name (not login name)."""
    if not can(user, "audit", Action.VIEW):
        return []
    from gonghui.audit.selectors import audit_event_list

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


def home_summary(request) -> dict:
    user = request.user
    assignments = role_assignments(user)
    root_paths = set(scope_paths(user, "orgs", Action.VIEW))
    roots = {a.org.path: a.org for a in assignments if a.org.path in root_paths}
    grants = []
    for module in MODULES.values():
        actions = [label for code, label in ACTIONS.items() if can(user, module.code, code)]
        if actions:
            grants.append({"module": module.name, "actions": actions})
    todos = todos_for(request)
    return {
        "todos": [t for t in todos if t.acting],
        "oversight": [t for t in todos if not t.acting],
        "assignments": assignments,
        "scope_roots": sorted(roots.values(), key=lambda o: (o.level, o.path)),
        "grants": grants,
        "counts": session_cached(request, "home_counts", lambda: _counts(user)),
        "recent_events": session_cached(request, "home_recent", lambda: _recent_events(user)),
    }

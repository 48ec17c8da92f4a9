"""The 工作台 (home) summary: the user's to-dos, roles, scope, counts and recent activity.

The counts and the recent activity are kept in the session for a minute
(`gonghui.core.todos.session_cached`): the home page is the page opened most often.
"""

from django.utils import timezone

from gonghui.audit.models import AuditAction
from gonghui.core.modules import ACTIONS, MODULES, Action
from gonghui.core.scope import can, role_assignments, scope_paths
from gonghui.core.todos import session_cached, todos_for
from gonghui.orgs.selectors import enterprise_scoped, org_scoped

RECENT_EVENTS = 8


def _counts(user) -> dict:
    orgs = org_scoped(user)
    enterprises = enterprise_scoped(user)
    enterprise_total = enterprises.count()
    with_union = enterprises.filter(has_union=True).count()
    return {
        "orgs": orgs.count(),
        "active_orgs": orgs.filter(status="active").count(),
        "grassroots": orgs.filter(level=6).count(),
        "enterprises": enterprise_total,
        "with_union": with_union,
        "coverage": round(100 * with_union / enterprise_total, 1) if enterprise_total else None,
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

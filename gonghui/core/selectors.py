"""The 工作台 (home) summary: the user's orgs, scope and counts."""

from gonghui.accounts.selectors import assignments_of
from gonghui.audit.models import AuditAction
from gonghui.core.modules import ACTIONS, MODULES, Action
from gonghui.core.scope import can, scope_paths
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import enterprise_scoped, org_scoped


def home_summary(user) -> dict:
    roots = Org.objects.filter(path__in=scope_paths(user, "orgs", Action.VIEW)).order_by("level")
    orgs = org_scoped(user)
    enterprises = enterprise_scoped(user)
    enterprise_total = enterprises.count()
    with_union = enterprises.filter(has_union=True).count()
    grants = []
    for module in MODULES.values():
        actions = [label for code, label in ACTIONS.items() if can(user, module.code, code)]
        if actions:
            grants.append({"module": module.name, "actions": actions})
    recent = []
    if can(user, "audit", Action.VIEW):
        from gonghui.audit.selectors import audit_event_list

        recent = list(audit_event_list(user).exclude(action=AuditAction.LOGIN)[:8])
    return {
        "assignments": list(assignments_of(user)),
        "scope_roots": list(roots),
        "grants": grants,
        "counts": {
            "orgs": orgs.count(),
            "active_orgs": orgs.filter(status="active").count(),
            "grassroots": orgs.filter(level=6).count(),
            "enterprises": enterprise_total,
            "with_union": with_union,
            "coverage": round(100 * with_union / enterprise_total, 1) if enterprise_total else None,
        },
        "recent_events": recent,
    }

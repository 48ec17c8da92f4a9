"""The 工作台 (home) summary: the user's to-dos, roles, scope, and what the apps add to it
(the org counts, the recent activity: `home_part_register`, from their AppConfig.ready()).

The apps' parts are kept in the session for a minute (`gonghui.core.todos.session_cached`):
the home page is the page opened most often.
"""

from collections.abc import Callable
from typing import Any

from gonghui.core.modules import ACTIONS, MODULES, Action
from gonghui.core.scope import can, role_assignments, scope_paths
from gonghui.core.todos import session_cached, todos_for

# name (the template's variable) → compute(user), in the order registered.
_HOME_PARTS: dict[str, Callable[[Any], Any]] = {}


def home_part_register(name: str, compute: Callable[[Any], Any]) -> None:
    """Add a part to the home page: `compute(user)` gives the value the template shows as
    `name` (computed at most once a minute per session)."""
    _HOME_PARTS[name] = compute


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
    parts = {
        name: session_cached(request, f"home_{name}", lambda compute=compute: compute(user))
        for name, compute in _HOME_PARTS.items()
    }
    return {
        "todos": [t for t in todos if t.acting],
        "oversight": [t for t in todos if not t.acting],
        "assignments": assignments,
        "scope_roots": sorted(roots.values(), key=lambda o: (o.level, o.path)),
        "grants": grants,
        **parts,
    }

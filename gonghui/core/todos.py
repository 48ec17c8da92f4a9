"""To-dos (待办): what is waiting on a user, registered by each module.

Every app declares its to-dos in its own `todos.py` and registers them from its
`AppConfig.ready()`; core imports no domain app. A to-do names the access that acting on
it needs (the same `Access` the pages declare), a set-based count scoped to the user, and
the list page where the items are. The home page shows the to-dos with their counts; the
menu shows a count beside the link the to-do belongs to.

Counts are kept in the user's session for a minute (`session_cached`): the session is
read on every request anyway, so a page with a fresh cache runs no count query. A form
posted by the user forgets them (`CachedCountsMiddleware`), so their own work shows at
once; other people's work shows within the minute.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from gonghui.core.modules import Action
from gonghui.core.scope import Access, role_assignments

CACHE_SECONDS = 60
_SESSION_PREFIX = "_cached:"

TONES = ("danger", "warn", "info")  # most urgent first


@dataclass(frozen=True)
class Todo:
    code: str  # unique, "<app>.<what>"
    label: str  # Chinese, as a noun phrase: "待审核的入会申请"
    access: Access  # what acting on the items needs
    count: Callable[[Any, str], int]  # (user, action) → items in the user's scope for action
    url_name: str  # the page listing the items
    query: str | Callable[[], str] = ""  # that page's filter, "status=pending" (or made now)
    tone: str = "warn"  # "danger" (overdue), "warn" (waiting), "info"
    menu: str | None = ""  # the menu link whose badge it adds to; "" → url_name, None → none
    oversight: bool = False  # also shown, read-only (督办), to those who may only view
    order: int = 100

    @property
    def menu_url_name(self) -> str | None:
        return self.url_name if self.menu == "" else self.menu


@dataclass(frozen=True)
class TodoItem:
    code: str
    label: str
    url: str
    count: int
    tone: str
    acting: bool  # False: shown for oversight only (the user may view, not act)
    menu_url_name: str | None


_REGISTRY: dict[str, Todo] = {}


def todo_register(*todos: Todo) -> None:
    """Register to-dos (from an app's ready()); registering a code again replaces it."""
    for todo in todos:
        if todo.tone not in TONES:
            raise ValueError(f"to-do {todo.code}: tone must be one of {TONES}")
        _REGISTRY[todo.code] = todo


def todos_registered() -> list[Todo]:
    return sorted(_REGISTRY.values(), key=lambda t: (t.order, t.code))


def _applies(user, todo: Todo) -> tuple[bool, str] | None:
    """(acting, action to count with) when the to-do concerns the user, else None."""
    if todo.access.allows(user):
        return True, todo.access.action or Action.VIEW
    if (
        todo.oversight
        and todo.access.module
        and Access(todo.access.module, Action.VIEW).allows(user)
    ):
        return False, Action.VIEW
    return None


def todo_counts(user) -> dict[str, list]:
    """{code: [count, acting]} for every to-do that concerns the user (uncached)."""
    counts: dict[str, list] = {}
    for todo in todos_registered():
        applies = _applies(user, todo)
        if applies is not None:
            acting, action = applies
            counts[todo.code] = [int(todo.count(user, action)), acting]
    return counts


def todos_skip(request) -> None:
    """This response shows no to-dos (an error page: it renders the menu, but does not count
    every module's work for a page that only says 'not found')."""
    request._gonghui_todos = []


def todos_for(request) -> list[TodoItem]:
    """The user's to-dos with a count above zero, most urgent first (cached a minute)."""
    memo = getattr(request, "_gonghui_todos", None)
    if memo is not None:
        return memo
    user = request.user
    counts = session_cached(request, "todos", lambda: todo_counts(user))
    items = []
    for todo in todos_registered():
        if todo.code not in counts:
            continue
        count, acting = counts[todo.code]
        if count <= 0:
            continue
        query = todo.query() if callable(todo.query) else todo.query
        url = reverse(todo.url_name) + (f"?{query}" if query else "")
        items.append(
            TodoItem(todo.code, todo.label, url, count, todo.tone, acting, todo.menu_url_name)
        )
    items.sort(key=lambda i: (not i.acting, TONES.index(i.tone)))
    request._gonghui_todos = items
    return items


def menu_badges(items: list[TodoItem]) -> dict[str, tuple[int, str]]:
    """{menu url name: (count, most urgent tone)} from the acting to-dos."""
    badges: dict[str, tuple[int, str]] = {}
    for item in items:
        if not item.acting or not item.menu_url_name:
            continue
        count, tone = badges.get(item.menu_url_name, (0, "info"))
        if TONES.index(item.tone) < TONES.index(tone):
            tone = item.tone
        badges[item.menu_url_name] = (count + item.count, tone)
    return badges


# --- the per-user cache in the session ---------------------------------------------------


def _roles_signature(user) -> str:
    """Changes when the user's role assignments or their roles' grants change."""
    parts = sorted(
        f"{a.org_id}:{a.org.path}:{a.org.status}:{a.role_id}:{sorted(a.role.grant_pairs())}"
        for a in role_assignments(user)
    )
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def session_cached(request, name: str, compute: Callable[[], Any], seconds: int = CACHE_SECONDS):
    """A JSON-able value for this user, kept in their session for `seconds`.

    Recomputed when older, when the user's roles changed, or after the user posted a form.
    Without a session (API token requests) it is computed every time.
    """
    session = getattr(request, "session", None)
    if session is None:
        return compute()
    key = _SESSION_PREFIX + name
    signature = _roles_signature(request.user)
    now = int(time.time())
    entry = session.get(key)
    if entry and entry.get("sig") == signature and 0 <= now - entry.get("at", 0) < seconds:
        return entry["value"]
    value = compute()
    session[key] = {"at": now, "sig": signature, "value": value}
    return value


def session_cache_forget(session) -> None:
    # SessionBase has keys() but is not iterable.
    for key in [k for k in session.keys() if k.startswith(_SESSION_PREFIX)]:  # noqa: SIM118
        del session[key]


class CachedCountsMiddleware:
    """A user who posts (approves, closes, imports ...) sees the counts of their own work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method == "POST" and user is not None and user.is_authenticated:
            session_cache_forget(request.session)
        return response

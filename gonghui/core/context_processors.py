"""The left menu: grouped by module, each link shown exactly when its page would open.

A link's page declares what it needs with `gonghui.core.scope.requires`; the menu reads
that declaration from the view the link resolves to (one rule for both). The menu is
built lazily, once per request, only when a template shows it (htmx partials do not).
"""

from functools import cache, cached_property

from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse

from gonghui.core.modules import nav_groups
from gonghui.core.scope import Access, view_access


@cache
def _link_targets() -> dict[str, tuple[str, Access]]:
    """{url name: (url, the access its view declares)} for every menu link (per process)."""
    targets = {}
    for group in nav_groups():
        for link in group.links:
            url = reverse(link.url_name)
            access = view_access(resolve(url).func)
            if access is None:
                raise ImproperlyConfigured(
                    f"menu link {link.url_name}: its view must declare its access with "
                    "gonghui.core.scope.requires"
                )
            targets[link.url_name] = (url, access)
    return targets


def menu_url_names_for(user) -> list[str]:
    """The menu links (url names) the user sees, in menu order."""
    targets = _link_targets()
    return [
        link.url_name
        for group in nav_groups()
        for link in group.links
        if targets[link.url_name][1].allows(user)
    ]


class Menu:
    def __init__(self, request):
        self.request = request

    @cached_property
    def todos(self) -> list:
        from gonghui.core.todos import todos_for

        return todos_for(self.request)

    @cached_property
    def groups(self) -> list[dict]:
        from gonghui.core.todos import menu_badges

        user = self.request.user
        targets = _link_targets()
        badges = menu_badges(self.todos)
        path = self.request.path
        groups = []
        active = None
        for group in nav_groups():
            links = []
            for link in group.links:
                url, access = targets[link.url_name]
                if not access.allows(user):
                    continue
                count, tone = badges.get(link.url_name, (0, ""))
                entry = {
                    "name": link.name,
                    "icon": link.icon,
                    "url": url,
                    "active": False,
                    "count": count,
                    "count_text": _count_text(count),
                    "tone": tone,
                }
                links.append(entry)
                # The longest link URL that prefixes the path is the active one.
                if path.startswith(url) and (active is None or len(url) > len(active["url"])):
                    active = entry
            if links:
                counted = [e for e in links if e["count"]]
                total = sum(e["count"] for e in counted)
                groups.append(
                    {
                        "code": group.code,
                        "name": group.name,
                        "links": links,
                        "open": False,
                        "count": total,
                        "count_text": _count_text(total),
                        "tone": _most_urgent(e["tone"] for e in counted),
                    }
                )
        if active is not None:
            active["active"] = True
            for group in groups:
                group["open"] = any(e is active for e in group["links"])
        return groups


def _count_text(count: int) -> str:
    return "99+" if count > 99 else str(count)


def _most_urgent(tones) -> str:
    from gonghui.core.todos import TONES

    tones = [t for t in tones if t in TONES]
    return min(tones, key=TONES.index) if tones else ""


def navigation(request):
    """`menu`: the grouped menu and the user's to-dos, computed when first used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": None}
    menu = getattr(request, "_gonghui_menu", None)
    if menu is None:
        menu = request._gonghui_menu = Menu(request)
    return {"menu": menu}

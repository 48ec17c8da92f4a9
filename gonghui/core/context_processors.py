from django.urls import NoReverseMatch, reverse

from gonghui.core.imports.selectors import import_kinds_for
from gonghui.core.modules import MODULES, Action
from gonghui.core.scope import can


def navigation(request):
    """Left navigation: only modules that exist and the user may view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    modules = []
    all_links = []
    for module in MODULES.values():
        if not can(user, module.code, Action.VIEW):
            continue
        links = []
        for link in module.links:
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:
                continue
            entry = {"name": link.name, "icon": link.icon, "url": url, "active": False}
            links.append(entry)
            all_links.append(entry)
        if links:
            modules.append({"code": module.code, "name": module.name, "links": links})
    # Imports serve every module the user may edit, so they get their own entry.
    if import_kinds_for(user):
        entry = {"name": "数据导入", "icon": "导", "url": reverse("imports:list"), "active": False}
        modules.append({"code": "imports", "name": "数据导入", "links": [entry]})
        all_links.append(entry)
    # The longest link URL that prefixes the path is the active one.
    matching = [e for e in all_links if request.path.startswith(e["url"])]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_modules": modules}

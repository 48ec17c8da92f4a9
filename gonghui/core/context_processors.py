from django.urls import NoReverseMatch, reverse

from gonghui.core.modules import MODULES, Action
from gonghui.core.scope import can


def navigation(request):
    """Left navigation: only modules that exist and the user may view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    items = []
    for module in MODULES.values():
        if not can(user, module.code, Action.VIEW):
            continue
        try:
            url = reverse(module.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "code": module.code,
                "name": module.name,
                "icon": module.icon,
                "url": url,
                "active": request.path.startswith(url.rsplit("/", 2)[0] + "/") if url != "/" else False,
            }
        )
    return {"nav_modules": items}

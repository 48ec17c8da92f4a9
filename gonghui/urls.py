from django.urls import include, path

from gonghui.api import api

urlpatterns = [
    path("", include("gonghui.core.urls")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("audit/", include("gonghui.audit.urls")),
    path("members/", include("gonghui.members.urls")),
    path("sites/", include("gonghui.sites.urls")),
    path("assistance/", include("gonghui.assistance.urls")),
    path("workforce/", include("gonghui.workforce.urls")),
    path("join/", include("gonghui.members.urls_join_public")),
    path("portal/", include("gonghui.portal.urls")),
    path("imports/", include("gonghui.core.imports.urls")),
    path("api/v1/", api.urls),
]

# Chinese error pages in the site's layouts (JSON under /api/): gonghui.core.views.
handler400 = "gonghui.core.views.bad_request"
handler403 = "gonghui.core.views.permission_denied"
handler404 = "gonghui.core.views.page_not_found"
handler500 = "gonghui.core.views.server_error"

from django.urls import include, path

from gonghui.api import api
from gonghui.members.joining.urls import public_urlpatterns as join_public_urls
from gonghui.outreach.urls import portal as outreach_portal
from gonghui.staffing.urls import portal_urlpatterns as staffing_portal

urlpatterns = [
    path("", include("gonghui.core.urls")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("audit/", include("gonghui.audit.urls")),
    path("members/", include("gonghui.members.urls")),
    path("sites/", include("gonghui.sites.urls")),
    path("assistance/", include("gonghui.assistance.urls")),
    path("plans/", include("gonghui.plans.urls")),
    path("dashboard/", include("gonghui.dashboard.urls")),
    path("join/", include((join_public_urls, "join"))),
    path("outreach/", include("gonghui.outreach.urls")),
    path("portal/outreach/", include(outreach_portal)),
    path("forum/", include("gonghui.forum.urls")),
    path("staffing/", include("gonghui.staffing.urls")),
    path("portal/staffing/", include((staffing_portal, "staffing_portal"))),
    path("workforce/", include("gonghui.workforce.urls")),
    path("portal/workforce/", include("gonghui.workforce.portal.urls")),
    path("portal/", include("gonghui.portal.urls")),
    path("imports/", include("gonghui.core.imports.urls")),
    path("", include("gonghui.rights.urls")),  # /rights/ and /portal/legal-aid/
    path("api/v1/", api.urls),
]

# Chinese error pages in the site's layouts (JSON under /api/): gonghui.core.views.
handler400 = "gonghui.core.views.bad_request"
handler403 = "gonghui.core.views.permission_denied"
handler404 = "gonghui.core.views.page_not_found"
handler500 = "gonghui.core.views.server_error"

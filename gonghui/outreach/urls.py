"""The outreach app's URLs: each sub-domain's staff pages under /outreach/ (namespace
`outreach`) and its portal pages under /portal/outreach/ (namespace `outreach_portal`)."""

from django.urls import include, path

from gonghui.outreach.caravans import urls as caravans
from gonghui.outreach.followups import urls as followups

app_name = "outreach"
urlpatterns = [
    path("", include(caravans.urlpatterns)),
    path("", include(followups.urlpatterns)),
]

portal = (
    [
        path("", include(caravans.portal_urlpatterns)),
    ],
    "outreach_portal",
)

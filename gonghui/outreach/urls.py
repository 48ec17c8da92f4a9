"""The outreach app's URLs: each sub-domain's staff pages under /outreach/ (namespace
`outreach`) and its portal pages under /portal/outreach/ (namespace `outreach_portal`)."""

from django.urls import include, path

from gonghui.outreach.activities import urls as activities
from gonghui.outreach.caravans import urls as caravans
from gonghui.outreach.contests import urls as contests
from gonghui.outreach.followups import urls as followups
from gonghui.outreach.stats import urls as stats
from gonghui.outreach.volunteers import urls as volunteers

app_name = "outreach"
urlpatterns = [
    path("", include(caravans.urlpatterns)),
    path("", include(followups.urlpatterns)),
    path("", include(activities.urlpatterns)),
    path("", include(contests.urlpatterns)),
    path("", include(volunteers.urlpatterns)),
    path("", include(stats.urlpatterns)),
]

portal = (
    [
        path("", include(caravans.portal_urlpatterns)),
        path("", include(activities.portal_urlpatterns)),
        path("", include(contests.portal_urlpatterns)),
    ],
    "outreach_portal",
)

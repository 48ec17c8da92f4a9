"""The assistance pages (namespace "assistance"): each sub-domain's routes."""

from django.urls import include, path

app_name = "assistance"
urlpatterns = [
    path("", include("gonghui.assistance.archives.urls")),
    path("", include("gonghui.assistance.standards.urls")),
    path("", include("gonghui.assistance.stats.urls")),
    path("", include("gonghui.assistance.monitoring.urls")),
    path("", include("gonghui.assistance.programmes.urls")),
    path("", include("gonghui.assistance.visits.urls")),
]

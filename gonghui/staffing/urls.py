"""Staffing pages: each sub-domain's URLs, and the module's statistics."""

from django.urls import include, path

from gonghui.staffing import views
from gonghui.staffing.appraisals.urls import portal_urlpatterns

app_name = "staffing"
urlpatterns = [
    path("", include("gonghui.staffing.people.urls")),
    path("", include("gonghui.staffing.appraisals.urls")),
    path("", include("gonghui.staffing.pay.urls")),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
]

__all__ = ["portal_urlpatterns", "urlpatterns"]

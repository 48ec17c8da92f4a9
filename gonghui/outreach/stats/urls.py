"""URLs of the outreach statistics (included by gonghui.outreach.urls)."""

from django.urls import path

from gonghui.outreach.stats import views

urlpatterns = [
    path("stats/", views.outreach_stats, name="stats"),
    path("stats/export/", views.outreach_stats_export, name="stats_export"),
]

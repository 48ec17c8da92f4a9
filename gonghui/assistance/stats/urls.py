"""Routes of the statistics page and its .xlsx report (included by assistance/urls.py)."""

from django.urls import path

from gonghui.assistance.stats import views

urlpatterns = [
    path("stats/", views.archive_stats, name="stats"),
    path("stats/export/", views.archive_stats_export, name="stats_export"),
]

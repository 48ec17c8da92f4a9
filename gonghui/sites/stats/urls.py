"""Site statistics (阵地统计; included by sites/urls.py, namespace "sites")."""

from django.urls import path

from gonghui.sites.stats import views

urlpatterns = [
    path("stats/", views.site_stats, name="stats"),
    path("stats/export/", views.site_stats_export, name="stats_export"),
]

from django.urls import path

from gonghui.rights.stats import views

urlpatterns = [
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
]

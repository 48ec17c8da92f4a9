"""Workforce pages: each sub-domain's URLs, and the app's statistics and rule settings."""

from django.urls import include, path

from gonghui.workforce import views

app_name = "workforce"
urlpatterns = [
    path("competitions/", include("gonghui.workforce.competitions.urls")),
    path("", include("gonghui.workforce.pioneers.urls")),
    path("studios/", include("gonghui.workforce.studios.urls")),
    path("mentorships/", include("gonghui.workforce.mentorships.urls")),
    path("innovations/", include("gonghui.workforce.innovations.urls")),
    path("honours/", include("gonghui.workforce.honours.urls")),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/<str:what>/", views.settings_save, name="settings_save"),
]

"""The worker's workforce pages on the portal (/portal/workforce/, namespace
`workforce_portal`; public, the worker identifies with ID number + phone)."""

from django.urls import path

from gonghui.workforce.portal import views

app_name = "workforce_portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("leave/", views.leave, name="leave"),
    path("competitions/<int:pk>/", views.competition, name="competition"),
    path("honours/", views.honours, name="honours"),
    path("innovations/new/", views.innovation, name="innovation"),
    path("suggestions/new/", views.suggestion, name="suggestion"),
]

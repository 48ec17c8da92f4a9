"""Team, nomination, 优秀班组, training and incident pages (under /workforce/)."""

from django.urls import path

from gonghui.workforce.pioneers import views

urlpatterns = [
    path("nominations/", views.nomination_list, name="nomination_list"),
    path("nominations/new/", views.nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/act/<str:step>/", views.nomination_act, name="nomination_act"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("excellent-teams/", views.excellent_list, name="excellent_list"),
    path("excellent-teams/new/", views.excellent_create, name="excellent_create"),
    path("excellent-teams/<int:pk>/decide/", views.excellent_decide, name="excellent_decide"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
]

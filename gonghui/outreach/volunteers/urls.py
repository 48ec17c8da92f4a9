"""URLs of volunteer teams (included by gonghui.outreach.urls)."""

from django.urls import path

from gonghui.outreach.volunteers import views

urlpatterns = [
    path("volunteers/", views.team_list, name="team_list"),
    path("volunteers/new/", views.team_create, name="team_create"),
    path("volunteers/<int:pk>/", views.team_detail, name="team_detail"),
    path("volunteers/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("volunteers/<int:pk>/dissolve/", views.team_dissolve, name="team_dissolve"),
    path("volunteers/<int:pk>/members/", views.volunteer_add, name="volunteer_add"),
    path(
        "volunteers/<int:pk>/members/<int:volunteer_pk>/leave/",
        views.volunteer_leave,
        name="volunteer_leave",
    ),
    path("volunteers/<int:pk>/projects/", views.project_add, name="project_add"),
    path("volunteers/<int:pk>/hours/", views.hours_add, name="hours_add"),
]

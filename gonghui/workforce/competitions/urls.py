"""Competition pages (included by gonghui/workforce/urls.py under /workforce/competitions/)."""

from django.urls import path

from gonghui.workforce.competitions import views

urlpatterns = [
    path("", views.competition_list, name="competition_list"),
    path("new/", views.competition_create, name="competition_create"),
    path("<int:pk>/", views.competition_detail, name="competition_detail"),
    path("<int:pk>/edit/", views.competition_edit, name="competition_edit"),
    path("<int:pk>/step/<str:step>/", views.competition_step, name="competition_step"),
    path("<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/quotas/", views.quota_set, name="quota_set"),
    path("<int:pk>/scores/", views.score_sheet, name="score_sheet"),
    path("<int:pk>/export/", views.results_export, name="results_export"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("participants/<int:pk>/scores/", views.project_score, name="project_score"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("entries/<int:pk>/award/", views.award_grant, name="award_grant"),
    path("awards/<int:pk>/remove/", views.award_remove, name="award_remove"),
]

"""名师带徒 pages (under /workforce/mentorships/)."""

from django.urls import path

from gonghui.workforce.mentorships import views

urlpatterns = [
    path("", views.mentorship_list, name="mentorship_list"),
    path("new/", views.mentorship_create, name="mentorship_create"),
    path("<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("<int:pk>/log/<str:what>/", views.mentorship_log, name="mentorship_log"),
    path("<int:pk>/appraise/", views.mentorship_appraise, name="mentorship_appraise"),
    path("ceremonies/", views.ceremony_list, name="ceremony_list"),
    path("ceremonies/new/", views.ceremony_create, name="ceremony_create"),
    path("ceremonies/<int:pk>/", views.ceremony_detail, name="ceremony_detail"),
]

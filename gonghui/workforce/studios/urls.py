"""Studio pages (under /workforce/studios/)."""

from django.urls import path

from gonghui.workforce.studios import views

urlpatterns = [
    path("", views.studio_list, name="studio_list"),
    path("new/", views.studio_create, name="studio_create"),
    path("<int:pk>/", views.studio_detail, name="studio_detail"),
    path("<int:pk>/edit/", views.studio_edit, name="studio_edit"),
    path("<int:pk>/log/<str:what>/", views.studio_log, name="studio_log"),
    path("<int:pk>/decide/<str:what>/", views.studio_decide, name="studio_decide"),
    path("<int:pk>/appraisal/", views.studio_appraisal, name="studio_appraisal"),
]

"""Routes of hardship archives and the yearly spot checks (included by assistance/urls.py)."""

from django.urls import path

from gonghui.assistance.archives import views

urlpatterns = [
    path("", views.archive_list, name="list"),
    path("new/", views.archive_create, name="create"),
    path("spot-checks/", views.spot_checks, name="spot_checks"),
    path("<int:pk>/", views.archive_detail, name="detail"),
    path("<int:pk>/edit/", views.archive_edit, name="edit"),
    path("<int:pk>/unmask/", views.archive_unmask, name="unmask"),
    path("<int:pk>/steps/<slug:action>/", views.archive_step, name="step"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/household/", views.household_add, name="household_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("household/<int:pk>/remove/", views.household_remove, name="household_remove"),
]

"""五小 and 合理化建议 pages (under /workforce/innovations/)."""

from django.urls import path

from gonghui.workforce.innovations import views

urlpatterns = [
    path("", views.innovation_list, name="innovation_list"),
    path("new/", views.innovation_create, name="innovation_create"),
    path("<int:pk>/", views.innovation_detail, name="innovation_detail"),
    path("<int:pk>/log/<str:what>/", views.innovation_log, name="innovation_log"),
    path("<int:pk>/decide/", views.innovation_decide, name="innovation_decide"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("suggestions/", views.suggestion_list, name="suggestion_list"),
    path("suggestions/new/", views.suggestion_create, name="suggestion_create"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion_decide"),
]

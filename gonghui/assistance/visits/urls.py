"""Routes of regular visits (included by assistance/urls.py)."""

from django.urls import path

from gonghui.assistance.visits import views

urlpatterns = [
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/<int:archive_pk>/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
]

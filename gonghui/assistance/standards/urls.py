"""Route of the standards page (included by assistance/urls.py)."""

from django.urls import path

from gonghui.assistance.standards import views

urlpatterns = [
    path("standards/", views.standards, name="standards"),
]

"""Feedback and repair requests on the sites (included by sites/urls.py, namespace "sites")."""

from django.urls import path

from gonghui.sites.feedback import views

urlpatterns = [
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/answer/", views.feedback_answer, name="feedback_answer"),
    path("feedback/<int:pk>/close/", views.feedback_close, name="feedback_close"),
]

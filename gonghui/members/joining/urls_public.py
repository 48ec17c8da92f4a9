"""Public online joining pages (no login) at /join/."""

from django.urls import path

from gonghui.members import views_join

app_name = "join"
urlpatterns = [
    path("", views_join.join_apply, name="apply"),
    path("done/", views_join.join_done, name="done"),
    path("status/", views_join.join_status, name="status"),
    path("employers/", views_join.employer_search, name="employer_search"),
]

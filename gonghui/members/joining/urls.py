"""Online joining (网上入会): the staff review under the "members" namespace
(/members/join-applications/, `urlpatterns`) and the public pages without login at /join/
(`public_urlpatterns`, namespace "join", mounted by gonghui/urls.py)."""

from django.urls import path

from gonghui.members.joining import views

urlpatterns = [
    path("", views.join_list, name="join_list"),
    path("<int:pk>/", views.join_detail, name="join_detail"),
    path("<int:pk>/approve/", views.join_approve, name="join_approve"),
    path("<int:pk>/reject/", views.join_reject, name="join_reject"),
]

public_urlpatterns = [
    path("", views.join_apply, name="apply"),
    path("done/", views.join_done, name="done"),
    path("status/", views.join_status, name="status"),
    path("employers/", views.employer_search, name="employer_search"),
]

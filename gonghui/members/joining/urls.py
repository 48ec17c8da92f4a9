"""Staff review of online joining applications, under the "members" namespace."""

from django.urls import path

from gonghui.members import views_join

urlpatterns = [
    path("", views_join.join_list, name="join_list"),
    path("<int:pk>/", views_join.join_detail, name="join_detail"),
    path("<int:pk>/approve/", views_join.join_approve, name="join_approve"),
    path("<int:pk>/reject/", views_join.join_reject, name="join_reject"),
]

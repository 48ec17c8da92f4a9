from django.urls import include, path

from gonghui.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("export/", views.member_export, name="export"),
    path("stats/", views.member_stats, name="stats"),
    path("stats/export/", views.member_stats_export, name="stats_export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/deactivate/", views.member_deactivate, name="deactivate"),
    path("<int:pk>/unmask/", views.member_unmask, name="unmask"),
    path("<int:pk>/card/", views.member_card, name="card"),
    path("join-applications/", include("gonghui.members.joining.urls")),
    path("transfers/", include("gonghui.members.transfers.urls")),
]

from django.urls import include, path

from gonghui.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_create, name="create"),
    path("export/", views.site_export, name="export"),
    path("<int:pk>/", views.site_detail, name="detail"),
    path("<int:pk>/edit/", views.site_edit, name="edit"),
    path("<int:pk>/status/", views.site_status, name="status"),
    path("<int:pk>/unmask/", views.site_unmask, name="unmask"),
    path("<int:pk>/sign/", views.site_sign, name="sign"),
    path("<int:pk>/photos/", views.site_photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/", views.site_photo, name="photo"),
    path("<int:pk>/photos/<int:photo_pk>/remove/", views.site_photo_remove, name="photo_remove"),
    path("", include("gonghui.sites.map.urls")),
    path("", include("gonghui.sites.feedback.urls")),
    path("", include("gonghui.sites.stats.urls")),
]

from django.urls import include, path

from gonghui.sites import views, views_map

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
    path("map/", views_map.site_map, name="map"),
    path("map/data/", views_map.site_map_data, name="map_data"),
    path("map/layers/<str:kind>/", views_map.map_layer_data, name="map_layer"),
    path("coverage/", views_map.coverage_page, name="coverage"),
    path("coverage/data/", views_map.coverage_data, name="coverage_data"),
    path("layers/", views_map.map_layers_page, name="layers"),
    path("map/settings/", views_map.map_settings_page, name="map_settings"),
    path("layers/<int:county_pk>/upload/", views_map.map_layer_upload, name="layer_upload"),
    path("layers/<int:county_pk>/radius/", views_map.coverage_radius_set, name="coverage_radius"),
    path("", include("gonghui.sites.feedback.urls")),
    path("", include("gonghui.sites.stats.urls")),
]

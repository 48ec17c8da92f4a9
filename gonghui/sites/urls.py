from django.urls import path

from gonghui.sites import views, views_feedback, views_map, views_stats

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
    path("feedback/", views_feedback.feedback_list, name="feedback_list"),
    path("feedback/<int:pk>/", views_feedback.feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/answer/", views_feedback.feedback_answer, name="feedback_answer"),
    path("feedback/<int:pk>/close/", views_feedback.feedback_close, name="feedback_close"),
    path("map/", views_map.site_map, name="map"),
    path("map/data/", views_map.site_map_data, name="map_data"),
    path("map/layers/<str:kind>/", views_map.map_layer_data, name="map_layer"),
    path("coverage/", views_map.coverage_page, name="coverage"),
    path("coverage/data/", views_map.coverage_data, name="coverage_data"),
    path("layers/", views_map.map_layers_page, name="layers"),
    path("map/settings/", views_map.map_settings_page, name="map_settings"),
    path("layers/<int:county_pk>/upload/", views_map.map_layer_upload, name="layer_upload"),
    path("layers/<int:county_pk>/radius/", views_map.coverage_radius_set, name="coverage_radius"),
    path("stats/", views_stats.site_stats, name="stats"),
    path("stats/export/", views_stats.site_stats_export, name="stats_export"),
]

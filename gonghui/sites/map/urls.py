"""The site map, coverage analysis and map-layer pages (included by sites/urls.py, namespace
"sites")."""

from django.urls import path

from gonghui.sites.map import views

urlpatterns = [
    path("map/", views.site_map, name="map"),
    path("map/data/", views.site_map_data, name="map_data"),
    path("map/layers/<str:kind>/", views.map_layer_data, name="map_layer"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/data/", views.coverage_data, name="coverage_data"),
    path("layers/", views.map_layers_page, name="layers"),
    path("map/settings/", views.map_settings_page, name="map_settings"),
    path("layers/<int:county_pk>/upload/", views.map_layer_upload, name="layer_upload"),
    path("layers/<int:county_pk>/radius/", views.coverage_radius_set, name="coverage_radius"),
]

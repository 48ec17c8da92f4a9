"""URLs of caravans, stops, quotas and registrations (included by gonghui.outreach.urls)."""

from django.urls import path

from gonghui.outreach.caravans import views

urlpatterns = [
    path("caravans/", views.caravan_list, name="caravan_list"),
    path("caravans/new/", views.caravan_create, name="caravan_create"),
    path("caravans/<int:pk>/", views.caravan_detail, name="caravan_detail"),
    path("caravans/<int:pk>/edit/", views.caravan_edit, name="caravan_edit"),
    path("caravans/<int:pk>/status/", views.caravan_status, name="caravan_status"),
    path("stops/", views.stop_list, name="stop_list"),
    path("stops/new/", views.stop_create, name="stop_create"),
    path("stops/map/", views.stop_map, name="stop_map"),
    path("stops/<int:pk>/", views.stop_detail, name="stop_detail"),
    path("stops/<int:pk>/edit/", views.stop_edit, name="stop_edit"),
    path("stops/<int:pk>/cancel/", views.stop_cancel, name="stop_cancel"),
    path("stops/<int:pk>/summary/", views.stop_summary, name="stop_summary"),
    path("stops/<int:pk>/register/", views.registration_create, name="registration_create"),
    path("stops/<int:pk>/offers/", views.offer_add, name="offer_add"),
    path("stops/<int:pk>/photos/", views.stop_photo_add, name="stop_photo_add"),
    path("stops/<int:pk>/photos/<int:photo_pk>/", views.stop_photo, name="stop_photo"),
    path(
        "stops/<int:pk>/photos/<int:photo_pk>/remove/",
        views.stop_photo_remove,
        name="stop_photo_remove",
    ),
    path("offers/<int:pk>/quota/", views.offer_quota, name="offer_quota"),
    path("offers/<int:pk>/remove/", views.offer_remove, name="offer_remove"),
    path("registrations/", views.registration_list, name="registration_list"),
    path("registrations/export/", views.registration_export, name="registration_export"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("registrations/<int:pk>/unmask/", views.registration_unmask, name="registration_unmask"),
]

# The portal's pages (/portal/outreach/, public, no login).
portal_urlpatterns = [
    path("", views.portal_stops, name="stops"),
    path("stops/<int:pk>/", views.portal_stop, name="stop"),
    path("registrations/", views.portal_lookup, name="lookup"),
    path("registrations/<str:reference>/", views.portal_registration, name="registration"),
]

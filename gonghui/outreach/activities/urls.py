"""URLs of activities (included by gonghui.outreach.urls)."""

from django.urls import path

from gonghui.outreach.activities import views

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/record/", views.activity_record, name="activity_record"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/checkin/", views.activity_checkin, name="activity_checkin"),
    path("activities/<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("activities/<int:pk>/qr/", views.activity_qr, name="activity_qr"),
    path("activities/<int:pk>/photos/", views.activity_photo_add, name="activity_photo_add"),
    path(
        "activities/<int:pk>/photos/<int:photo_pk>/",
        views.activity_photo,
        name="activity_photo",
    ),
    path(
        "activities/<int:pk>/photos/<int:photo_pk>/remove/",
        views.activity_photo_remove,
        name="activity_photo_remove",
    ),
]

portal_urlpatterns = [
    path("checkin/<str:token>/", views.portal_checkin, name="checkin"),
]

"""URLs of follow-ups (included by gonghui.outreach.urls)."""

from django.urls import path

from gonghui.outreach.followups import views

urlpatterns = [
    path("followups/", views.followup_list, name="followup_list"),
    path("followups/assign/", views.followup_assign, name="followup_assign"),
    path("followups/settings/", views.followup_settings, name="followup_settings"),
    path("followups/<int:pk>/", views.followup_record, name="followup_record"),
]

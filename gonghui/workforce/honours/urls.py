"""Honours ledger pages (under /workforce/honours/)."""

from django.urls import path

from gonghui.workforce.honours import views

urlpatterns = [
    path("", views.honour_list, name="honour_list"),
    path("export/", views.honour_export, name="honour_export"),
    path("new/", views.honour_create, name="honour_create"),
    path("<int:pk>/revoke/", views.honour_revoke, name="honour_revoke"),
    path("members/<int:pk>/", views.member_ledger, name="member_ledger"),
    path("teams/<int:pk>/", views.team_ledger, name="team_ledger"),
    path("enterprises/<int:pk>/", views.enterprise_ledger, name="enterprise_ledger"),
]

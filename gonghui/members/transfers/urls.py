from django.urls import path

from gonghui.members.transfers import views

urlpatterns = [
    path("", views.transfer_list, name="transfer_list"),
    path("new/", views.transfer_create, name="transfer_create"),
    path("claim/", views.transfer_claim, name="transfer_claim"),
    path("<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("<int:pk>/approve/", views.transfer_approve, name="transfer_approve"),
    path("<int:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
]

from django.urls import path

from gonghui.rights.contracts import views

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/file/", views.contract_file, name="contract_file"),
    path("contracts/<int:pk>/review/", views.contract_review, name="contract_review"),
    path(
        "contracts/<int:pk>/versions/new/", views.contract_version_add, name="contract_version_add"
    ),
    path(
        "contracts/<int:pk>/versions/<int:number>/", views.contract_version, name="contract_version"
    ),
    path(
        "contracts/<int:pk>/attachments/",
        views.contract_attachment_add,
        name="contract_attachment_add",
    ),
    path(
        "contracts/<int:pk>/attachments/<int:file_pk>/",
        views.contract_attachment,
        name="contract_attachment",
    ),
    path("contracts/<int:pk>/renewal/", views.contract_renewal, name="contract_renewal"),
    path("contracts/<int:pk>/terminate/", views.contract_terminate, name="contract_terminate"),
]

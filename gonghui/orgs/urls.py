from django.urls import path

from gonghui.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/children/", views.tree_children, name="tree_children"),
    path("list/", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("export/", views.org_export, name="export"),
    path("autocomplete/", views.org_autocomplete, name="autocomplete"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/move/", views.org_move, name="move"),
    path("<int:pk>/deactivate/", views.org_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.org_reactivate, name="reactivate"),
    path("<int:pk>/delete/", views.org_delete, name="delete"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/export/", views.enterprise_export, name="enterprise_export"),
    path(
        "enterprises/autocomplete/", views.enterprise_autocomplete, name="enterprise_autocomplete"
    ),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/unmask/", views.enterprise_unmask, name="enterprise_unmask"),
]

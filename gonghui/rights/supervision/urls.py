from django.urls import path

from gonghui.rights.supervision import views

urlpatterns = [
    path("supervision/", views.inspection_list, name="inspection_list"),
    path("supervision/new/", views.inspection_create, name="inspection_create"),
    path("supervision/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("supervision/supervisors/", views.supervisor_list, name="supervisor_list"),
    path("supervision/supervisors/new/", views.supervisor_create, name="supervisor_create"),
]

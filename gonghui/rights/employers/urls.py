from django.urls import path

from gonghui.rights.employers import views

urlpatterns = [
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/<int:pk>/", views.employer_file, name="employer_file"),
]

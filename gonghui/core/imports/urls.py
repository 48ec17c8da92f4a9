from django.urls import path

from gonghui.core.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/<slug:kind>/", views.import_new, name="new"),
    path("template/<slug:kind>.xlsx", views.import_template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/commit/", views.import_commit, name="commit"),
    path("<int:pk>/discard/", views.import_discard, name="discard"),
    path("<int:pk>/resume/", views.import_resume, name="resume"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/errors.xlsx", views.import_errors, name="errors"),
]

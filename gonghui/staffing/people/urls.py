"""Pages of the staffing module's people: the worker register and records, training, posts."""

from django.urls import path

from gonghui.staffing.people import views

urlpatterns = [
    path("", views.worker_list, name="worker_list"),
    path("new/", views.worker_create, name="worker_create"),
    path("<int:pk>/", views.worker_detail, name="worker_detail"),
    path("<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("<int:pk>/training/", views.training_add, name="training_add"),
    path("<int:pk>/contract-review/", views.contract_review_clear, name="contract_review_clear"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
]

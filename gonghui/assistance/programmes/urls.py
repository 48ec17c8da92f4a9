"""Routes of programmes and grants (included by assistance/urls.py)."""

from django.urls import path

from gonghui.assistance.programmes import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/rule/", views.programme_rule, name="programme_rule"),
    path("programmes/<int:pk>/budget/", views.programme_budget, name="programme_budget"),
    path("programmes/<int:pk>/eligible/", views.programme_eligible, name="programme_eligible"),
    path("programmes/<int:pk>/approve/", views.programme_approve, name="programme_approve"),
    path("programmes/<int:pk>/close/", views.programme_close, name="programme_close"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/disburse/", views.grant_disburse, name="grant_disburse"),
    path("grants/<int:pk>/cancel/", views.grant_cancel, name="grant_cancel"),
]

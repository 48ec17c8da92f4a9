"""Routes of programmes, grants and regular visits (included in assistance/urls.py)."""

from django.urls import path

from gonghui.assistance import views_programmes, views_visits

programme_urls = [
    path("programmes/", views_programmes.programme_list, name="programme_list"),
    path("programmes/new/", views_programmes.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views_programmes.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/rule/", views_programmes.programme_rule, name="programme_rule"),
    path("programmes/<int:pk>/budget/", views_programmes.programme_budget, name="programme_budget"),
    path(
        "programmes/<int:pk>/eligible/",
        views_programmes.programme_eligible,
        name="programme_eligible",
    ),
    path(
        "programmes/<int:pk>/approve/", views_programmes.programme_approve, name="programme_approve"
    ),
    path("programmes/<int:pk>/close/", views_programmes.programme_close, name="programme_close"),
    path("grants/<int:pk>/", views_programmes.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/disburse/", views_programmes.grant_disburse, name="grant_disburse"),
    path("grants/<int:pk>/cancel/", views_programmes.grant_cancel, name="grant_cancel"),
    path("visits/", views_visits.visit_list, name="visit_list"),
    path("visits/new/<int:archive_pk>/", views_visits.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views_visits.visit_detail, name="visit_detail"),
    path("visits/photos/<int:pk>/", views_visits.visit_photo, name="visit_photo"),
]

from django.urls import path

from gonghui.staffing import views

app_name = "staffing"
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
    path("appraisals/", views.appraisal_list, name="appraisal_list"),
    path("appraisals/open/", views.appraisal_open, name="appraisal_open"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path("appraisals/<int:pk>/ratings/", views.rating_add, name="rating_add"),
    path("appraisals/<int:pk>/invites/", views.invites_issue, name="invites_issue"),
    path("appraisals/<int:pk>/publish/", views.appraisal_publish, name="appraisal_publish"),
    path("appraisals/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("pay/", views.pay_sheet, name="pay_sheet"),
    path("pay/export/", views.pay_sheet_export, name="pay_sheet_export"),
    path("promotion/", views.promotion_list, name="promotion_list"),
    path("promotion/export/", views.promotion_export, name="promotion_export"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
    path("settings/", views.scheme_settings, name="settings"),
    path("settings/<int:county_pk>/", views.scheme_save, name="scheme_save"),
    path("settings/<int:county_pk>/pay-grades/", views.pay_grade_set, name="pay_grade_set"),
    path("me/", views.my_appraisals, name="my_appraisals"),
    path("me/<int:pk>/", views.my_appraisal, name="my_appraisal"),
    path("me/<int:pk>/objection/", views.my_objection, name="my_objection"),
]

# The portal's public one-time rating page, mounted at /portal/staffing/ (gonghui/urls.py).
portal_urlpatterns = [
    path("rate/<str:token>/", views.portal_rate, name="rate"),
]

"""Routes of monitoring and early warning (监测预警), included by assistance/urls.py."""

from django.urls import path

from gonghui.assistance.monitoring import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/overdue/", views.alert_overdue, name="alert_overdue"),
    path("alerts/map/", views.alert_map, name="alert_map"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
    path("monitoring/run/", views.run_start, name="run_start"),
    path("monitoring/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("monitoring/rules/", views.rules, name="rules"),
    path("monitoring/rules/<slug:code>/<slug:which>/", views.rule_save, name="rule_save"),
    path("monitoring/medical/new/", views.medical_new, name="medical_new"),
    path("monitoring/job-loss/new/", views.job_loss_new, name="job_loss_new"),
    path("monitoring/disaster/new/", views.disaster_new, name="disaster_new"),
    path("monitoring/schooling/new/", views.schooling_new, name="schooling_new"),
]

from django.urls import path

from gonghui.assistance import views, views_monitoring, views_spot_checks, views_stats
from gonghui.assistance.urls_programmes import programme_urls

app_name = "assistance"
urlpatterns = [
    path("", views.archive_list, name="list"),
    path("new/", views.archive_create, name="create"),
    path("standards/", views.standards, name="standards"),
    path("stats/", views_stats.archive_stats, name="stats"),
    path("stats/export/", views_stats.archive_stats_export, name="stats_export"),
    path("spot-checks/", views_spot_checks.spot_checks, name="spot_checks"),
    path("<int:pk>/", views.archive_detail, name="detail"),
    path("<int:pk>/edit/", views.archive_edit, name="edit"),
    path("<int:pk>/unmask/", views.archive_unmask, name="unmask"),
    path("<int:pk>/steps/<slug:action>/", views.archive_step, name="step"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/household/", views.household_add, name="household_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("household/<int:pk>/remove/", views.household_remove, name="household_remove"),
    # monitoring and early warning (监测预警)
    path("alerts/", views_monitoring.alert_list, name="alert_list"),
    path("alerts/overdue/", views_monitoring.alert_overdue, name="alert_overdue"),
    path("alerts/map/", views_monitoring.alert_map, name="alert_map"),
    path("alerts/<int:pk>/", views_monitoring.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/close/", views_monitoring.alert_close, name="alert_close"),
    path("monitoring/run/", views_monitoring.run_start, name="run_start"),
    path("monitoring/runs/<int:pk>/", views_monitoring.run_detail, name="run_detail"),
    path("monitoring/rules/", views_monitoring.rules, name="rules"),
    path(
        "monitoring/rules/<slug:code>/<slug:which>/",
        views_monitoring.rule_save,
        name="rule_save",
    ),
    path("monitoring/medical/new/", views_monitoring.medical_new, name="medical_new"),
    path("monitoring/job-loss/new/", views_monitoring.job_loss_new, name="job_loss_new"),
    path("monitoring/disaster/new/", views_monitoring.disaster_new, name="disaster_new"),
    path("monitoring/schooling/new/", views_monitoring.schooling_new, name="schooling_new"),
    *programme_urls,
]

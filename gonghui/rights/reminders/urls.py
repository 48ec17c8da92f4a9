from django.urls import path

from gonghui.rights.reminders import views

urlpatterns = [
    path("reminders/", views.reminder_list, name="reminder_list"),
    path("reminders/run/", views.reminder_run, name="reminder_run"),
    path("reminders/<int:pk>/close/", views.reminder_close, name="reminder_close"),
]

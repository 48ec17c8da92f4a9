"""The workers' portal (职工服务 H5) at /portal/: public, no login."""

from django.urls import path

from gonghui.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("nearest/", views.nearest, name="nearest"),
    # Printed on each site's QR sign: keep this address stable.
    path("sites/<str:site_code>/", views.site, name="site"),
    path("sites/<str:site_code>/checkin/", views.site_checkin, name="site_checkin"),
    path("sites/<str:site_code>/feedback/", views.site_feedback, name="site_feedback"),
    # 困难职工自测 and the hardship application (gonghui/assistance/public.py).
    path("assistance/self-check/", views.self_check, name="hardship_self_check"),
    path("assistance/apply/", views.apply, name="hardship_apply"),
    path("assistance/apply/done/", views.done, name="hardship_done"),
    path("assistance/status/", views.status, name="hardship_status"),
]

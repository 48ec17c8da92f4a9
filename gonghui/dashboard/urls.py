from django.urls import path

from gonghui.dashboard import views
from gonghui.dashboard.returns import views as returns

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("returns/", returns.return_list, name="return_list"),
    path("returns/<int:pk>/", returns.return_detail, name="return_detail"),
    path("returns/<int:pk>/refresh/", returns.return_refresh, name="return_refresh"),
    path("returns/<int:pk>/submit/", returns.return_submit, name="return_submit"),
    path("returns/<int:pk>/export/", returns.return_export, name="return_export"),
    path("returns/<int:pk>/grassroots/", returns.return_grassroots, name="return_grassroots"),
    path(
        "returns/<int:pk>/grassroots/export/",
        returns.return_grassroots_export,
        name="return_grassroots_export",
    ),
    path("returns/<int:pk>/issue/", returns.return_issue, name="return_issue"),
]

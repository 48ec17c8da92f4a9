"""Pages of the county's rules and pay: the monthly pay sheet, the promotion list, the
rules and pay table (settings)."""

from django.urls import path

from gonghui.staffing.pay import views

urlpatterns = [
    path("pay/", views.pay_sheet, name="pay_sheet"),
    path("pay/export/", views.pay_sheet_export, name="pay_sheet_export"),
    path("promotion/", views.promotion_list, name="promotion_list"),
    path("promotion/export/", views.promotion_export, name="promotion_export"),
    path("settings/", views.scheme_settings, name="settings"),
    path("settings/<int:county_pk>/", views.scheme_save, name="scheme_save"),
    path("settings/<int:county_pk>/pay-grades/", views.pay_grade_set, name="pay_grade_set"),
]

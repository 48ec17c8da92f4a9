from django.urls import path

from gonghui.rights.wagechecks import views

urlpatterns = [
    path("wage-checks/", views.wagecheck_list, name="wagecheck_list"),
    path("wage-checks/new/", views.wagecheck_create, name="wagecheck_create"),
    path("wage-checks/checklist/", views.checklist, name="checklist"),
    path("wage-checks/checklist/<int:item_pk>/", views.check_item_edit, name="check_item_edit"),
    path("wage-checks/<int:pk>/", views.wagecheck_detail, name="wagecheck_detail"),
    path("wage-checks/<int:pk>/close/", views.wagecheck_close, name="wagecheck_close"),
    path("wage-checks/<int:pk>/records/new/", views.record_add, name="record_add"),
    path("check-records/<int:pk>/", views.record_detail, name="record_detail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/resolve/", views.finding_resolve, name="finding_resolve"),
    path("findings/<int:pk>/photos/", views.finding_photo_add, name="finding_photo_add"),
    path("findings/<int:pk>/photos/<int:photo_pk>/", views.finding_photo, name="finding_photo"),
    path("findings/<int:pk>/notices/<str:step>/", views.notice_draft, name="notice_draft"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/settings/", views.notice_settings, name="notice_settings"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/issue/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("notices/<int:pk>/print/", views.notice_print, name="notice_print"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/docx/", views.notice_docx, name="notice_docx"),
]

from django.urls import path

from gonghui.rights.legalaid import views

urlpatterns = [
    path("legal-aid/", views.case_list, name="case_list"),
    path("legal-aid/new/", views.case_create, name="case_create"),
    path("legal-aid/lawyers/", views.lawyer_list, name="lawyer_list"),
    path("legal-aid/lawyers/new/", views.lawyer_create, name="lawyer_create"),
    path("legal-aid/settings/", views.legal_aid_settings, name="legal_aid_settings"),
    path("legal-aid/<int:pk>/", views.case_detail, name="case_detail"),
    path("legal-aid/<int:pk>/unmask/", views.case_unmask, name="case_unmask"),
    path("legal-aid/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("legal-aid/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("legal-aid/<int:pk>/notes/", views.case_note, name="case_note"),
    path("legal-aid/<int:pk>/close/", views.case_close, name="case_close"),
    path("legal-aid/<int:pk>/attachments/", views.case_attachment_add, name="case_attachment_add"),
    path(
        "legal-aid/<int:pk>/attachments/<int:file_pk>/",
        views.case_attachment,
        name="case_attachment",
    ),
]

# The workers' portal pages (public), mounted under /portal/legal-aid/ by gonghui.rights.urls.
portal_urlpatterns = [
    path("", views.portal_apply, name="legal_aid_apply"),
    path("done/", views.portal_done, name="legal_aid_done"),
    path("status/", views.portal_status, name="legal_aid_status"),
]

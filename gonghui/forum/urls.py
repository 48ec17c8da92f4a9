from django.urls import path

from gonghui.forum import views

app_name = "forum"
urlpatterns = [
    path("mine/", views.my_list, name="my_list"),
    path("mine/<int:pk>/", views.my_detail, name="my_detail"),
    path("mine/<int:pk>/revise/", views.my_revise, name="my_revise"),
    path("submit/", views.submission_new, name="submission_new"),
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission_review"),
    path("submissions/<int:pk>/proof/", views.submission_proof, name="submission_proof"),
    path("submissions/<int:pk>/note/", views.submission_note, name="submission_note"),
    path("submissions/<int:pk>/unmask/", views.submission_unmask, name="submission_unmask"),
    path(
        "submissions/<int:pk>/files/<int:file_pk>/",
        views.submission_file,
        name="submission_file",
    ),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", views.topic_new, name="topic_new"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("editions/", views.edition_list, name="edition_list"),
    path("editions/new/", views.edition_new, name="edition_new"),
    path("editions/<int:pk>/", views.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/add/", views.edition_add, name="edition_add"),
    path("editions/<int:pk>/remove/", views.edition_remove, name="edition_remove"),
    path("editions/<int:pk>/publish/", views.edition_publish, name="edition_publish"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
    path("settings/", views.settings_page, name="settings"),
    # Public (no login): the column's reading page, the submission page, status by code.
    path("public/", views.public_home, name="public_home"),
    path("public/submit/", views.public_submit, name="public_submit"),
    path("public/submit/done/", views.public_done, name="public_done"),
    path("public/status/", views.public_status, name="public_status"),
    path("public/editions/<int:pk>/", views.public_edition, name="public_edition"),
    path("public/editions/<int:pk>/print/", views.public_edition_print, name="public_print"),
    path("public/editions/<int:pk>/pdf/", views.public_edition_pdf, name="public_pdf"),
    path("public/files/<int:pk>/", views.public_file, name="public_file"),
]

"""URLs of works contests (included by gonghui.outreach.urls)."""

from django.urls import path

from gonghui.outreach.contests import views

urlpatterns = [
    path("contests/", views.contest_list, name="contest_list"),
    path("contests/new/", views.contest_create, name="contest_create"),
    path("contests/<int:pk>/", views.contest_detail, name="contest_detail"),
    path("contests/<int:pk>/edit/", views.contest_edit, name="contest_edit"),
    path("contests/<int:pk>/advance/", views.contest_advance, name="contest_advance"),
    path("contests/<int:pk>/judges/", views.judge_add, name="judge_add"),
    path("contests/<int:pk>/assign/", views.entries_assign, name="entries_assign"),
    path("contests/<int:pk>/results/", views.contest_results, name="contest_results"),
    path("contests/<int:pk>/publish/", views.contest_publish, name="contest_publish"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/screen/", views.entry_screen, name="entry_screen"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("entries/<int:pk>/images/<int:image_pk>/", views.entry_image, name="entry_image"),
    path("judging/", views.judging, name="judging"),
    path("judging/<int:pk>/", views.judging_score, name="judging_score"),
    path("judging/<int:pk>/images/<int:image_pk>/", views.judging_image, name="judging_image"),
]

portal_urlpatterns = [
    path("contests/", views.portal_contests, name="contests"),
    path("contests/<int:pk>/", views.portal_contest, name="contest"),
    path("contests/<int:pk>/done/", views.portal_contest_done, name="contest_done"),
    path("contests/<int:pk>/gallery/", views.portal_gallery, name="gallery"),
    path(
        "contests/<int:pk>/gallery/<int:image_pk>/",
        views.portal_gallery_image,
        name="gallery_image",
    ),
]

"""Pages of the appraisals: staff pages, the worker's own appraisals (我的考核) and the
portal's one-time anonymous rating page."""

from django.urls import path

from gonghui.staffing.appraisals import views

urlpatterns = [
    path("appraisals/", views.appraisal_list, name="appraisal_list"),
    path("appraisals/open/", views.appraisal_open, name="appraisal_open"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path("appraisals/<int:pk>/ratings/", views.rating_add, name="rating_add"),
    path("appraisals/<int:pk>/invites/", views.invites_issue, name="invites_issue"),
    path("appraisals/<int:pk>/publish/", views.appraisal_publish, name="appraisal_publish"),
    path("appraisals/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("me/", views.my_appraisals, name="my_appraisals"),
    path("me/<int:pk>/", views.my_appraisal, name="my_appraisal"),
    path("me/<int:pk>/objection/", views.my_objection, name="my_objection"),
]

# The portal's public one-time rating page, mounted at /portal/staffing/ (gonghui/urls.py).
portal_urlpatterns = [
    path("rate/<str:token>/", views.portal_rate, name="rate"),
]

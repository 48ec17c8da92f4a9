from django.urls import path

from gonghui.rights.bargaining import views

urlpatterns = [
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/reply/", views.offer_reply, name="offer_reply"),
    path("offers/<int:pk>/talks/", views.offer_talk, name="offer_talk"),
    path("offers/<int:pk>/outcome/", views.offer_outcome, name="offer_outcome"),
    path("seasons/", views.season_list, name="season_list"),
    path("seasons/new/", views.season_create, name="season_create"),
    path("seasons/<int:pk>/", views.season_detail, name="season_detail"),
    path("seasons/<int:pk>/targets/", views.season_targets, name="season_targets"),
    path(
        "seasons/<int:pk>/targets/<int:target_pk>/offer/",
        views.season_target_offer,
        name="season_target_offer",
    ),
    path("seasons/<int:pk>/close/", views.season_close, name="season_close"),
]

from django.urls import path

from unionhall.elections import views

urlpatterns = [
    path("", views.election_list, name="election_list"),
    path("<int:pk>/", views.election_detail, name="election_detail"),
    path("<int:pk>/nominate/", views.nominate, name="election_nominate"),
    path("<int:pk>/nominations/<int:nomination_pk>/", views.nomination_respond, name="election_respond"),
    path("<int:pk>/close/", views.close_nominations, name="election_close"),
    path("<int:pk>/results/", views.results, name="election_results"),
    path("<int:pk>/ballots.blt", views.blt_download, name="election_blt"),
]

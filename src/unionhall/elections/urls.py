from django.urls import path

from unionhall.elections import views

urlpatterns = [
    path("", views.election_list, name="election_list"),
    path("new/", views.election_new, name="election_new"),
    path("<int:pk>/", views.election_detail, name="election_detail"),
    path("<int:pk>/nominate/", views.nominate, name="election_nominate"),
    path("<int:pk>/nominations/<int:nomination_pk>/", views.nomination_respond, name="election_respond"),
    path("<int:pk>/close/", views.close_nominations, name="election_close"),
    path("<int:pk>/ballot/", views.start_ballot, name="election_start_ballot"),
    path("<int:pk>/declare/", views.declare, name="election_declare"),
    path("<int:pk>/scrutineer/", views.scrutineer_upload, name="election_scrutineer"),
    path("<int:pk>/results/", views.results, name="election_results"),
    path("<int:pk>/ballots.blt", views.blt_download, name="election_blt"),
]

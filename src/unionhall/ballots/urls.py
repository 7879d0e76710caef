from django.urls import path

from unionhall.ballots import credential_views, trustee_views, views

urlpatterns = [
    path("", views.ballot_list, name="ballot_list"),
    path("new/", views.ballot_new, name="ballot_new"),
    path("<slug:slug>/", views.ballot_detail, name="ballot_detail"),
    path("<slug:slug>/vote/", views.booth, name="ballot_booth"),
    path("<slug:slug>/cast/", views.cast, name="ballot_cast"),
    path("<slug:slug>/audit/", views.audit, name="ballot_audit"),
    path("<slug:slug>/board/", views.board_page, name="ballot_board"),
    path("<slug:slug>/turnout/", views.turnout_page, name="ballot_turnout"),
    path("<slug:slug>/result/", views.result_page, name="ballot_result"),
    path("<slug:slug>/record.json", views.record_json, name="ballot_record"),
    path("<slug:slug>/trustee/", views.trustee_page, name="ballot_trustee"),
    path("<slug:slug>/trustee/ceremony/", trustee_views.trustee_ceremony_post, name="ballot_trustee_ceremony"),
    path("<slug:slug>/trustee/shares/", trustee_views.trustee_shares_post, name="ballot_trustee_shares"),
    path("<slug:slug>/manage/", views.manage, name="ballot_manage"),
    path("<slug:slug>/credentials/", credential_views.credentials_page, name="ballot_credentials"),
    path("<slug:slug>/credentials/manage/", credential_views.credentials_manage, name="ballot_credentials_manage"),
]

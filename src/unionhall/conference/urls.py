from django.urls import path

from unionhall.conference import views

# Fixed paths come before "<slug>/", so no conference may take these words as its slug.
urlpatterns = [
    path("", views.conference_list, name="conference_list"),
    path("resolutions/", views.resolution_register, name="resolution_register"),
    path("resolutions/<int:pk>/", views.resolution_detail, name="resolution_detail"),
    path("resolutions/<int:pk>/update/", views.resolution_update, name="resolution_update"),
    path("resolutions/report/<slug:slug>/", views.resolution_report, name="resolution_report"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("votes/<int:pk>/", views.vote_detail, name="conference_vote"),
    path("votes/<int:pk>/cast/", views.card_cast, name="conference_card_cast"),
    path("votes/<int:pk>/close/", views.vote_close, name="conference_vote_close"),
    path("<slug:slug>/", views.conference_detail, name="conference_detail"),
    path("<slug:slug>/agenda/", views.agenda_page, name="conference_agenda"),
    path("<slug:slug>/agenda/publish/", views.agenda_publish, name="conference_agenda_publish"),
    path("<slug:slug>/soc/", views.soc_appoint, name="conference_soc_appoint"),
    path("<slug:slug>/composite/", views.composite_create, name="conference_composite"),
    path("<slug:slug>/delegates/", views.delegates_page, name="conference_delegates"),
    path("<slug:slug>/delegates/register/", views.delegate_register, name="conference_delegate_register"),
    path("<slug:slug>/weights/freeze/", views.weights_freeze, name="conference_weights_freeze"),
    path("<slug:slug>/motions/new/", views.motion_submit, name="conference_motion_submit"),
    path("<slug:slug>/motions/<int:number>/", views.motion_detail, name="conference_motion"),
    path("<slug:slug>/motions/<int:number>/amend/", views.amendment_submit, name="conference_amend"),
    path("<slug:slug>/motions/<int:number>/ruling/", views.motion_ruling, name="conference_ruling"),
    path("<slug:slug>/motions/<int:number>/vote/", views.vote_record, name="conference_vote_record"),
    path("<slug:slug>/motions/<int:number>/secret-vote/", views.secret_vote_new, name="conference_secret_vote"),
]

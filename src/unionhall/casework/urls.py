from django.urls import path

from unionhall.casework import views

urlpatterns = [
    path("", views.home, name="casework_home"),
    path("ask/", views.ask, name="casework_ask"),
    path("branch/", views.branch, name="casework_branch"),
    path("deadlines/", views.deadlines_page, name="casework_deadlines"),
    path("statistics/", views.statistics, name="casework_statistics"),
    path("profiles/", views.profiles, name="casework_profiles"),
    path("profiles/commencement/", views.commencement, name="casework_commencement"),
    path("<uuid:ref>/", views.case_detail, name="casework_case"),
    path("<uuid:ref>/health/", views.case_health, name="casework_health"),
    path("<uuid:ref>/assign/", views.assign, name="casework_assign"),
    path("<uuid:ref>/accept/", views.accept, name="casework_accept"),
    path("<uuid:ref>/handover/", views.handover, name="casework_handover"),
    path("<uuid:ref>/refer/", views.refer, name="casework_refer"),
    path("<uuid:ref>/meeting/", views.meeting, name="casework_meeting"),
    path("<uuid:ref>/dates/", views.dates, name="casework_dates"),
    path("<uuid:ref>/entry/", views.entry, name="casework_entry"),
    path("<uuid:ref>/message/", views.message, name="casework_message"),
    path("<uuid:ref>/met/", views.met, name="casework_met"),
    path("<uuid:ref>/action/<int:pk>/done/", views.action_done, name="casework_action_done"),
    path("<uuid:ref>/document/", views.document, name="casework_document"),
    path("<uuid:ref>/document/<int:pk>/", views.document_download, name="casework_document_download"),
    path("<uuid:ref>/close/", views.close, name="casework_close"),
]

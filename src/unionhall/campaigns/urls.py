from django.urls import path

from unionhall.campaigns import views

# Fixed paths come before "<slug>/"; services.RESERVED_SLUGS keeps campaigns off these words.
urlpatterns = [
    path("", views.campaign_list, name="campaigns_list"),
    path("manage/", views.campaign_manage, name="campaigns_manage"),
    path("manage/new/", views.campaign_create, name="campaigns_create"),
    path("manage/<slug:slug>/", views.campaign_report, name="campaigns_report"),
    path("manage/<slug:slug>/edit/", views.campaign_edit, name="campaigns_edit"),
    path("manage/<slug:slug>/status/", views.campaign_status, name="campaigns_status"),
    path("letters/<int:pk>/withdraw/", views.letter_withdraw, name="campaigns_letter_withdraw"),
    path("receipt/", views.evidence_receipt, name="campaigns_receipt"),
    path("evidence/files/<int:pk>/", views.evidence_file, name="campaigns_evidence_file"),
    path("manage/<slug:slug>/evidence/", views.evidence_review, name="campaigns_evidence"),
    path("manage/<slug:slug>/evidence/pack.<str:fmt>", views.evidence_pack, name="campaigns_evidence_pack"),
    path("letters/<int:pk>/delete/", views.letter_delete, name="campaigns_letter_delete"),
    path("letters/<int:pk>/reply/", views.letter_reply, name="campaigns_letter_reply"),
    path("manage/<slug:slug>/letters.csv", views.campaign_export, name="campaigns_export"),
    path("manage/<slug:slug>/replies/", views.campaign_replies, name="campaigns_replies"),
    path("manage/<slug:slug>/waiting/", views.campaign_held, name="campaigns_held"),
    path("replies/files/<int:pk>/", views.reply_file, name="campaigns_reply_file"),
    path("letters/reply-files/<int:pk>/", views.own_reply_file, name="campaigns_own_reply_file"),
    path("manage/<slug:slug>/supporter/", views.supporter_set, name="campaigns_supporter"),
    path("manage/help/<int:pk>/done/", views.help_done, name="campaigns_help_done"),
    path("<slug:slug>/help/", views.help_ask, name="campaigns_help"),
    path("letters/<int:pk>/decide/", views.letter_decide, name="campaigns_letter_decide"),
    path("confirm/<str:token>/", views.letter_confirm, name="campaigns_letter_confirm"),
    path("<slug:slug>/", views.campaign_detail, name="campaigns_detail"),
]

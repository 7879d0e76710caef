from django.urls import path

from unionhall.bulletins import event_views, views
from unionhall.outbox import views as outbox_views

# Fixed paths come before "<slug>/<number>/"; models.RESERVED_SLUGS keeps series off these words.
urlpatterns = [
    path("", views.bulletin_list, name="bulletin_list"),
    path("me/", views.my_bulletin_settings, name="bulletin_settings"),
    path("me/feed/reset/", views.feed_reset, name="bulletin_feed_reset"),
    path("me/emails/", views.email_preferences, name="bulletin_email_preferences"),
    path("feed/<str:token>/", views.bulletin_feed, name="bulletin_feed"),
    path("comments/<int:pk>/", views.comment_link, name="comment_link"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("manage/", views.bulletin_manage, name="bulletin_manage"),
    path("write/", views.bulletin_write, name="bulletin_write"),
    path("drafts/<int:pk>/", views.bulletin_preview, name="bulletin_preview"),
    path("drafts/<int:pk>/attachments/", views.attachment_add, name="bulletin_attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="bulletin_attachment"),
    path("preview/", views.markdown_preview, name="bulletin_markdown_preview"),
    path("drafts/<int:pk>/edit/", views.bulletin_write, name="bulletin_edit"),
    path("drafts/<int:pk>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("drafts/<int:pk>/delivery/", views.delivery_report, name="bulletin_delivery"),
    path("drafts/<int:pk>/postal.csv", views.postal_export, name="bulletin_postal_export"),
    # Links in bulletins sent before the outbox: the outbox's page reads their tokens too.
    path("unsubscribe/<str:token>/", outbox_views.unsubscribe, name="bulletin_unsubscribe"),
    path("addresses/", views.address_flags, name="bulletin_address_flags"),
    path("comments/<int:pk>/reveal/", views.reveal_request, name="reveal_request"),
    path("reveals/", views.reveal_list, name="reveal_list"),
    path("reveals/<int:pk>/decide/", views.reveal_decide, name="reveal_decide"),
    path("reveals/<int:pk>/", views.reveal_identity, name="reveal_identity"),
    path("comments/<int:pk>/appeal/", views.comment_appeal, name="comment_appeal"),
    path("moderation/appeals/<int:pk>/", views.appeal_rule, name="appeal_rule"),
    path("moderation/moderators/", views.moderators, name="moderators"),
    path("events/", event_views.event_list, name="event_list"),
    path("events/new/", event_views.event_create, name="event_create"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("events/<int:pk>/questions.json", event_views.event_poll, name="event_poll"),
    path("events/<int:pk>/ask/", event_views.question_ask, name="question_ask"),
    path("events/questions/<int:pk>/vote/", event_views.question_vote, name="question_vote"),
    path("events/questions/<int:pk>/moderate/", event_views.question_moderate, name="question_moderate"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/<int:pk>/", views.moderate, name="moderate_comment"),
    path("<slug:slug>/<int:number>/", views.bulletin_detail, name="bulletin_detail"),
    path("<slug:slug>/<int:number>/comments/", views.comment_post, name="comment_post"),
]

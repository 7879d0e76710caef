from django.urls import path

from unionhall.bulletins import views

# Fixed paths come before "<slug>/<number>/"; models.RESERVED_SLUGS keeps series off these words.
urlpatterns = [
    path("", views.bulletin_list, name="bulletin_list"),
    path("me/", views.my_bulletin_settings, name="bulletin_settings"),
    path("me/feed/reset/", views.feed_reset, name="bulletin_feed_reset"),
    path("feed/<str:token>/", views.bulletin_feed, name="bulletin_feed"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("manage/", views.bulletin_manage, name="bulletin_manage"),
    path("write/", views.bulletin_write, name="bulletin_write"),
    path("drafts/<int:pk>/", views.bulletin_preview, name="bulletin_preview"),
    path("drafts/<int:pk>/edit/", views.bulletin_write, name="bulletin_edit"),
    path("drafts/<int:pk>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/<int:pk>/", views.moderate, name="moderate_comment"),
    path("<slug:slug>/<int:number>/", views.bulletin_detail, name="bulletin_detail"),
    path("<slug:slug>/<int:number>/comments/", views.comment_post, name="comment_post"),
]

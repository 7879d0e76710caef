from django.urls import path

from unionhall.bargaining import officer_views, views

urlpatterns = [
    path("", views.home, name="bargaining_home"),
    path("commitments/", views.tracker_view, name="bargaining_tracker"),
    path("commitments/<int:pk>/", views.commitment_view, name="bargaining_commitment"),
    path("commitments/<int:pk>/follow/", views.commitment_follow, name="bargaining_commitment_follow"),
    path("commitments/<int:pk>/update/", views.commitment_update, name="bargaining_commitment_update"),
    path("bodies/<slug:slug>/", views.body_view, name="bargaining_body"),
    path("bodies/<slug:slug>/status/", officer_views.body_status, name="bargaining_body_status"),
    path("bodies/<slug:slug>/ratify/", officer_views.body_ratify, name="bargaining_body_ratify"),
    path("bodies/<slug:slug>/agreements/new/", officer_views.agreement_new, name="bargaining_agreement_new"),
    path("bodies/<slug:slug>/meetings/new/", officer_views.meeting_new, name="bargaining_meeting_new"),
    path("meetings/<int:pk>/actions/new/", officer_views.action_new, name="bargaining_action_new"),
    path("agreements/<int:pk>/documents/new/", officer_views.document_new, {"kind": "agreement"}, name="bargaining_agreement_document_new"),
    path("meetings/<int:pk>/documents/new/", officer_views.document_new, {"kind": "meeting"}, name="bargaining_meeting_document_new"),
    path("documents/<int:pk>/", views.document_download, name="bargaining_document"),
    path("agreements/<int:pk>/", views.agreement_view, name="bargaining_agreement"),
    path("agreements/<int:pk>/commitments/new/", officer_views.commitment_new, name="bargaining_commitment_new"),
    path("disputes/", views.disputes_view, name="bargaining_disputes"),
    path("disputes/<int:pk>/", views.dispute_view, name="bargaining_dispute"),
    path("disputes/<int:pk>/stage/", officer_views.dispute_stage, name="bargaining_dispute_stage"),
    path("reviews/", views.reviews_view, name="bargaining_reviews"),
    path("reviews/<int:pk>/interest/", views.review_interest, name="bargaining_review_interest"),
    path("pay/", views.my_backpay, name="bargaining_my_backpay"),
    path("pay/employee/<str:employee_number>/", views.my_backpay, name="bargaining_backpay_for"),
    path("pay/settlements/<int:settlement_pk>/query/", views.query_raise, name="bargaining_query_raise"),
    path("pay/queries/", officer_views.queries_queue, name="bargaining_queries"),
    path("pay/queries/<int:pk>/answer/", officer_views.query_answer, name="bargaining_query_answer"),
    path("pay/scales/", officer_views.scale_import, name="bargaining_scales"),
]

from django.urls import path

from unionhall.datarights import views

urlpatterns = [
    path("", views.my_data, name="datarights_my_data"),
    path("download/", views.my_data_download, name="datarights_download"),
    path("looks/", views.my_looks, name="datarights_looks"),
    path("erase/", views.my_erasure, name="datarights_erasure"),
    path("privacy/", views.privacy, name="datarights_privacy"),
    path("hq/requests/", views.hq_requests, name="datarights_hq_requests"),
    path("hq/requests/<int:pk>/", views.hq_request, name="datarights_hq_request"),
    path("hq/requests/<int:pk>/export/", views.hq_request_export, name="datarights_hq_request_export"),
    path("hq/retention/", views.hq_retention, name="datarights_hq_retention"),
    path("hq/erasures/", views.hq_erasures, name="datarights_hq_erasures"),
    path("hq/notice/", views.hq_notice, name="datarights_hq_notice"),
    path("hq/processing/", views.hq_processing, name="datarights_hq_processing"),
]

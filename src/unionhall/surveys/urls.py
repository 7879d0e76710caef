from django.urls import path

from unionhall.surveys import views

urlpatterns = [
    path("", views.survey_home, name="surveys_home"),
    path("runs/<int:pk>/answer/", views.survey_answer, name="surveys_answer"),
    path("runs/<int:pk>/results/", views.survey_results, name="surveys_results"),
    path("equality/mine/", views.equality_mine, name="surveys_equality_mine"),
    path("manage/", views.survey_manage, name="surveys_manage"),
    path("manage/pulse/", views.pulse_start, name="surveys_pulse_start"),
    path("manage/new/", views.survey_create, name="surveys_create"),
    path("manage/runs/<int:pk>/", views.officer_results, name="surveys_officer_results"),
    path("manage/runs/<int:pk>/close/", views.run_close, name="surveys_run_close"),
    path("manage/runs/<int:pk>/texts/", views.free_texts, name="surveys_free_texts"),
    path("manage/runs/<int:pk>/pack.<str:fmt>", views.results_export, name="surveys_export"),
    path("equality/", views.equality_list, name="surveys_equality"),
    path("equality/import/", views.equality_import, name="surveys_equality_import"),
    path("equality/<int:pk>/", views.equality_detail, name="surveys_equality_detail"),
]

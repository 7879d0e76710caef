from django.urls import include, path

from unionhall import views
from unionhall.members import views as members

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", members.my_details, name="my_details"),
    path("me/preferences/", members.my_preferences, name="my_preferences"),
    path("me/email/", members.my_email, name="my_email"),
    path("me/email/<str:token>/", members.my_email_confirm, name="my_email_confirm"),
    path("directory/", members.directory, name="directory"),
    path("me/authenticator/approve/", members.second_factor_approve, name="second_factor_approve"),
    path("register/", members.register_search, name="register_search"),
    path("register/export/", members.register_export, name="register_export"),
    path("register/import/", members.import_upload, name="import_upload"),
    path("register/import/review/", members.import_review, name="import_review"),
    path("register/import/template.csv", members.import_template, name="import_template"),
    path("register/offices/", members.offices, name="offices"),
    path("register/offices/<int:pk>/end/", members.office_end_view, name="office_end"),
    path("register/<str:number>/", members.member_detail, name="member_detail"),
    path("register/<str:number>/authenticator/", members.second_factor_admin, name="second_factor_admin"),
    path("ballots/", include("unionhall.ballots.urls")),
    path("conference/", include("unionhall.conference.urls")),
    path("bulletins/", include("unionhall.bulletins.urls")),
    path("elections/", include("unionhall.elections.urls")),
    path("mandates/", include("unionhall.mandates.urls")),
    path("outbox/", include("unionhall.outbox.urls")),
    path("campaigns/", include("unionhall.campaigns.urls")),
    path("surveys/", include("unionhall.surveys.urls")),
    path("bargaining/", include("unionhall.bargaining.urls")),
    path("casework/", include("unionhall.casework.urls")),
    path("my-data/", include("unionhall.datarights.urls")),
    path("accounts/", include("allauth.urls")),
]

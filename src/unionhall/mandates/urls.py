from django.urls import path
from django.views.generic import RedirectView

from unionhall.mandates import views

app_name = "mandates"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="mandates:rules"), name="index"),
    path("rules/", views.rules_page, name="rules"),
    path("<slug:slug>/", views.statutory_page, name="statutory"),
    path("<slug:slug>/setup/", views.setup, name="setup"),
    path("<slug:slug>/documents/<slug:kind>/", views.document, name="document"),
    path("<slug:slug>/extract/", views.register_extract, name="extract"),
    path("<slug:slug>/postal/", views.postal_import, name="postal_import"),
    path("<slug:slug>/set-aside/", views.set_aside, name="set_aside"),
]

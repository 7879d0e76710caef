from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "unionhall.surveys"
    label = "surveys"

from django.apps import AppConfig


class ConferenceConfig(AppConfig):
    name = "unionhall.conference"
    label = "conference"

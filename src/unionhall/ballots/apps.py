from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "unionhall.ballots"
    label = "ballots"

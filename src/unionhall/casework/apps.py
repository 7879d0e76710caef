from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "unionhall.casework"
    label = "casework"

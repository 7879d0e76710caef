from django.apps import AppConfig


class DatarightsConfig(AppConfig):
    name = "unionhall.datarights"
    label = "datarights"

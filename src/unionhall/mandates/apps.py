from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "unionhall.mandates"
    label = "mandates"
    verbose_name = "Statutory ballots and mandates"

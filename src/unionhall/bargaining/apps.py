from django.apps import AppConfig


class BargainingConfig(AppConfig):
    name = "unionhall.bargaining"
    label = "bargaining"

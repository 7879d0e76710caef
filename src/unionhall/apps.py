from django.apps import AppConfig


class UnionhallConfig(AppConfig):
    name = "unionhall"
    verbose_name = "unionhall"

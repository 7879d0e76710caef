from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "unionhall.jobs"
    label = "jobs"
    verbose_name = "periodic jobs"

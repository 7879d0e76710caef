from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "unionhall.audit"
    label = "audit"

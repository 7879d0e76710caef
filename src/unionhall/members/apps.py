from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "unionhall.members"
    label = "members"

    def ready(self):
        from unionhall.members import receivers  # noqa: F401  (connects the audit receivers)

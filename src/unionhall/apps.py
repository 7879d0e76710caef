from django.apps import AppConfig


class UnionhallConfig(AppConfig):
    name = "unionhall"
    verbose_name = "unionhall"

    def ready(self):
        from unionhall import checks  # noqa: F401  (registers the checks)

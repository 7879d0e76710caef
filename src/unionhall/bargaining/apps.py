"""Bargaining: negotiating bodies, agreements, the commitments tracker, disputes, job-evaluation reviews and back pay (issue 13)."""
from django.apps import AppConfig


class BargainingConfig(AppConfig):
    name = "unionhall.bargaining"
    label = "bargaining"

    def ready(self):
        # Registers the one-click list "commitments" (the outbox also finds it by autodiscovery).
        from unionhall.bargaining import notifications  # noqa: F401

        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.bargaining import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)

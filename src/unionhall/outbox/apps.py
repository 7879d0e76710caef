from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "unionhall.outbox"
    label = "outbox"

    def ready(self):
        # Declare the personal data this app holds (issue 17; unionhall.personal_data).
        from unionhall import personal_data
        from unionhall.outbox import personal_data as declared

        personal_data.register(*declared.DECLARATIONS)

        from unionhall.outbox import webhooks  # noqa: F401  (connects the receiver of providers' tracking events)

        # Each app names the mailing lists a member may leave by one click in
        # its ``notifications`` module (as Django's admin finds ``admin``
        # modules), so an unsubscribe link works in any process, whatever it
        # has imported, and the outbox imports no app.
        autodiscover_modules("notifications")

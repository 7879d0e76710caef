"""A locmem mail backend that fails as a real SMTP server can, on demand."""

from django.core.mail.backends.locmem import EmailBackend


class FailingBackend(EmailBackend):
    """Raises the exceptions in ``failures`` (class-wide, in order), one per
    send, then delivers normally to ``mail.outbox``."""

    failures: list[Exception] = []

    def send_messages(self, messages):
        if FailingBackend.failures:
            raise FailingBackend.failures.pop(0)
        return super().send_messages(messages)

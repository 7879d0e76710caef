"""Mail backends that behave as real servers and providers can."""

from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.message import AnymailRecipientStatus
from django.core.mail.backends.locmem import EmailBackend


class FailingBackend(EmailBackend):
    """Raises ``failures[address]`` (a list, first first) when sending to
    ``address``, then delivers normally to ``mail.outbox``."""

    failures: dict[str, list[Exception]] = {}

    def send_messages(self, messages):
        for message in messages:
            waiting = FailingBackend.failures.get(message.to[0])
            if waiting:
                raise waiting.pop(0)
        return super().send_messages(messages)


class CountingBackend(EmailBackend):
    """Counts the connections opened, keeping one open as Django's SMTP
    backend does: send_messages opens one if none is, and closes it after."""

    opened = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_open = False

    def open(self):
        if self.is_open:
            return False
        CountingBackend.opened += 1
        self.is_open = True
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        new = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if new:
                self.close()


class ProviderBackend(AnymailTestBackend):
    """Anymail's test backend with the provider's own message ids, refusing
    the addresses in ``refuse`` as a provider rejects an address."""

    refuse: set[str] = set()

    def get_esp_message_id(self, message):
        return f"esp-{super().get_esp_message_id(message)}"

    def post_to_esp(self, payload, message):
        response = super().post_to_esp(payload, message)
        for address in payload.recipient_emails:
            if address in ProviderBackend.refuse:
                response["recipient_status"][address] = AnymailRecipientStatus(message_id=None, status="rejected")
        return response

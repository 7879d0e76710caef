"""The ways a message can go, each a small module with one function,
``send(messages, contents)``, that yields ``(message, Outcome)`` for each
message in turn. Post has none: the outbox lists it for a mailing house."""

from unionhall.outbox.channels import email, text
from unionhall.outbox.channels.base import Outcome

CHANNELS = {"email": email.send, "text": text.send}

__all__ = ["CHANNELS", "Outcome"]

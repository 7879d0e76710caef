"""Text messages, through a backend chosen by the ``SMS_BACKEND`` setting,
as Django does for email. A provider (GOV.UK Notify, an SMS gateway) plugs in
as a class with ``send_messages(messages) -> int``; the demo writes files and
the tests keep an outbox in memory."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list["TextMessage"] = []  # the locmem backend's, for tests


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class FileBackend:
    """One file per batch in ``SMS_FILE_PATH`` (var/sms/ by default)."""

    def send_messages(self, messages: list[TextMessage]) -> int:
        folder = Path(getattr(settings, "SMS_FILE_PATH", settings.VAR_DIR / "sms"))
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"To: {m.to}\n{m.body}\n" for m in messages]
        (folder / f"{dt.datetime.now():%Y%m%d-%H%M%S-%f}.txt").write_text("\n".join(lines), encoding="utf-8")
        return len(messages)


class LocmemBackend:
    def send_messages(self, messages: list[TextMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def send_texts(messages: list[TextMessage]) -> int:
    if not messages:
        return 0
    return import_string(getattr(settings, "SMS_BACKEND", "unionhall.sms.FileBackend"))().send_messages(messages)

"""Text messages, through the provider's backend (``unionhall.sms``). That
interface says only whether a batch went, so a failure is taken as passing
and the batch is tried again later."""

from unionhall.outbox.channels.base import Outcome, fill
from unionhall.sms import TextMessage, send_texts


def send(messages, contents):
    texts = [TextMessage(m.address, fill(contents[m.content_id].text, m.fields)) for m in messages]
    try:
        send_texts(texts)
    except Exception as exc:  # noqa: BLE001  whatever the provider raised is recorded on each message
        for message in messages:
            yield message, Outcome.of(Outcome.TRANSIENT, exc)
        return
    for message in messages:
        yield message, Outcome.sent()

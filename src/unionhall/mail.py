"""Mail goes out through the task queue, never in the request that causes it.

A request then answers in the same time whether or not a message was sent
(so a sign-in form does not reveal, by its speed, who is a member), a slow or
failed mail server cannot fail a vote, and a worker retries what fails.
Enqueue inside the transaction that decides to send: with the database
backend the message is queued only if that transaction commits.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_email(*, subject: str, body: str, to: list[str], html: str = "", from_email: str | None = None, headers: dict | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def queue_email(*, subject: str, body: str, to: list[str], html: str = "", from_email: str | None = None, headers: dict | None = None) -> None:
    """Queue one message. An immediate backend (the demo, the tests) sends at
    once; a failure there is logged, not raised, as a worker would."""
    try:
        send_email.enqueue(subject=subject, body=body, to=to, html=html, from_email=from_email, headers=headers)
    except Exception:
        logger.warning("could not send or queue an email to %d recipient(s)", len(to), exc_info=True)


def queue_message(message) -> None:
    """Queue an already-built EmailMessage (allauth builds its own)."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    if getattr(message, "content_subtype", "plain") == "html":
        html, body = message.body, ""
    else:
        body = message.body
    queue_email(subject=message.subject, body=body, to=list(message.to), html=html, from_email=message.from_email,
                headers=dict(message.extra_headers))  # fmt: skip

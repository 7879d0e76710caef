"""Sending campaign mail in bursts. A letter confirmed queues its two
emails (to the recipient, and the writer's copy) in the outbox without a
task each; the first confirm of a burst enqueues ``deliver_letters``, and
the confirms after it, while that task waits, enqueue nothing
(Campaign.delivery_queued_at). The task clears the mark before it reads
the queue, so a letter queued after the read enqueues the next task; then
it hands every queued letter email to the outbox's sender in its batches
(500 over one SMTP connection each). The outbox claims each message before
sending it, so a message read by two tasks is still sent once, and its
``send_due`` job sends anything a lost task left queued."""

from django.db import transaction
from django_tasks import task

TOPICS = ("campaign_letter", "campaign_copy")  # services.TOPIC_LETTER, services.TOPIC_COPY


@task()
def deliver_letters(*, campaign_id: int) -> int:
    """Send the campaigns' queued letters and copies; the number handed to the sender."""
    from django.utils import timezone

    from unionhall.campaigns.models import Campaign
    from unionhall.outbox import sending
    from unionhall.outbox.models import Message, Status

    with transaction.atomic():
        Campaign.objects.filter(pk=campaign_id).update(delivery_queued_at=None)
    due = Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=timezone.now(), topic__in=TOPICS)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    sending.send_soon(ids)
    return len(ids)

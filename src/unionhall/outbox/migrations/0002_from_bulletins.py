"""Bulletins' Delivery rows become outbox messages, and their bounce flags
outbox flags, keeping their ids (so a send task queued before the change
still names the right rows, and the delivery report shows the same counts).
Emails still waiting get their content when the bulletin's fan-out resumes
(bulletins.delivery.resume_fan_outs)."""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    Delivery = apps.get_model("bulletins", "Delivery")
    OldFlag = apps.get_model("bulletins", "AddressFlag")
    Message = apps.get_model("outbox", "Message")
    AddressFlag = apps.get_model("outbox", "AddressFlag")
    rows = []
    for d in Delivery.objects.order_by("pk").iterator(chunk_size=BATCH):
        rows.append(Message(
            id=d.pk, key=f"bulletin:{d.bulletin_id}:member:{d.member_id}:{d.channel}", topic="bulletin", channel=d.channel,
            status=d.status, member_id=d.member_id, address=d.address, unsubscribe="bulletins" if d.channel == "email" else "",
            about_type="bulletins.bulletin", about_id=d.bulletin_id, attempts=d.attempts, last_error=d.last_error,
            queued_at=d.queued_at, next_attempt_at=d.next_attempt_at, sent_at=d.sent_at,
        ))  # fmt: skip
        if len(rows) == BATCH:
            Message.objects.bulk_create(rows)
            rows = []
    Message.objects.bulk_create(rows)
    AddressFlag.objects.bulk_create(
        [AddressFlag(id=f.pk, member_id=f.member_id, email=f.email, key=f.email.strip().lower(), reason=f.reason, flagged_at=f.flagged_at,
                     cleared_at=f.cleared_at) for f in OldFlag.objects.order_by("pk")],
        batch_size=BATCH,
    )
    _reset_sequences(schema_editor, [Message, AddressFlag])


def backwards(apps, schema_editor):
    Delivery = apps.get_model("bulletins", "Delivery")
    OldFlag = apps.get_model("bulletins", "AddressFlag")
    Message = apps.get_model("outbox", "Message")
    AddressFlag = apps.get_model("outbox", "AddressFlag")
    messages = Message.objects.filter(about_type="bulletins.bulletin", member__isnull=False, channel__in=["email", "post"]).order_by("pk")
    rows = []
    for m in messages.iterator(chunk_size=BATCH):
        status = "bounced" if m.status == "suppressed" else m.status
        rows.append(Delivery(
            id=m.pk, bulletin_id=m.about_id, member_id=m.member_id, channel=m.channel, status=status, address=m.address[:254],
            attempts=m.attempts, last_error=m.last_error, queued_at=m.queued_at, next_attempt_at=m.next_attempt_at, sent_at=m.sent_at,
        ))  # fmt: skip
        if len(rows) == BATCH:
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    OldFlag.objects.bulk_create(
        [OldFlag(id=f.pk, member_id=f.member_id, email=f.email, reason=f.reason, flagged_at=f.flagged_at, cleared_at=f.cleared_at)
         for f in AddressFlag.objects.filter(member__isnull=False).order_by("pk")],
        batch_size=BATCH,
    )
    _reset_sequences(schema_editor, [Delivery, OldFlag])


def _reset_sequences(schema_editor, models):
    """Rows were written with their old ids: PostgreSQL's sequences must carry on after them."""
    connection = schema_editor.connection
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("outbox", "0001_initial"),
        ("bulletins", "0006_attachments"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

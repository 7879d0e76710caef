"""Delivery rows and bounce flags now live in the outbox (its migration 0002
copied them). ``Delivery`` stays as a read-only window on the outbox's
messages about bulletins: an unmanaged model over their table, so this
creates nothing in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("bulletins", "0006_attachments"),
        ("members", "0005_preferences_named_for_what_they_are"),
        ("outbox", "0002_from_bulletins"),
    ]

    operations = [
        migrations.DeleteModel(name="Delivery"),
        migrations.DeleteModel(name="AddressFlag"),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("about_type", models.CharField(max_length=60)),
                ("channel", models.CharField(choices=[("email", "Email"), ("text", "Text message"), ("post", "Post")], max_length=5)),
                ("status", models.CharField(choices=[("queued", "Queued"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed"), ("bounced", "Bounced"), ("suppressed", "Not sent: the address bounced before"), ("postal", "For post")], max_length=10)),
                ("address", models.CharField(blank=True, max_length=254)),
                ("attempts", models.PositiveSmallIntegerField()),
                ("last_error", models.CharField(blank=True, max_length=300)),
                ("queued_at", models.DateTimeField()),
                ("next_attempt_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("bulletin", models.ForeignKey(db_column="about_id", db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="deliveries", to="bulletins.bulletin")),
                ("member", models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="members.member")),
            ],
            options={
                "verbose_name_plural": "deliveries",
                "db_table": "outbox_message",
                "managed": False,
            },
        ),
    ]

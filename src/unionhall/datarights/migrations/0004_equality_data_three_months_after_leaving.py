"""Equality answers are deleted three months after a member leaves.

The first default for ``equality_data`` was 0 days ("while you consent"), and
a period of 0 is never applied, so an installation that created the row then
kept leavers' answers for ever. The default became 90 days, but periods_ensure
only creates missing rows. This moves a row HQ never changed (no updated_by)
from 0 to 90 days with the new reason; a period HQ set stays as HQ set it."""

from django.db import migrations
from django.utils import timezone

REASON = ("Kept while you consent and are a member: withdrawing consent deletes your answers at once, "
          "and they are deleted three months after you leave.")  # fmt: skip


def forwards(apps, schema_editor):
    RetentionPeriod = apps.get_model("datarights", "RetentionPeriod")
    RetentionPeriod.objects.filter(key="equality_data", days=0, updated_by__isnull=True).update(days=90, legal_reason=REASON, updated_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("datarights", "0003_register_export_lists_unconstrained")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

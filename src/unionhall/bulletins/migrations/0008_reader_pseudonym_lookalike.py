"""A unique look-alike key for pseudonyms, so none can be chosen that reads like
one already held. Filled for the pseudonyms already chosen; where two held ones
already read alike, the earlier keeps the key and the later is left without one
(both keep their pseudonym), so nothing is lost."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from unionhall.bulletins.pseudonyms import lookalike_key  # the key as the service computes it today

    Reader = apps.get_model("bulletins", "Reader")
    taken = set()
    for reader in Reader.objects.exclude(pseudonym="").order_by("pseudonym_set_at", "pk").iterator():
        key = lookalike_key(reader.pseudonym)
        if key and key not in taken:
            taken.add(key)
            Reader.objects.filter(pk=reader.pk).update(pseudonym_lookalike=key)


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0007_deliveries_and_flags_in_the_outbox")]

    operations = [
        migrations.AddField(
            model_name="reader",
            name="pseudonym_lookalike",
            field=models.CharField(blank=True, editable=False, max_length=120, null=True, unique=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

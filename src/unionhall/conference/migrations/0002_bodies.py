"""The two bodies that decide between conferences, with their quorum rule as
data: more than half of the members (half, rounded down, plus one)."""

from django.db import migrations

BODIES = [
    ("National Executive Committee", "nec", "nec_member"),
    ("Officers group", "officers", "officers_group"),
]


def create_bodies(apps, schema_editor):
    Body = apps.get_model("conference", "Body")
    for name, slug, role in BODIES:
        Body.objects.get_or_create(slug=slug, defaults={"name": name, "role": role, "quorum_numerator": 1, "quorum_denominator": 2, "quorum_plus": 1})


class Migration(migrations.Migration):
    dependencies = [("conference", "0001_initial")]

    operations = [migrations.RunPython(create_bodies, migrations.RunPython.noop)]

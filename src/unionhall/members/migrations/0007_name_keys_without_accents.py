"""Names' search keys lose their accents (``Member.name_key``): recompute the
keys of members whose names have any letter outside ASCII."""

from django.db import migrations

from unionhall.members.models import name_key


def refold(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    changed = []
    rows = Member.objects.order_by("pk").values_list("pk", "first_name", "last_name", "first_name_key", "last_name_key")
    for pk, first, last, first_key, last_key in rows.iterator(chunk_size=5000):
        if (first + last).isascii():
            continue
        new_first, new_last = name_key(first), name_key(last)
        if (new_first, new_last) != (first_key, last_key):
            changed.append(Member(pk=pk, first_name_key=new_first, last_name_key=new_last))
        if len(changed) >= 1000:
            Member.objects.bulk_update(changed, ["first_name_key", "last_name_key"])
            changed = []
    Member.objects.bulk_update(changed, ["first_name_key", "last_name_key"])


class Migration(migrations.Migration):
    dependencies = [("members", "0006_member_lapsed_on_index")]
    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]

"""Create the chain's head row, and make the entries table append-only in the
database itself, so a bug or a careless query cannot rewrite history. Someone
with the database owner's rights can still drop the trigger: the hash chain
(``verify_audit``) is what catches that."""

from django.db import migrations


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.get_or_create(id=1)


def install(apps, schema_editor):
    from unionhall.audit.guard import install_guard

    # The entries' guard alone: the heads' guard names columns added in 0003.
    install_guard(schema_editor.connection, heads=False)


def remove(apps, schema_editor):
    from unionhall.audit.guard import remove_guard

    remove_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
    ]

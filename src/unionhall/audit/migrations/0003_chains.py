"""Several chains instead of one, so audited writes stop queueing on one head.

The log as it stands becomes chain 0 and carries on: each existing entry keeps
its digest (it is marked version 1, whose canonical form is the old one) and
its place in chain 0 is its seq, which was contiguous from 1; the one head
becomes chain 0's head. Heads for the other chains are made after migrating
(apps.py), as many as UNIONHALL_AUDIT_CHAINS asks for. On PostgreSQL seq now
comes from a sequence, started after the highest seq already written.

Going back is refused once an entry was written in the new form: the old code
could not verify it.
"""

from django.db import migrations, models

SEQUENCE = "audit_entry_seq"


def number_existing_entries(apps, schema_editor):
    from unionhall.audit.guard import install_guard, remove_guard

    # Every entry so far is in the old form, in the one chain, placed by its seq.
    remove_guard(schema_editor.connection)
    apps.get_model("audit", "AuditEntry").objects.using(schema_editor.connection.alias).update(chain=0, chain_seq=models.F("seq"), version=1)
    install_guard(schema_editor.connection, heads=False)


def head_becomes_chain_0(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.using(schema_editor.connection.alias).filter(chain=1).update(chain=0)


def head_back_to_1(apps, schema_editor):
    Head = apps.get_model("audit", "AuditHead").objects.using(schema_editor.connection.alias)
    Head.exclude(chain=0).delete()
    Head.filter(chain=0).update(chain=1)


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite takes seq under its single write lock (services._next_seq)
    schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint")
    # The next nextval is one past the highest seq written, or 1 on an empty log.
    schema_editor.execute(
        f"SELECT setval('{SEQUENCE}', COALESCE(MAX(seq), 1), MAX(seq) IS NOT NULL) FROM audit_auditentry"
    )


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


def install_guards(apps, schema_editor):
    from unionhall.audit.guard import install_guard

    # Also puts back the entries' guard, which SQLite lost when it rebuilt the table.
    install_guard(schema_editor.connection)


def refuse_to_unchain(apps, schema_editor):
    from unionhall.audit.guard import install_guard

    Entry = apps.get_model("audit", "AuditEntry").objects.using(schema_editor.connection.alias)
    if Entry.exclude(version=1).exists():
        raise RuntimeError("the audit log has entries written in chains; the single-chain code cannot verify them")
    # Lift the heads' guard so chain 0's head may be renumbered back to 1.
    install_guard(schema_editor.connection, heads=False)


def reinstall_entry_guard(apps, schema_editor):
    from unionhall.audit.guard import install_guard

    install_guard(schema_editor.connection, heads=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_head_and_append_only")]

    operations = [
        # Run last when going back: SQLite's rebuilt table has lost its trigger.
        migrations.RunPython(migrations.RunPython.noop, reinstall_entry_guard),
        migrations.AddField("auditentry", "chain", models.PositiveSmallIntegerField(default=0)),
        migrations.AddField("auditentry", "chain_seq", models.PositiveBigIntegerField(default=0), preserve_default=False),
        migrations.AddField("auditentry", "version", models.PositiveSmallIntegerField(default=2)),
        migrations.AlterField(
            "auditentry",
            "action",
            models.CharField(
                choices=[
                    ("view", "viewed personal data"),
                    ("change", "changed personal data"),
                    ("export", "exported personal data"),
                    ("import", "imported the register"),
                    ("office", "changed an office"),
                    ("permission", "changed a permission"),
                    ("denied", "was refused access"),
                    ("sign_in", "signed in"),
                    ("witness", "witnessed the log's heads"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(number_existing_entries, migrations.RunPython.noop),
        migrations.AddConstraint(
            "auditentry", models.UniqueConstraint(fields=("chain", "chain_seq"), name="audit_entry_chain_position")
        ),
        migrations.RenameField("audithead", "id", "chain"),
        migrations.RenameField("audithead", "seq", "chain_seq"),
        migrations.AlterField("audithead", "chain", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
        migrations.RunPython(head_becomes_chain_0, head_back_to_1),
        migrations.RunPython(create_sequence, drop_sequence),
        migrations.RunPython(install_guards, refuse_to_unchain),
    ]

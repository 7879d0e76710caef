"""A partial GIN index over the members a register search showed, so that a
member's "Who has looked" finds the searches that listed them by index (0.17 ms)
instead of reading every search entry (154 ms at 200,000 searches; see
docs/data-rights.md and bench/bench_register_export.py --part gin).

PostgreSQL only: SQLite cannot index JSON containment, and there the searches
are read by their (subject_type, subject_id) index and tested in Python. Built
CONCURRENTLY, so a large log keeps taking audited writes while it builds (about
a minute per 200,000 searches)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_search_shown ON audit_auditentry "
    "USING gin ((detail -> 'shown') jsonb_path_ops) "
    "WHERE subject_type = 'members.register' AND subject_id = 'search'"
)
DROP = "DROP INDEX CONCURRENTLY IF EXISTS audit_search_shown"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("audit", "0003_chains")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

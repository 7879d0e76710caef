"""Full-text search of bulletins, in each database's own way (see
queries.search_bulletins):

- SQLite: an FTS5 table over title, summary and body, kept in step by
  triggers. Django rebuilds a SQLite table for some later schema changes,
  which drops its triggers: a migration that does that to bulletins_bulletin
  must run SQLITE_TRIGGERS again (test_search checks they exist).
- PostgreSQL: a GIN index on the same SearchVector expression the query uses."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SQLITE_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS bulletins_bulletin_fts USING fts5(
    title, summary, body, content='bulletins_bulletin', content_rowid='id', tokenize='porter unicode61'
)"""
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS bulletins_bulletin_fts_insert AFTER INSERT ON bulletins_bulletin BEGIN
        INSERT INTO bulletins_bulletin_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS bulletins_bulletin_fts_delete AFTER DELETE ON bulletins_bulletin BEGIN
        INSERT INTO bulletins_bulletin_fts(bulletins_bulletin_fts, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS bulletins_bulletin_fts_update AFTER UPDATE OF title, summary, body ON bulletins_bulletin BEGIN
        INSERT INTO bulletins_bulletin_fts(bulletins_bulletin_fts, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO bulletins_bulletin_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS bulletins_bulletin_fts_insert",
    "DROP TRIGGER IF EXISTS bulletins_bulletin_fts_delete",
    "DROP TRIGGER IF EXISTS bulletins_bulletin_fts_update",
    "DROP TABLE IF EXISTS bulletins_bulletin_fts",
]
PG_INDEX_NAME = "bulletin_search_gin"


def search_vector() -> SearchVector:
    """The expression queries.search_bulletins searches; the index must be on exactly this."""
    return SearchVector("title", "summary", "body", config="english")


def _pg_index():
    return GinIndex(search_vector(), name=PG_INDEX_NAME)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [SQLITE_TABLE, *SQLITE_TRIGGERS, "INSERT INTO bulletins_bulletin_fts(bulletins_bulletin_fts) VALUES ('rebuild')"]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("bulletins", "Bulletin"), _pg_index())


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("bulletins", "Bulletin"), _pg_index())


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0004_qa_events")]

    operations = [migrations.RunPython(forwards, backwards)]

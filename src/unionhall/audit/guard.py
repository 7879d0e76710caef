"""The database-level append-only guard on audit entries, as SQL per vendor.
The migration installs it; test teardown that must empty every table lifts it
and puts it back."""

from django.db import connection

GUARD_SQL = {
    "sqlite": (
        [
            """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
               BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
            """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
               BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
        ],
        ["DROP TRIGGER IF EXISTS audit_entry_no_update;", "DROP TRIGGER IF EXISTS audit_entry_no_delete;"],
    ),
    "postgresql": (
        [
            """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;""",
            # Row-level, so a statement that touches no entry (a cascade check) passes.
            """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
               FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();""",
            """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
               FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();""",
        ],
        [
            "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;",
            "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
        ],
    ),
}


def install_guard(conn=connection) -> None:
    install, _ = GUARD_SQL.get(conn.vendor, ([], []))
    remove_guard(conn)
    with conn.cursor() as cursor:
        for sql in install:
            cursor.execute(sql)


def remove_guard(conn=connection) -> None:
    _, remove = GUARD_SQL.get(conn.vendor, ([], []))
    with conn.cursor() as cursor:
        for sql in remove:
            cursor.execute(sql)

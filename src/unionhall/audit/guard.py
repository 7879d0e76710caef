"""The database-level guards on the audit log, as SQL per vendor: entries are
append-only, and a chain's head only moves forward and is never deleted.
Migrations install them; test teardown that must empty every table lifts them
and puts them back. Someone with the database owner's rights can drop them:
the hash chains and the witness statements are what catch that."""

from django.db import connection

_ENTRY_GUARD = {
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

# A head may advance (a write) but never go back, change its digest in place,
# change chain, or disappear: the moves that would hide a cut tail.
_HEAD_GOES_BACK = "NEW.chain <> OLD.chain OR NEW.chain_seq < OLD.chain_seq OR (NEW.chain_seq = OLD.chain_seq AND NEW.digest <> OLD.digest)"
_HEAD_GUARD = {
    "sqlite": (
        [
            f"""CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead WHEN {_HEAD_GOES_BACK}
                BEGIN SELECT RAISE(ABORT, 'audit heads only move forward'); END;""",
            """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
               BEGIN SELECT RAISE(ABORT, 'audit heads only move forward'); END;""",
        ],
        ["DROP TRIGGER IF EXISTS audit_head_forward_only;", "DROP TRIGGER IF EXISTS audit_head_no_delete;"],
    ),
    "postgresql": (
        [
            """CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'audit heads only move forward'; END; $$ LANGUAGE plpgsql;""",
            # The WHEN clause keeps the ordinary write (a head moving on) free of a function call.
            f"""CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead
                FOR EACH ROW WHEN ({_HEAD_GOES_BACK}) EXECUTE FUNCTION audit_head_forward_only();""",
            """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
               FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();""",
            """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead
               FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only();""",
        ],
        [
            "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_audithead;",
            "DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_audithead;",
            "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead;",
        ],
    ),
}

# Kept for readers of the entry guard alone (migration 0002 installs only it).
GUARD_SQL = _ENTRY_GUARD


def install_guard(conn=connection, *, heads: bool = True) -> None:
    """Put the guards in place (replacing any already there). ``heads=False``
    installs the entries' guard alone, for a schema from before chains."""
    remove_guard(conn)
    parts = [_ENTRY_GUARD, _HEAD_GUARD] if heads else [_ENTRY_GUARD]
    with conn.cursor() as cursor:
        for part in parts:
            for sql in part.get(conn.vendor, ([], []))[0]:
                cursor.execute(sql)


def remove_guard(conn=connection) -> None:
    """Lift every guard (a no-op where none is installed)."""
    with conn.cursor() as cursor:
        for part in (_ENTRY_GUARD, _HEAD_GUARD):
            for sql in part.get(conn.vendor, ([], []))[1]:
                cursor.execute(sql)

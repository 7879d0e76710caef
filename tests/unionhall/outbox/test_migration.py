"""Bulletins' Delivery rows and bounce flags become outbox messages and flags
under the same ids, so the delivery report counts the same and a send task
queued before the change still names the right messages. On a database of
its own: the test database is already migrated."""

import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
NOW = "2026-11-01 10:00:00"
# (id, member, channel, status, address, attempts, last_error, sent_at)
DELIVERIES = [
    (7, 1, "email", "sent", "m1@example.org", 1, "", NOW),
    (8, 2, "email", "bounced", "m2@example.org", 1, "550 no such user", NOW),
    (9, 3, "email", "queued", "m3@example.org", 2, "451 try later", None),
    (10, 3, "post", "postal", "", 0, "", None),
]


def test_deliveries_and_flags_become_outbox_messages_with_the_same_ids_and_counts(tmp_path):
    database = tmp_path / "before.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "UNIONHALL_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}"}

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env, check=True, timeout=300)

    manage("migrate", "bulletins", "0006", "-v0")
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO members_user (id, password, is_superuser, is_staff, is_active, date_joined, email) VALUES (1, '!', 0, 0, 1, ?, 'hq@example.org')", (NOW,))
        db.execute("INSERT INTO members_employer (id, name, code, kind) VALUES (1, 'E', 'e', 'national')")
        db.execute("INSERT INTO members_branch (id, name, code, employer_id, contact_email) VALUES (1, 'B', 'b', 1, '')")
        for member in (1, 2, 3):
            db.execute(
                "INSERT INTO members_member (id, membership_number, first_name, last_name, first_name_key, last_name_key, email, phone, address_line1,"
                " address_line2, town, postcode, employer_id, branch_id, grade, job_role, status, wants_email, wants_post, wants_sms, updated_at)"
                " VALUES (?, ?, 'A', 'B', 'a', 'b', ?, '', '', '', '', '', 1, 1, 'OTHER', '', 'active', 1, 0, 0, ?)",
                (member, f"M{member}", f"m{member}@example.org", NOW),
            )
        db.execute("INSERT INTO bulletins_series (id, name, slug, code_pattern, description) VALUES (1, 'Blog', 'blog', '{n}', '')")
        db.execute(
            "INSERT INTO bulletins_bulletin (id, number, title, summary, body, audience, grades, publish_at, published_at, written_at, written_by_id,"
            " series_id, by_email, released_at) VALUES (5, 1, 'Pay', 'S', 'B', 'all', '', ?, ?, ?, 1, 1, 1, ?)",
            (NOW, NOW, NOW, NOW),
        )
        db.executemany(
            "INSERT INTO bulletins_delivery (id, bulletin_id, member_id, channel, status, address, attempts, last_error, queued_at, next_attempt_at, sent_at)"
            " VALUES (?, 5, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(pk, member, channel, status, address, attempts, error, NOW, NOW, sent) for pk, member, channel, status, address, attempts, error, sent in DELIVERIES],
        )
        db.execute("INSERT INTO bulletins_addressflag (id, member_id, email, reason, flagged_at) VALUES (3, 2, 'M2@example.org', 'bounced (test)', ?)", (NOW,))
    manage("migrate", "-v0")
    with sqlite3.connect(database) as db:
        messages = db.execute(
            "SELECT id, member_id, channel, status, address, attempts, last_error, key, topic, about_type, about_id, unsubscribe, content_id"
            " FROM outbox_message ORDER BY id"
        ).fetchall()
        flags = db.execute("SELECT id, member_id, email, key, cleared_at FROM outbox_addressflag").fetchall()
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        db.execute("INSERT INTO outbox_content (text, subject, html, from_email, reply_to, headers, created_at) VALUES ('x', '', '', '', '', '{}', ?)", (NOW,))
        db.execute(
            "INSERT INTO outbox_message (key, topic, channel, status, address, fields, unsubscribe, about_type, attempts, last_error, queued_at,"
            " next_attempt_at, claim, provider_id) VALUES ('new', 'notice', 'email', 'queued', 'a@example.org', '{}', '', '', 0, '', ?, ?, '', '')",
            (NOW, NOW),
        )
        (new_id,) = db.execute("SELECT id FROM outbox_message WHERE key = 'new'").fetchone()
    assert [(m[0], m[1], m[2], m[3], m[4], m[5], m[6]) for m in messages] == [d[:7] for d in DELIVERIES]
    assert [m[7:] for m in messages] == [
        ("bulletin:5:member:1:email", "bulletin", "bulletins.bulletin", 5, "bulletins", None),
        ("bulletin:5:member:2:email", "bulletin", "bulletins.bulletin", 5, "bulletins", None),
        ("bulletin:5:member:3:email", "bulletin", "bulletins.bulletin", 5, "bulletins", None),
        ("bulletin:5:member:3:post", "bulletin", "bulletins.bulletin", 5, "", None),
    ]
    assert flags == [(3, 2, "M2@example.org", "m2@example.org", None)]
    assert "bulletins_delivery" not in tables and "bulletins_addressflag" not in tables
    assert new_id > 10  # new messages carry on after the old ids

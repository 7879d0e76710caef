"""Members correct their own contact details and preferences; every change is
audited by field name, and nobody else's record can be reached this way."""

import re

from django.core import mail
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry

FIELDS = {
    "contact-phone": "07700 900123",
    "contact-address_line1": "12 Mill Road",
    "contact-address_line2": "",
    "contact-town": "Elmwood",
    "contact-postcode": "ne1 4ab",
}


def test_a_member_updates_their_address_and_the_change_is_audited(client, people, union):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_details"), {**FIELDS, "contact-workplace": union.castle.pk})
    assert response.status_code == 302
    people.alice.refresh_from_db()
    assert (people.alice.address_line1, people.alice.postcode, people.alice.workplace) == ("12 Mill Road", "NE1 4AB", union.castle)
    entry = AuditEntry.objects.get(action=Action.CHANGE)
    assert entry.detail == {"fields": ["address_line1", "phone", "postcode", "town", "workplace"], "by": "member"}
    assert "12 Mill Road" not in str(entry.detail)


def test_a_bad_postcode_is_explained_and_nothing_saved(client, people):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_details"), {**FIELDS, "contact-postcode": "NOPE 1"})
    assert response.status_code == 200
    assert "Enter a UK postcode" in response.content.decode()
    people.alice.refresh_from_db()
    assert people.alice.address_line1 == "" and not AuditEntry.objects.filter(action=Action.CHANGE).exists()


def confirm_link(body: str) -> str:
    return re.search(r"http://testserver(/me/email/\S+/)", body).group(1)


def test_a_new_email_address_is_confirmed_from_its_own_inbox(client, people):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_email"), {"email": "Alice.New@example.org"}, follow=True)
    assert "We have sent a link to alice.new@example.org" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["alice.new@example.org"], ["a1@example.org"]]
    people.alice.refresh_from_db()
    assert people.alice.email == "a1@example.org"  # nothing changes until the link is opened
    client.get(confirm_link(mail.outbox[0].body))
    people.alice.refresh_from_db()
    assert people.alice.email == people.alice.user.email == "alice.new@example.org"
    assert AuditEntry.objects.get(action=Action.CHANGE).detail == {"fields": ["email"], "by": "member"}


def test_asking_for_a_taken_address_tells_nothing_and_changes_nothing(client, people):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_email"), {"email": "b1@example.org"}, follow=True)
    assert "We have sent a link to b1@example.org" in response.content.decode()
    # Only the owner of that inbox could open the link, and it is refused.
    response = client.get(confirm_link(mail.outbox[0].body), follow=True)
    assert "cannot be used for your account" in response.content.decode()
    people.alice.refresh_from_db()
    assert people.alice.email == "a1@example.org"


def test_a_confirmation_link_works_only_for_the_member_who_asked(client, people):
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("my_email"), {"email": "alice.new@example.org"})
    link = confirm_link(mail.outbox[0].body)
    client.logout()
    sign_in(client, people.erin, mfa=False)
    response = client.get(link, follow=True)
    assert "belongs to another account" in response.content.decode()
    people.erin.refresh_from_db()
    assert people.erin.email == "e1@example.org"


def test_a_tampered_confirmation_link_is_refused(client, people):
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("my_email"), {"email": "alice.new@example.org"})
    link = confirm_link(mail.outbox[0].body)
    response = client.get(link[:-3] + "xx/", follow=True)
    assert "not valid" in response.content.decode()


def test_a_member_cannot_move_to_another_employers_workplace(client, people, union):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_details"), {**FIELDS, "contact-workplace": union.pier.pk})
    assert response.status_code == 200
    people.alice.refresh_from_db()
    assert people.alice.workplace == union.harbour


def test_preferences_say_what_each_channel_is_for_and_are_saved(client, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("my_details")).content.decode()
    assert "Each bulletin by email" in page and "Text messages about ballots" in page and "invitations and reminders to vote" in page
    client.post(reverse("my_preferences"), {"prefs-bulletins_by_post": "on", "prefs-ballots_by_text": "on"})
    people.alice.refresh_from_db()
    assert (people.alice.bulletins_by_email, people.alice.bulletins_by_post, people.alice.ballots_by_text) == (False, True, True)
    assert AuditEntry.objects.get(action=Action.CHANGE).detail["fields"] == ["ballots_by_text", "bulletins_by_email", "bulletins_by_post"]


def test_the_migration_keeps_what_each_member_chose(tmp_path):
    """wants_email meant bulletins by email, wants_post mail-outs by post and
    wants_sms texts about ballots: each value lands on the field named for it.
    (On a database of its own: the test database is already migrated.)"""
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[3]
    database = tmp_path / "old.sqlite3"
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "UNIONHALL_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}"}

    def migrate(target: str) -> None:
        subprocess.run([sys.executable, str(repo / "manage.py"), "migrate", "members", target, "-v0"], cwd=repo, env=env, check=True, timeout=300)

    migrate("0004")
    choices = {"M1": (1, 0, 0), "M2": (0, 1, 1), "M3": (1, 1, 0), "M4": (0, 0, 1)}
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO members_employer (name, code, kind) VALUES ('E', 'e', 'national')")
        db.execute("INSERT INTO members_branch (name, code, employer_id, contact_email) VALUES ('B', 'b', 1, '')")
        for number, (email, post, sms) in choices.items():
            db.execute(
                "INSERT INTO members_member (membership_number, first_name, last_name, first_name_key, last_name_key, email, phone, address_line1,"
                " address_line2, town, postcode, employer_id, branch_id, grade, job_role, status, wants_email, wants_post, wants_sms, updated_at)"
                " VALUES (?, 'A', 'B', 'a', 'b', '', '', '', '', '', '', 1, 1, 'OTHER', '', 'active', ?, ?, ?, '2026-01-01')",
                (number, email, post, sms),
            )
    migrate("0005")
    with sqlite3.connect(database) as db:
        kept = {row[0]: tuple(row[1:]) for row in db.execute("SELECT membership_number, bulletins_by_email, bulletins_by_post, ballots_by_text FROM members_member")}
    assert kept == choices


def test_the_directory_lists_current_officers_for_members(client, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("directory")).content.decode()
    assert "Carol Cooper" in page and "Branch secretary" in page and "Bob Baker" in page
    assert "Hana Hughes" not in page  # HQ staff are not officers of the union


def test_the_directory_opens_with_the_members_own_rep_and_branch_secretary(client, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("directory")).content.decode()
    yours = page[page.index("Your rep and your branch") : page.index("</section>", page.index("Your rep and your branch"))]
    assert "Bob Baker" in yours and "Carol Cooper" in yours and "Dave" not in yours  # South's secretary is not hers


def test_the_directory_takes_the_same_few_queries_however_many_reps(client, people, union, django_assert_max_num_queries):
    from tests.unionhall.conftest import give_office, make_member
    from unionhall.members.models import Role

    for i in range(8):
        give_office(make_member(f"R{i}", union.south, union.quay), Role.WORKPLACE_REP, workplace=union.quay)
    sign_in(client, people.alice, mfa=False)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("directory")).status_code == 200

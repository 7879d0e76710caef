"""The home page brings together what a member needs next: open ballots to
vote in, the latest bulletins for them, their details and offices."""

from django.urls import reverse

from tests.unionhall.ballots.conftest import ballot, crowd, open_ballot  # noqa: F401  (fixtures)
from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.conftest import sign_in


def test_a_member_on_the_roll_is_asked_to_vote_then_told_they_have(client, open_ballot, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("home")).content.decode()
    assert "Pay offer 2026" in page and "Vote now" in page
    cast(open_ballot, people.alice)
    page = client.get(reverse("home")).content.decode()
    assert "You have voted" in page and "Vote again" in page


def test_a_member_not_on_the_roll_is_not_asked_to_vote(client, open_ballot, people):
    sign_in(client, people.frank, mfa=False)
    assert "Pay offer 2026" not in client.get(reverse("home")).content.decode()


def test_hq_lands_on_what_needs_it_and_a_member_sees_no_such_list(client, ballot, people):
    """A draft ballot waits on HQ: HQ's home page says so first; a member's says nothing of it."""
    sign_in(client, people.hq)
    page = client.get(reverse("home")).content.decode()
    assert "Needs you" in page and "1 ballot is being prepared and not yet open" in page
    client.logout()
    sign_in(client, people.alice, mfa=False)
    assert "Needs you" not in client.get(reverse("home")).content.decode()


def test_the_home_page_works_out_an_officers_remit_once(client, ballot, people):
    """Each to-do source is handed the request's remit instead of reading the
    officer's offices again (the to-do sources used to read them six times)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, people.hq)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    remit_reads = [q["sql"] for q in queries.captured_queries  # members.remit.remit_for's query
                   if q["sql"].startswith('SELECT "members_office"."role" AS "role", "members_office"."employer_id" AS "employer_id"')
                   and '"members_office"."role" IN' not in q["sql"]]  # (bargaining asks which offices bargain: another question)
    assert len(remit_reads) <= 1, remit_reads

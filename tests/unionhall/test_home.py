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

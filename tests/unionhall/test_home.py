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

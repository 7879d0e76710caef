"""A member finds their tracker in the ballot box by typing or pasting it,
instead of scrolling every code (issue 16)."""

from django.urls import reverse

from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.conftest import sign_in


def test_a_pasted_tracker_is_found_counted_and_highlighted(client, open_ballot, people):
    receipt = cast(open_ballot, people.alice).tracker
    sign_in(client, people.bob, mfa=False)
    page = client.get(reverse("ballot_board", args=[open_ballot.slug]), {"tracker": f"  {receipt.upper()} "}).content.decode()
    assert "Found and counted" in page and f'<tr id="{receipt}" class="found">' in page


def test_a_replaced_ballot_is_sealed_while_open_and_said_not_to_count_after_the_close(client, open_ballot, people):
    first = cast(open_ballot, people.alice, seed="first").tracker
    cast(open_ballot, people.alice, seed="second")
    sign_in(client, people.alice, mfa=False)
    url = reverse("ballot_board", args=[open_ballot.slug])
    while_open = client.get(url, {"tracker": first}).content.decode()
    assert "Not found." in while_open and "only your last vote" in while_open and "Found, not counted" not in while_open
    open_ballot.status = open_ballot.Status.CLOSED
    open_ballot.save(update_fields=["status"])
    after = client.get(url, {"tracker": first}).content.decode()
    assert "Found, not counted" in after and "replaced by a later vote" in after


def test_a_tracker_not_in_the_box_is_said_to_be_missing(client, open_ballot, people):
    cast(open_ballot, people.alice)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("ballot_board", args=[open_ballot.slug]), {"tracker": "not-a-tracker"}).content.decode()
    assert "Not found." in page and 'class="found"' not in page

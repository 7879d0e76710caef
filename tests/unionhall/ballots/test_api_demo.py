"""The engine's demo helpers pick the same members for the same seed."""

from unionhall.ballots import api
from unionhall.ballots.models import RollEntry


def test_demo_aliases_follow_membership_numbers_not_the_random_aliases(open_ballot):
    entries = RollEntry.objects.filter(ballot=open_ballot).select_related("member")
    by_number = [e.alias for e in sorted(entries, key=lambda e: e.member.membership_number)]
    assert len(by_number) > 10
    assert api.demo_aliases(ballot_id=open_ballot.pk) == by_number
    assert by_number != sorted(by_number)  # aliases are random: their own order would differ

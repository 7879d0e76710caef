"""The election record (docs/election-record.md): everything needed to check a
ballot's result without the server, with any sections a rule profile adds
(``ballots.hooks``: the scrutineer's postal count)."""

from unionhall.ballots import hooks
from unionhall.ballots.board import audited_ballots, board, not_counted
from unionhall.ballots.ceremony import ceremony_record_section
from unionhall.ballots.credentials import record_section as credential_record_section
from unionhall.ballots.models import Ballot, RollEntry
from unionhall.ballots.roll import roll_changes
from votecrypt import api


def ballot_record(ballot: Ballot) -> dict:
    """The election record (docs/election-record.md): everything needed to check the result."""
    roll = dict(RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).values_list("alias", "area"))
    trustees = list(ballot.trustees.all())
    shares = {}
    for t in ballot.tallies:
        got = [tr.shares[t["area"]] for tr in trustees if t["area"] in tr.shares]
        if t["area"] in ballot.counts:
            shares[t["area"]] = got[: ballot.trustee_threshold]
    return api.build_record(
        ballot.manifest, ballot.joint_key, ballot.trustee_publics, roll, board(ballot), ballot.tallies, shares,
        not_counted=not_counted(ballot), audited=audited_ballots(ballot), roll_changes=roll_changes(ballot),
        **hooks.record_extras(ballot_id=ballot.pk),  # a rule profile's sections: the postal count
        ceremony=ceremony_record_section(ballot),  # key ceremony digests and the lot seed (spec §6.8), or None
        credentials=credential_record_section(ballot),  # voter credentials (spec §10.3), or None
    )

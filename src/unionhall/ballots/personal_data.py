"""The ballot engine's personal data (issue 17): who was entitled to vote and
whether they voted, never how. Registered from BallotsConfig.ready()."""

from unionhall.personal_data import KEEP, LEGAL_OBLIGATION, LEGITIMATE_INTERESTS, NOT_FOR_PROFIT, Declaration, NoPersonalData

BALLOT_RECORD = (
    "A ballot's roll is the evidence behind its result: who was entitled and who voted must stay checkable "
    "(for a statutory ballot, TULRCA 1992 ss.227-231). How you voted is never linked to you in any export."
)

DECLARATIONS = [
    Declaration(
        model="ballots.RollEntry",
        label="Ballot rolls you were on (whether you voted, never how)",
        purpose="Ballots you were entitled to vote in",
        fields=("member", "alias", "area", "voted_at", "added_reason", "removed_reason"),
        export=("ballot__title", "ballot__opens_at", "ballot__closes_at", "area", "voted_at", "removed_at", "removed_reason"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="ballot_roll",
        owner=("member",),
        erasure=KEEP,
        keep_reason=BALLOT_RECORD,
        note="Whether you voted (voted_at), never how: the encrypted vote (ballots.Cast) is not exported.",
    ),
    Declaration(
        model="ballots.Ballot",
        label="Ballots naming you in their electorate or set up by you",
        purpose="Ballots you were entitled to vote in",
        fields=("electorate", "created_by"),
        export=("title", "status", "opens_at", "closes_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="ballot_roll",
        owner=("electorate", "created_by__member"),
        erasure=KEEP,
        keep_reason=BALLOT_RECORD,
    ),
    Declaration(
        model="ballots.Trustee",
        label="Ballot trusteeships",
        purpose="Offices you hold or held",
        fields=("user", "label"),
        export=("ballot__title", "index", "label"),
        basis=LEGAL_OBLIGATION,
        retention="ballot_roll",
        owner=("user__member",),
        erasure=KEEP,
        keep_reason="The trustees of a ballot are part of its published record.",
    ),
    Declaration(
        model="ballots.Reminder",
        label="Ballot reminders you scheduled",
        purpose="Records of your work as an officer",
        fields=("created_by",),
        export=("ballot__title", "kind", "send_at", "status"),
        basis=LEGITIMATE_INTERESTS,
        retention="office_record",
        owner=("created_by__member",),
        erasure=KEEP,
        keep_reason="Who sent a ballot's reminders is part of the ballot's record.",
    ),
    NoPersonalData("ballots.Cast", "An encrypted vote, linked to the roll only so a re-vote supersedes it; never exported."),
]

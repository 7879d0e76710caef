"""Elections' personal data (issue 17): nominations and election addresses.
Registered from ElectionsConfig.ready()."""

from django.db.models import Q

from unionhall.elections.models import Nomination
from unionhall.personal_data import KEEP, LEGAL_OBLIGATION, Declaration

RECORD = (
    "Nominations and results are the record of a union election: TULRCA 1992 Part I Chapter IV requires "
    "elections of the executive and General Secretary, and their record must survive a challenge."
)


def nominations_export(member_id: int) -> list[dict]:
    """The member's nominations, as candidate, proposer or seconder; the other
    members named are given only by role, never by name."""
    rows = []
    nominations = Nomination.objects.filter(Q(candidate=member_id) | Q(proposer=member_id) | Q(seconder=member_id))
    for n in nominations.select_related("election").order_by("nominated_at"):
        roles = [r for r, who in (("candidate", n.candidate_id), ("proposer", n.proposer_id), ("seconder", n.seconder_id)) if who == member_id]
        rows.append({
            "election": n.election.title,
            "you_were": ", ".join(roles),
            "nominated_at": n.nominated_at,
            "accepted_at": n.accepted_at,
            "election_address": n.address if "candidate" in roles else "",
            "elected": n.elected if "candidate" in roles else None,
        })  # fmt: skip
    return rows


DECLARATIONS = [
    Declaration(
        model="elections.Nomination",
        purpose="Elections you stood in or nominated for",
        fields=("candidate", "proposer", "seconder", "address", "elected"),
        export=nominations_export,
        basis=LEGAL_OBLIGATION,
        retention="election_record",
        owner=("candidate", "proposer", "seconder"),
        erasure=KEEP,
        keep_reason=RECORD,
    ),
    Declaration(
        model="elections.Election",
        purpose="Records of your work as an officer",
        fields=("created_by",),
        export=("title", "status", "declared_at"),
        basis=LEGAL_OBLIGATION,
        retention="election_record",
        owner=("created_by__member",),
        erasure=KEEP,
        keep_reason=RECORD,
    ),
]


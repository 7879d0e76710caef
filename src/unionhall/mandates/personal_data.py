"""Statutory ballots' personal data (issue 17). Registered from MandatesConfig.ready()."""

from unionhall.personal_data import KEEP, LEGAL_OBLIGATION, NOT_FOR_PROFIT, Declaration, NoPersonalData

STATUTORY = (
    "A statutory ballot's records must be kept for the scrutineer and for any challenge to the mandate "
    "(TULRCA 1992 ss.226-234; the scrutineer keeps the papers for at least six months)."
)
OFFICER_WORK = "Who recorded a statutory ballot's documents and returns is part of its record (TULRCA 1992 s.231)."

DECLARATIONS = [
    Declaration(
        model="mandates.PaperNumber",
        label="Statutory ballot paper numbers",
        purpose="Ballots you were entitled to vote in",
        fields=("member", "number"),
        export=("statutory__ballot__title", "number"),
        basis=LEGAL_OBLIGATION,
        special=NOT_FOR_PROFIT,
        retention="statutory_ballot",
        owner=("member",),
        erasure=KEEP,
        keep_reason=STATUTORY,
    ),
    Declaration(
        model="mandates.Rule",
        purpose="Records of your work as an officer",
        fields=("recorded_by",),
        export=("code", "title", "recorded_at"),
        basis=LEGAL_OBLIGATION,
        retention="office_record",
        owner=("recorded_by__member",),
        erasure=KEEP,
        keep_reason=OFFICER_WORK,
    ),
    Declaration(
        model="mandates.Document",
        purpose="Records of your work as an officer",
        fields=("issued_by",),
        export=("statutory__ballot__title", "kind", "issued_at"),
        basis=LEGAL_OBLIGATION,
        retention="statutory_ballot",
        owner=("issued_by__member",),
        erasure=KEEP,
        keep_reason=OFFICER_WORK,
    ),
    Declaration(
        model="mandates.PostalReturn",
        purpose="Records of your work as an officer",
        fields=("imported_by",),
        export=("statutory__ballot__title", "imported_at"),
        basis=LEGAL_OBLIGATION,
        retention="statutory_ballot",
        owner=("imported_by__member",),
        erasure=KEEP,
        keep_reason=OFFICER_WORK,
    ),
    NoPersonalData(
        "mandates.StatutoryBallot",
        "The employer's and the independent scrutineer's business names and addresses, as the statutory notices state them.",
    ),
    NoPersonalData("mandates.Profile", "A rule profile's name."),
]

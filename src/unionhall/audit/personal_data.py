"""The audit log's personal data (issue 17). Registered from AuditConfig.ready()."""

from unionhall.personal_data import KEEP, LEGAL_OBLIGATION, Declaration

DECLARATIONS = [
    Declaration(
        model="audit.AuditEntry",
        label="Things you did in the system",
        purpose="What you did in the union's system (the audit log)",
        fields=("actor", "actor_label", "subject_type", "subject_id", "detail"),
        export=("at", "action", "subject_type", "subject_id", "detail"),
        basis=LEGAL_OBLIGATION,
        retention="audit_entry",
        owner=("actor__member",),
        third_party=("subject_type", "subject_id", "detail"),
        erasure=KEEP,
        keep_reason="The audit log is append-only and hash-chained: it is the evidence of who read or changed "
                    "members' data (UK GDPR Art. 5(2), accountability), and removing an entry would break it.",
        note="Entries about you written by others are shown under \"Who has looked at my record\".",
    ),
]

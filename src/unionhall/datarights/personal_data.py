"""This app's own personal data (issue 17): requests made under data rights,
exports, and which privacy notices a member was shown."""

from unionhall.personal_data import KEEP, LEGAL_OBLIGATION, Declaration, NoPersonalData

RECORD = "How a data-rights request was answered must be shown if the member or the ICO asks (Art. 5(2))."

DECLARATIONS = [
    Declaration(
        model="datarights.SubjectAccessRequest", purpose="Your data-rights requests",
        fields=("member", "received_on", "identity_note", "recorded_by", "sent_by"),
        export=("channel", "received_on", "identity_checked_on", "extended", "due_on", "sent_on"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("member",), erasure=KEEP, keep_reason=RECORD,
    ),
    Declaration(
        model="datarights.ErasureRequest", purpose="Your data-rights requests",
        fields=("member", "requested_at", "decided_by"), export=("requested_at", "status", "decided_at"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("member",), erasure=KEEP, keep_reason=RECORD,
    ),
    Declaration(
        model="datarights.Export", purpose="Your data-rights requests",
        fields=("member", "requested_by", "started_at"), export=("started_at", "finished_at", "fmt", "rows"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("member",),
    ),
    Declaration(
        model="datarights.NoticeShown", purpose="Your data-rights requests",
        fields=("user", "notice", "shown_at"), export=("notice__version", "shown_at"),
        basis=LEGAL_OBLIGATION, retention="data_rights", owner=("user__member",), erasure=KEEP,
        keep_reason="Shows the union told you how it uses your data (Arts. 13-14).",
    ),
    Declaration(
        model="datarights.PrivacyNotice", purpose="Records of your work as an officer",
        fields=("published_by",), export=("version", "published_at"),
        basis=LEGAL_OBLIGATION, retention="office_record", owner=("published_by__member",), erasure=KEEP,
        keep_reason="Who published each version of the notice is part of its record.",
    ),
    Declaration(
        model="datarights.RetentionPeriod", purpose="Records of your work as an officer",
        fields=("updated_by",), export=("key", "days", "updated_at"),
        basis=LEGAL_OBLIGATION, retention="office_record", owner=("updated_by__member",), erasure=KEEP,
        keep_reason="Who set the retention schedule is part of its record.",
    ),
    NoPersonalData("datarights.RetentionRun", "Counts of rows changed by kind, never whose."),
]

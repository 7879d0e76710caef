"""Campaigns' personal data (issue 17's declarations): the letters members
write, and the campaigns officers run. Registered from CampaignsConfig.ready().

A letter says its writer is in the union (special category, Art. 9(2)(d)),
so its text, signature and address are kept only for the retention
schedule's period for campaign letters (28 days unless HQ or
CAMPAIGNS_KEEP_LETTERS_DAYS says otherwise) after it is sent or refused; the
row stays, without them, for the count by constituency. A request for help
goes the same period after it was dealt with. Evidence goes when its call's
own time runs out (evidence.evidence_forget), replies the writer kept when
they untick them."""

from unionhall.personal_data import (ANONYMISE, CONSENT, DELETE, KEEP, LEGITIMATE_INTERESTS, NOT_FOR_PROFIT, Declaration, NoPersonalData,
                                     RetentionRule, officer_record)  # fmt: skip


def _letters_due(before, after_id, limit):
    from unionhall.campaigns.services import letters_kept_due

    return letters_kept_due(before, after_id, limit)


def _letters_forget(ids):
    from unionhall.campaigns.services import letters_kept_forget

    return letters_kept_forget(ids)


def _help_due(before, after_id, limit):
    from unionhall.campaigns.helping import help_done_due

    return help_done_due(before, after_id, limit)


def _help_delete(ids):
    from unionhall.campaigns.helping import help_done_delete

    return help_done_delete(ids)


def _erase_letters(member_id: int) -> int:
    """Forget the text and address of every letter the member wrote."""
    from unionhall.campaigns.services import letters_erase

    return letters_erase(member_id=member_id)


def _erase_evidence(member_id: int) -> int:
    """Delete the member's named evidence and its files. Evidence they kept
    from officers is linked to no one, so it cannot be found by member: only
    its receipt code finds it."""
    from unionhall.campaigns.evidence import submissions_erase

    return submissions_erase(member_id=member_id)


def _erase_reply_files(member_id: int) -> int:
    """Delete the replies the member uploaded (the files once the erasure commits)."""
    from django.db import transaction

    from unionhall.campaigns.models import Letter
    from unionhall.campaigns.stored_files import drop_reply_files

    with transaction.atomic():
        dropped = sum(drop_reply_files(letter) for letter in Letter.objects.filter(member_id=member_id, reply_files__isnull=False).distinct())
        Letter.objects.filter(member_id=member_id, reply_kept=True, reply_text="").update(reply_kept=False)
        return dropped


def _erase_help(member_id: int) -> int:
    """Delete the member's requests for help with a letter."""
    from unionhall.campaigns.helping import help_erase

    return help_erase(member_id=member_id)


EVIDENCE_KEPT = (
    "The call's page tells you when it goes, before you send it. The count of submissions and the record of any pack "
    "sent to a consultation stay. Evidence you kept from officers is stored with no link to you, so it is not in this "
    "export: your receipt code finds it."
)

DECLARATIONS = [
    Declaration(
        model="campaigns.Letter",
        purpose="Letters you wrote in campaigns",
        fields=("member", "body", "signed_name", "address", "recipient_name", "recipient_email", "constituency_code", "constituency_name"),
        export=("campaign__title", "status", "recipient_name", "constituency_name", "body", "signed_name", "address", "written_at", "sent_at"),
        basis=CONSENT,
        special=NOT_FOR_PROFIT,
        retention="campaign_letter",
        owner=("member",),
        recipients="The person you wrote to; officers who run the campaign see a letter only if it was held as very like another",
        erasure=ANONYMISE,
        erase=_erase_letters,
        note="After that only whom it went to is kept, for the count. A reply you asked us to keep stays until you untick it.",
    ),
    Declaration(
        model="campaigns.Submission",
        purpose="Evidence you sent to calls for evidence",
        fields=("member", "text"),
        export=("campaign__title", "text", "consent_quote", "consent_name", "tags", "submitted_at"),
        basis=CONSENT,
        special=NOT_FOR_PROFIT,
        retention="campaign_evidence",
        owner=("member",),
        recipients="Officers who run the call; a pack for a consultation quotes it only if you agreed, and names you only if you agreed",
        erase=_erase_evidence,
        note=EVIDENCE_KEPT,
    ),
    Declaration(
        model="campaigns.ReplyFile",
        purpose="Letters you wrote in campaigns",
        label="Replies you uploaded",
        fields=("file",),
        export=("letter__campaign__title", "letter__recipient_name", "kind", "size", "uploaded_at"),
        basis=CONSENT,
        special=NOT_FOR_PROFIT,
        retention="campaign_reply",
        owner=("letter__member",),
        recipients="Officers who run the campaign and whose remit covers you",
        erase=_erase_reply_files,
        note="Kept only because you agreed; deleted when you untick that, say no reply came, delete the letter, or ask us to erase your letters.",
    ),
    Declaration(
        model="campaigns.HelpRequest",
        purpose="Letters you wrote in campaigns",
        label="Help you asked for with a letter",
        fields=("member", "how", "note"),
        export=("campaign__title", "how", "note", "asked_at", "done_at"),
        basis=CONSENT,
        special=NOT_FOR_PROFIT,
        retention="campaign_letter",
        owner=("member",),
        recipients="Officers who run the campaign and whose remit covers you",
        erase=_erase_help,
    ),
    officer_record(
        "campaigns.PackRecord", ("exported_by",), ("campaign__title", "format", "submissions", "exported_at"), ("exported_by__member",),
        "That a pack of evidence went to a consultation, and who sent it, is the campaign's record; it holds no member's evidence.",
    ),
    NoPersonalData(
        "campaigns.SeatTally",
        "Counts of letters sent to a recipient (an MP or a named office holder, as addressed) in a constituency; no writer.",
    ),
    Declaration(
        model="campaigns.Supporter",
        purpose="Records of your work as an officer",
        fields=("marked_by",),
        export=("campaign__title", "constituency_code", "marked_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="office_record",
        owner=("marked_by__member",),
        erasure=KEEP,
        keep_reason="Which MP an officer marked as supporting a campaign is the campaign's record.",
    ),
    Declaration(
        model="campaigns.Campaign",
        purpose="Records of your work as an officer",
        fields=("created_by",),
        export=("title", "created_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="office_record",
        owner=("created_by__member",),
        erasure=KEEP,
        keep_reason="A campaign's record says who ran it; the campaign itself holds no member's data.",
    ),
    RetentionRule(
        key="campaign_letter",
        model="campaigns.Letter",
        action=ANONYMISE,
        event="the day the letter was sent (a refused one: the day it was written)",
        due=_letters_due,
        apply=_letters_forget,
        keeps="where each letter went and whether a reply came, for the counts by constituency",
    ),
    RetentionRule(
        key="campaign_letter",
        model="campaigns.HelpRequest",
        action=DELETE,
        event="the day the request was marked done; one still waiting is kept",
        due=_help_due,
        apply=_help_delete,
    ),
]

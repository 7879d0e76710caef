"""Campaigns' personal data (issue 17's declarations): the letters members
write, and the campaigns officers run. Registered from CampaignsConfig.ready().

A letter says its writer is in the union (special category, Art. 9(2)(d)),
so its text, signature and address are kept only until
CAMPAIGNS_KEEP_LETTERS_DAYS after it is sent or refused (services.letters_forget,
a periodic job); the row stays, without them, for the count by constituency."""

from unionhall.personal_data import ANONYMISE, CONSENT, KEEP, LEGITIMATE_INTERESTS, NOT_FOR_PROFIT, Declaration


def _erase_letters(member_id: int) -> int:
    """Forget the text and address of every letter the member wrote."""
    from unionhall.campaigns.services import letters_erase

    return letters_erase(member_id=member_id)


DECLARATIONS = [
    Declaration(
        model="campaigns.Letter",
        purpose="Letters you wrote in campaigns",
        fields=("member", "body", "signed_name", "address", "recipient_name", "recipient_email", "constituency_code", "constituency_name"),
        export=("campaign__title", "status", "recipient_name", "constituency_name", "body", "signed_name", "address", "written_at", "sent_at"),
        basis=CONSENT,
        special=NOT_FOR_PROFIT,
        retention="delivery_record",
        owner=("member",),
        recipients="The person you wrote to; officers who run the campaign see a letter only if it was held as very like another",
        erasure=ANONYMISE,
        erase=_erase_letters,
        note="Kept in full only until CAMPAIGNS_KEEP_LETTERS_DAYS (90 unless set) after it was sent; then only whom it went to, for the count.",
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
]

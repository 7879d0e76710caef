"""After a letter is sent: did its recipient reply? And which MPs already
support the campaign (so members are not asked to write to them).

``letters_ask_replies`` is the periodic job: two weeks after a letter went,
its writer is asked (once: the email's key is the letter) whether they got a
reply. The member answers on a signed-in page; the reply's text is kept only
if they tick that we may keep it, and so is a reply they upload (a PDF, or a
photo of the letter: checked to be what it claims and re-encoded without
its metadata, as evidence is, by evidence.check_file)."""

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.campaigns import constituencies, tallies
from unionhall.campaigns.evidence import Upload, check_file
from unionhall.campaigns.models import Campaign, Letter, ReplyFile, Supporter
from unionhall.campaigns.stored_files import drop_reply_files
from unionhall.mail import queue_email
from unionhall.members.models import Member
from unionhall.members.remit import Remit
from unionhall.outbox.links import site_url
from unionhall.refusals import Refused

TOPIC_ASK_REPLY = "campaign_reply_ask"
ASK_AFTER = dt.timedelta(days=14)
REPLY_MAX_CHARS = 20_000
ANSWERED = ("yes", "partly", "no")
MAX_REPLY_FILES = 3  # a letter's pages, photographed, or one PDF
MAX_REPLY_BYTES = 20 * 1024 * 1024  # all of a letter's reply files together


def letters_ask_replies(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """The periodic job (daily): ask each writer of a letter sent at least two
    weeks ago, and not yet asked, whether it was answered. Safe to run again:
    a letter is marked asked in the transaction that queues the email, and the
    email's key is the letter's, so it is sent once. Returns how many were asked."""
    now = now or timezone.now()
    due = Letter.objects.filter(status=Letter.Status.SENT, reply_asked_at__isnull=True, sent_at__lte=now - ASK_AFTER)
    asked = 0
    while ids := list(due.order_by("pk").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            letters = list(Letter.objects.select_for_update().select_related("campaign", "member").filter(pk__in=ids, reply_asked_at__isnull=True))
            tallies.writers_asked(letters)
            for letter in letters:
                letter.reply_asked_at = now
                letter.save(update_fields=["reply_asked_at"])
                if not letter.member.email:
                    continue
                link = site_url(reverse("campaigns_letter_reply", args=[letter.pk]))
                queue_email(
                    subject=f"Did {letter.recipient_name} reply to your letter?", to=[letter.member.email],
                    member_id=letter.member_id, topic=TOPIC_ASK_REPLY, key=f"{TOPIC_ASK_REPLY}:{letter.pk}", about=letter,
                    body=(
                        f"Two weeks ago your letter in the campaign \"{letter.campaign.title}\" went to {letter.recipient_name}.\n\n"
                        f"Did they reply? Tell us in a minute (after signing in):\n{link}\n\n"
                        "Knowing who answers, and whether they answered the points, tells the campaign where to press next."
                    ),
                )  # fmt: skip
                asked += 1
    return asked


@dataclass(frozen=True)
class ReplyAnswer:
    got_reply: bool
    after_days: int | None = None
    answered: str = ""
    text: str = ""
    keep_text: bool = False  # consent to keep the reply: its text and any files
    uploads: tuple[Upload, ...] = ()


def check_reply(*, member: Member, letter_id: int, answer: ReplyAnswer) -> tuple[Letter, list]:
    """The letter, and the uploaded files as they will be stored; or Refused."""
    letter = Letter.objects.select_related("campaign").filter(pk=letter_id, member=member).first()
    if letter is None:
        raise Refused("No such letter.", status=404)
    if letter.status != Letter.Status.SENT:
        raise Refused("Only a letter that was sent can have a reply.", status=409)
    if answer.got_reply:
        if answer.after_days is None or not 0 <= answer.after_days <= 365:
            raise Refused("Say after how many days the reply came (0 to 365).")
        if answer.answered not in ANSWERED:
            raise Refused("Say whether the reply answered the points you made.")
    if len(answer.text) > REPLY_MAX_CHARS:
        raise Refused(f"The reply is {len(answer.text):,} characters long; paste at most {REPLY_MAX_CHARS:,}.", status=413)
    if answer.text.strip() and not answer.keep_text:
        raise Refused("You pasted the reply but did not say we may keep it. Tick the box, or clear the text.")
    if not answer.uploads:
        return letter, []
    if not answer.got_reply:
        raise Refused("You said no reply came, so there is nothing to attach. Choose \"Yes, they replied\" to add it.")
    if not answer.keep_text:
        raise Refused("You attached the reply but did not say we may keep it. Tick the box, or leave the file out.")
    have = letter.reply_files.count()
    if have + len(answer.uploads) > MAX_REPLY_FILES:
        raise Refused(f"Attach at most {MAX_REPLY_FILES} files to a reply" + (f"; you have {have} already." if have else "."))
    if sum(len(u.data) for u in answer.uploads) > MAX_REPLY_BYTES:
        raise Refused(f"The files come to more than {MAX_REPLY_BYTES // (1024 * 1024)} MB together.", status=413)
    return letter, [check_file(u) for u in answer.uploads]





@transaction.atomic
def letter_reply_record(*, member: Member, letter_id: int, answer: ReplyAnswer) -> Letter:
    """Record whether the letter was answered (the member may change their
    answer). The reply's text is stored only with the member's consent."""
    _, checked = check_reply(member=member, letter_id=letter_id, answer=answer)
    letter = Letter.objects.select_for_update().get(pk=letter_id)
    before = Letter(got_reply=letter.got_reply, reply_answered=letter.reply_answered, reply_after_days=letter.reply_after_days)
    letter.got_reply = answer.got_reply
    letter.reply_after_days = answer.after_days if answer.got_reply else None
    letter.reply_answered = answer.answered if answer.got_reply else ""
    letter.reply_text = answer.text.strip() if answer.got_reply and answer.keep_text else ""
    letter.reply_recorded_at = timezone.now()
    letter.save(update_fields=["got_reply", "reply_after_days", "reply_answered", "reply_text", "reply_recorded_at"])
    tallies.reply_changed(before, letter)
    if not (answer.got_reply and answer.keep_text):
        drop_reply_files(letter)  # no reply after all, or consent withdrawn: the files go too
    for c in checked:
        file = ReplyFile(letter=letter, kind=c.kind, size=len(c.data), uploaded_at=letter.reply_recorded_at)
        file.file.save("reply", ContentFile(c.data), save=False)
        file.save()
    letter.reply_kept = bool(letter.reply_text) or letter.reply_files.exists()
    letter.save(update_fields=["reply_kept"])
    audit_record(actor=member.user, action=Action.CHANGE, subject=letter,
                 detail={"letter": "reply recorded", "kept_text": bool(letter.reply_text), "files": len(checked)})  # fmt: skip
    return letter


# --- Officers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Responsiveness:
    code: str
    name: str  # the recipient as letters were addressed
    constituency: str
    sent: int
    asked: int
    answered_by_member: int  # members who told us either way
    replies: int
    answered_points: int
    mean_days: float | None
    supporting: bool
    now: str = ""  # the seat's MP today, when not the one these letters went to (a by-election)


def responsiveness(campaign: Campaign, *, tallies: list[tuple] | None = None, supporting: set[str] | None = None) -> list[Responsiveness]:
    """For each recipient of the campaign's letters: letters sent, replies
    reported, how fast and whether they answered the points; most letters
    first. Two queries (the kept tallies, a row a recipient; the supporters)."""
    from unionhall.campaigns.services import seat_tallies  # services imports nothing of this module

    rows = [
        {"constituency_code": code, "recipient_name": name, "constituency_name": seat, "sent": sent, "asked": asked, "told": told,
         "replies": replied, "points": points, "days": days / replied if replied else None}
        for code, name, seat, sent, asked, told, replied, points, days in (seat_tallies(campaign) if tallies is None else tallies)
    ]  # fmt: skip
    if supporting is None:
        supporting = set(campaign.supporters.values_list("constituency_code", flat=True))
    reps = constituencies.representatives()

    def now(code: str, name: str) -> str:
        rep = reps.get(code)
        return rep.title if rep and rep.title != name else ""

    return [
        Responsiveness(
            code=r["constituency_code"], name=r["recipient_name"], constituency=r["constituency_name"], sent=r["sent"],
            asked=r["asked"], answered_by_member=r["told"], replies=r["replies"], answered_points=r["points"],
            mean_days=r["days"], supporting=r["constituency_code"] in supporting,
            now=now(r["constituency_code"], r["recipient_name"]) if r["constituency_code"] else "",
        )
        for r in rows
    ]  # fmt: skip


def replies_kept(*, remit: Remit, campaign: Campaign, limit: int = 50) -> list[Letter]:
    """Replies members pasted or uploaded and agreed we keep, of members
    within the officer's remit, newest first, with their files."""
    return list(
        Letter.objects.filter(remit.members_q("member__"), campaign=campaign, reply_kept=True)
        .select_related("member").prefetch_related("reply_files").order_by("-reply_recorded_at", "-pk")[:limit]
    )  # fmt: skip


def replies_kept_count(*, remit: Remit, campaign: Campaign) -> int:
    """How many replies members shared (within the remit): one query, on a
    partial index of the letters whose reply is kept."""
    return Letter.objects.filter(remit.members_q("member__"), campaign=campaign, reply_kept=True).count()


@transaction.atomic
def supporter_set(*, user, remit: Remit, campaign: Campaign, constituency_code: str, supporting: bool) -> bool:
    """Mark (or unmark) a constituency's MP as already supporting the
    campaign. Returns whether they are now marked."""
    from unionhall.campaigns.services import check_run  # services imports nothing of this module

    check_run(remit=remit, campaign=campaign)
    if campaign.target != Campaign.Target.MP:
        raise Refused("Only a campaign to members' MPs has MPs to mark.", status=409)
    if constituency_code not in constituencies.representatives():
        raise Refused("No such constituency.")
    if supporting:
        Supporter.objects.get_or_create(
            campaign=campaign, constituency_code=constituency_code, defaults={"marked_by": user, "marked_at": timezone.now()}
        )
    else:
        Supporter.objects.filter(campaign=campaign, constituency_code=constituency_code).delete()
    audit_record(actor=user, action=Action.CHANGE, subject=campaign, detail={"supporter": constituency_code, "supporting": supporting})
    return supporting

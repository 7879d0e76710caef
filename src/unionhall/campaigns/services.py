"""Campaigns and letters: each ``check_*`` raises ``Refused`` having changed
nothing; each action runs in one transaction, with its audit entry and the
mail it decides to send (queued in the outbox, sent after the commit).

A letter goes: written (unconfirmed, a link emailed to the member) ->
confirmed from the link -> sent, or held if it is very like a letter already
sent in the campaign (an officer then sends or refuses it). Withdrawn at any
point before it is sent."""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from unionhall import personal_data
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.campaigns import constituencies, likeness, tallies
from unionhall.campaigns.stored_files import drop_reply_files
from unionhall.campaigns.models import LETTER_MAX_CHARS, BranchTally, Campaign, Letter, LetterSketch, SeatTally
from unionhall.mail import queue_email
from unionhall.members.models import Branch, Grade, Member
from unionhall.members.remit import Remit
from unionhall.outbox.links import site_url
from unionhall.refusals import Refused

TOPIC_CONFIRM = "campaign_confirm"
TOPIC_LETTER = "campaign_letter"
TOPIC_COPY = "campaign_copy"
CONFIRM_DAYS = 7  # an unconfirmed letter's link works this long
BLANK = re.compile(r"\[[^\[\]\n]{1,60}\]")
NOT_DELIVERED_DOMAIN = "letters.invalid"


def _now() -> dt.datetime:
    return timezone.now()


def delivering() -> bool:
    """Whether letters go to their recipients. Off unless the site sets
    CAMPAIGNS_DELIVER_LETTERS: a test or demo site must never write to 650
    real MPs, so there each letter is addressed to letters.invalid instead."""
    return bool(getattr(settings, "CAMPAIGNS_DELIVER_LETTERS", False))


def keep_days() -> int:
    """How long a sent letter's text and address are kept: HQ's period on the
    retention schedule (campaign_letter), which CAMPAIGNS_KEEP_LETTERS_DAYS
    sets first (28 unless set, as WriteToThem)."""
    days = personal_data.period_days("campaign_letter")
    return days if days is not None else int(getattr(settings, "CAMPAIGNS_KEEP_LETTERS_DAYS", 28))


def member_letters_per_day() -> int:
    """At most this many letters written by one member in 24 hours, in all campaigns."""
    return int(getattr(settings, "CAMPAIGNS_MEMBER_LETTERS_PER_DAY", 5))


def target_letters_per_hour() -> int:
    """At most this many letters written to one recipient in an hour, in all
    campaigns: a flood reads as a form campaign and is binned."""
    return int(getattr(settings, "CAMPAIGNS_TARGET_LETTERS_PER_HOUR", 60))


# --- Campaigns (officers) ----------------------------------------------------------------


def _branches_run_by(remit: Remit) -> set[int]:
    allowed = set(remit.branch_ids)
    if remit.employer_ids:
        allowed |= set(Branch.objects.filter(employer_id__in=remit.employer_ids).values_list("pk", flat=True))
    return allowed


def can_run(remit: Remit, branch_ids, employer_ids=()) -> bool:
    """An officer may run a campaign for every member only from HQ; a branch
    or link officer for branches within their remit; a link officer for the
    members of employers within their remit. (Grades only narrow a campaign.)"""
    branch_ids, employer_ids = set(branch_ids), set(employer_ids)
    if remit.everyone:
        return True
    if branch_ids:
        return branch_ids <= _branches_run_by(remit)
    return bool(employer_ids) and employer_ids <= set(remit.employer_ids)


def scope_of(campaign: Campaign) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The campaign's branches and employers (two queries, or none when prefetched)."""
    return (tuple(sorted(b.pk for b in campaign.branches.all())), tuple(sorted(e.pk for e in campaign.employers.all())))


def runs(remit: Remit, campaign: Campaign) -> bool:
    return can_run(remit, *scope_of(campaign))


def campaigns_run_by(remit: Remit) -> list[Campaign]:
    """The campaigns an officer with this remit may run (see can_run), newest
    first. Three queries (the campaigns, their branches and employers) and one for the remit."""
    campaigns = list(Campaign.objects.prefetch_related("branches", "employers").order_by("-created_at", "-pk"))
    if remit.everyone:
        return campaigns
    return [c for c in campaigns if runs(remit, c)]


@dataclass(frozen=True)
class CampaignDraft:
    title: str
    summary: str
    brief: str
    points: str
    model_letter: str
    subject: str
    target: str = Campaign.Target.MP
    target_name: str = ""
    target_email: str = ""
    branch_ids: tuple[int, ...] = ()
    employer_ids: tuple[int, ...] = ()
    grades: tuple[str, ...] = ()
    closes_on: dt.date | None = None
    kind: str = Campaign.Kind.LETTER
    evidence_prompt: str = ""
    evidence_keep_months: int = 12


def check_campaign(*, remit: Remit, draft: CampaignDraft) -> None:
    if not can_run(remit, draft.branch_ids, draft.employer_ids):
        raise Refused(
            "You can run a campaign only for branches or employers you are an officer of; a campaign for every member is run from HQ.",
            status=403,
        )
    if not set(draft.grades) <= set(Grade.values):
        raise Refused("Choose grades from the list.")
    if draft.target == Campaign.Target.NAMED and not (draft.target_name.strip() and draft.target_email.strip()):
        raise Refused("A letter to one named person needs their name and email address.")
    if draft.target not in Campaign.Target.values:
        raise Refused("Choose whom the letters go to.")
    if draft.kind not in Campaign.Kind.values:
        raise Refused("Choose whether the campaign collects letters or evidence.")
    if draft.kind == Campaign.Kind.EVIDENCE and not draft.evidence_prompt.strip():
        raise Refused("Say what evidence members are asked for.")
    if draft.kind == Campaign.Kind.LETTER and not (draft.model_letter.strip() and draft.subject.strip()):
        raise Refused("A letter campaign needs a model letter and a subject line.")
    if not draft.points.strip():
        raise Refused("Give members at least one point to make in their own words.")
    if draft.closes_on and draft.closes_on < timezone.localdate(_now()):
        raise Refused("The closing date has passed already.")
    if not 1 <= draft.evidence_keep_months <= 72:
        raise Refused("Keep evidence for 1 to 72 months after the call closes.")


def _unique_slug(title: str) -> str:
    base = slugify(title)[:50] or "campaign"
    slug, n = base, 1
    while Campaign.objects.filter(slug=slug).exists() or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


RESERVED_SLUGS = {"manage", "new", "letters", "confirm", "map", "receipt", "evidence"}


@transaction.atomic
def campaign_create(*, user, remit: Remit, draft: CampaignDraft) -> Campaign:
    """A draft campaign; members see it once it is opened."""
    check_campaign(remit=remit, draft=draft)
    campaign = Campaign(
        title=draft.title.strip(), slug=_unique_slug(draft.title), summary=draft.summary.strip(), brief=draft.brief,
        points=draft.points, model_letter=draft.model_letter, subject=draft.subject.strip(), target=draft.target,
        target_name=draft.target_name.strip() if draft.target == Campaign.Target.NAMED else "",
        target_email=draft.target_email.strip() if draft.target == Campaign.Target.NAMED else "",
        closes_on=draft.closes_on, created_by=user, created_at=_now(), kind=draft.kind, evidence_prompt=draft.evidence_prompt,
        evidence_keep_months=draft.evidence_keep_months,
    )  # fmt: skip
    campaign.grades = _grades(draft.grades)
    campaign.full_clean(exclude=["branches", "employers"])
    campaign.save()
    campaign.branches.set(draft.branch_ids)
    campaign.employers.set(draft.employer_ids)
    return campaign


def _grades(grades) -> str:
    return f",{','.join(sorted(set(grades)))}," if grades else ""


@transaction.atomic
def campaign_update(*, remit: Remit, campaign: Campaign, draft: CampaignDraft) -> Campaign:
    """Change a campaign's words, target, branches or closing date. Letters
    already written keep what they were written to."""
    check_run(remit=remit, campaign=campaign)
    check_campaign(remit=remit, draft=draft)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    named = draft.target == Campaign.Target.NAMED
    for field in ("title", "summary", "subject", "target_name", "target_email"):
        setattr(campaign, field, getattr(draft, field).strip() if named or not field.startswith("target_") else "")
    campaign.brief, campaign.points, campaign.model_letter = draft.brief, draft.points, draft.model_letter
    campaign.target, campaign.closes_on = draft.target, draft.closes_on
    if campaign.kind != draft.kind and (campaign.letters.exists() or campaign.submissions.exists()):
        raise Refused("Members have written in this campaign already, so it cannot change from letters to evidence or back.", status=409)
    campaign.kind, campaign.evidence_prompt = draft.kind, draft.evidence_prompt
    if campaign.evidence_keep_months != draft.evidence_keep_months and campaign.evidence_received:
        raise Refused("Members were told how long their evidence is kept when they sent it, so that cannot change now.", status=409)
    campaign.evidence_keep_months = draft.evidence_keep_months
    campaign.grades = _grades(draft.grades)
    campaign.full_clean(exclude=["branches", "employers"])
    campaign.save()
    campaign.branches.set(draft.branch_ids)
    campaign.employers.set(draft.employer_ids)
    return campaign


def check_run(*, remit: Remit, campaign: Campaign) -> None:
    if not runs(remit, campaign):
        raise Refused("No such campaign.", status=404)


@transaction.atomic
def campaign_set_status(*, remit: Remit, campaign: Campaign, status: str) -> Campaign:
    """Open a draft, close an open campaign, or reopen a closed one."""
    check_run(remit=remit, campaign=campaign)
    allowed = {Campaign.Status.DRAFT: {Campaign.Status.OPEN}, Campaign.Status.OPEN: {Campaign.Status.CLOSED},
               Campaign.Status.CLOSED: {Campaign.Status.OPEN}}  # fmt: skip
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if status not in allowed[campaign.status]:
        raise Refused(f"A campaign that is {campaign.get_status_display().lower()} cannot become {status}.", status=409)
    campaign.status = status
    campaign.closed_at = _now() if status == Campaign.Status.CLOSED else None
    campaign.save(update_fields=["status", "closed_at"])
    return campaign


# --- Members ------------------------------------------------------------------------------


def audience_q(member: Member) -> Q:
    """Campaigns whose audience takes in ``member``: of one of its branches
    (if it names any), and of one of its employers (if any), and of one of
    its grades (if any)."""
    branches = Campaign.branches.through.objects.filter(campaign_id=OuterRef("pk"))
    employers = Campaign.employers.through.objects.filter(campaign_id=OuterRef("pk"))
    return (
        (~Exists(branches) | Exists(branches.filter(branch_id=member.branch_id)))
        & (~Exists(employers) | Exists(employers.filter(employer_id=member.employer_id)))
        & (Q(grades="") | Q(grades__contains=f",{member.grade},"))
    )


def campaigns_for(member: Member):
    """Open campaigns this member may write in (not past their closing
    date), newest first."""
    running = Q(closes_on__isnull=True) | Q(closes_on__gte=timezone.localdate(_now()))
    return Campaign.objects.filter(audience_q(member), running, status=Campaign.Status.OPEN).distinct().order_by("-created_at", "-pk")


def campaign_for(member: Member, slug: str) -> Campaign:
    """The open campaign ``slug`` if the member is in its audience; otherwise
    refused as if it did not exist."""
    campaign = campaigns_for(member).filter(slug=slug).first()
    if campaign is None:
        raise Refused("No such campaign.", status=404)
    return campaign


def current_letter(member: Member, campaign: Campaign) -> Letter | None:
    return Letter.objects.filter(campaign=campaign, member=member).exclude(status=Letter.Status.WITHDRAWN).first()


def member_address(member: Member) -> str:
    """The member's home address from the register, without the postcode
    (the form asks for it on its own)."""
    return "\n".join(line for line in (member.address_line1, member.address_line2, member.town) if line.strip())


def fill_model_letter(campaign: Campaign, member: Member, *, representative: str = "", constituency: str = "") -> str:
    """The model letter with the blanks we know filled in; the rest stay in
    brackets for the member."""
    known = {
        "[name]": member.full_name,
        "[employer]": member.employer.name,
        "[workplace]": member.workplace.name if member.workplace_id else "",
        "[representative]": representative or (campaign.target_name if campaign.target == Campaign.Target.NAMED else ""),
        "[constituency]": constituency,
    }
    text = campaign.model_letter
    for blank, value in known.items():
        if value:
            text = text.replace(blank, value)
    return text


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    constituency_code: str = ""
    constituency_name: str = ""


def recipient_for(*, campaign: Campaign, postcode: str, constituency_code: str = "") -> Recipient:
    """Whom the letter goes to. For an MP, from the postcode: refused if it is
    not a postcode, if it is split and the member has not said which
    constituency is theirs, or if the MP takes no email."""
    if campaign.target == Campaign.Target.NAMED:
        return Recipient(name=campaign.target_name, email=campaign.target_email)
    found = constituencies.find(postcode)
    if found is None:
        raise Refused("That is not a UK postcode. Write it as on your post, for example AB10 1AA.")
    if not found.candidates:
        raise Refused(f"We cannot find the constituency of {found.postcode}. Check it, or ask your branch.")
    codes = {c.representative.code for c in found.candidates}
    if not found.needs_choice:
        chosen = found.candidates[0].representative
    elif constituency_code in codes:
        chosen = constituencies.representatives()[constituency_code]
    else:
        raise Refused(f"{found.postcode} may be in more than one constituency: say which is yours.", status=422)
    if not chosen.email:
        raise Refused(
            f"{chosen.title} publishes no email address, so we cannot send your letter. "
            f"You can write through their contact page: {chosen.contact_url}",
            status=409,
        )
    return Recipient(name=chosen.title, email=chosen.email, constituency_code=chosen.code, constituency_name=chosen.constituency)


@dataclass(frozen=True)
class LetterDraft:
    body: str
    signed_name: str
    address: str
    postcode: str
    constituency_code: str = ""


def check_letter_write(*, member: Member, campaign: Campaign, draft: LetterDraft) -> Recipient:
    """Everything that must hold before a letter is saved; the recipient."""
    if campaign.status != Campaign.Status.OPEN or (campaign.closes_on and campaign.closes_on < timezone.localdate(_now())):
        raise Refused("This campaign is not taking letters.", status=409)
    if not member.email:
        raise Refused("We email you a link to confirm your letter, and have no email address for you. Add one first.", status=409)
    if current_letter(member, campaign) is not None:
        raise Refused("You have written in this campaign already. Withdraw that letter to write another.", status=409)
    body = draft.body.strip()
    if not body:
        raise Refused("Write your letter first.")
    if len(body) > LETTER_MAX_CHARS:
        raise Refused(f"Your letter is {len(body):,} characters long; keep it under {LETTER_MAX_CHARS:,}.", status=413)
    blanks = sorted(set(BLANK.findall(body)))
    if blanks:
        raise Refused(f"Fill in or remove the blanks still in your letter: {', '.join(blanks[:5])}.", status=422)
    if not draft.signed_name.strip():
        raise Refused("Sign your letter with your name.")
    if campaign.target == Campaign.Target.MP and not draft.address.strip():
        raise Refused("An MP answers only their own constituents: give your home address.")
    if campaign.kind != Campaign.Kind.LETTER:
        raise Refused("This campaign collects evidence, not letters.", status=409)
    day_ago = _now() - dt.timedelta(days=1)
    if Letter.objects.filter(member=member, written_at__gte=day_ago).count() >= member_letters_per_day():
        raise Refused(f"You have written {member_letters_per_day()} letters today, the most we send for one member in a day. "
                      "Please write again tomorrow.", status=429)  # fmt: skip
    recipient = recipient_for(campaign=campaign, postcode=draft.postcode, constituency_code=draft.constituency_code)
    if recipient.constituency_code and campaign.supporters.filter(constituency_code=recipient.constituency_code).exists():
        raise Refused(f"{recipient.name} already supports this campaign, so there is no need to write. Thank you!", status=409)
    hour_ago = _now() - dt.timedelta(hours=1)
    if Letter.objects.filter(recipient_email=recipient.email, written_at__gte=hour_ago).count() >= target_letters_per_hour():
        raise Refused(f"Many letters have gone to {recipient.name} in the last hour; to keep them read, please try again "
                      "in an hour.", status=429)  # fmt: skip
    model = fill_model_letter(campaign, member, representative=recipient.name, constituency=recipient.constituency_name)
    if likeness.own_runs(likeness.shingles(body), likeness.shingles(model)) < likeness.OWN_RUNS_AT_LEAST:
        raise Refused(
            "Your letter is still almost all the model letter. Letters in the writer's own words are the ones MPs read: "
            "add a sentence or two about your own work, and use the points as a guide.",
            status=422,
        )
    return recipient


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def letter_write(*, member: Member, campaign: Campaign, draft: LetterDraft) -> Letter:
    """Save the member's letter, unconfirmed, and email them the link that
    sends it. Nothing goes to the recipient before they confirm."""
    recipient = check_letter_write(member=member, campaign=campaign, draft=draft)
    token = secrets.token_urlsafe(24)
    address = draft.address.strip()
    postcode = constituencies.normalise_postcode(draft.postcode)
    if postcode and postcode not in address:
        address = f"{address}\n{postcode}".strip()
    letter = Letter(
        campaign=campaign, member=member, constituency_code=recipient.constituency_code,
        constituency_name=recipient.constituency_name, recipient_name=recipient.name, recipient_email=recipient.email,
        body=draft.body.strip(), signed_name=draft.signed_name.strip(), address=address, token_hash=_token_hash(token),
        written_at=_now(),
    )  # fmt: skip
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:  # a second tab got there first
        raise Refused("You have written in this campaign already. Withdraw that letter to write another.", status=409) from None
    audit_record(actor=member.user, action=Action.CHANGE, subject=letter, detail={"letter": "written", "campaign": campaign.pk})
    link = site_url(reverse("campaigns_letter_confirm", args=[token]))
    queue_email(
        subject=f"Confirm your letter to {recipient.name}", to=[member.email], member_id=member.pk, topic=TOPIC_CONFIRM,
        key=f"{TOPIC_CONFIRM}:{letter.pk}", about=letter, expires_at=letter.written_at + dt.timedelta(days=CONFIRM_DAYS),
        body=(
            f"You wrote a letter to {recipient.name} in the campaign \"{campaign.title}\".\n\n"
            f"Nothing has been sent yet. To read it once more and send it, open:\n{link}\n\n"
            f"The link works for {CONFIRM_DAYS} days. If you did not write this letter, ignore this email and nothing is sent."
        ),
    )  # fmt: skip
    return letter


def letter_by_token(token: str) -> Letter:
    """The letter an emailed link names, while it may still be confirmed."""
    letter = (
        Letter.objects.select_related("campaign", "member")
        .filter(token_hash=_token_hash(token or ""), status=Letter.Status.UNCONFIRMED, forgotten_at__isnull=True)
        .first()
    )
    if letter is None or letter.written_at < _now() - dt.timedelta(days=CONFIRM_DAYS):
        raise Refused("This link has expired or been used. Your campaign page shows where your letter is.", status=404)
    return letter


def _letter_email_body(letter: Letter) -> str:
    return (
        f"{letter.body}\n\n{letter.signed_name}\n{letter.address}\n\n"
        f"--\nWritten by {letter.signed_name}, who asked for it to be sent to you through their union's campaign "
        f"\"{letter.campaign.title}\". Reply to this email to answer them directly."
    )


def _send(letter: Letter, *, locked: bool = False) -> None:
    """Queue the letter to its recipient and a copy to the writer, and mark it sent."""
    letter.status = Letter.Status.SENT
    letter.sent_at = _now()
    letter.save(update_fields=["status", "sent_at", "decided_by"])
    tallies.letter_sent(letter, branch_id=letter.member.branch_id, locked=locked)
    LetterSketch.objects.bulk_create(LetterSketch(campaign_id=letter.campaign_id, letter=letter, hash=h) for h in sketch_of(letter))
    to = letter.recipient_email if delivering() else f"{letter.constituency_code or 'named'}.{letter.pk}@{NOT_DELIVERED_DOMAIN}"
    body = _letter_email_body(letter)
    _queue_quietly(subject=letter.campaign.subject, body=body, to=to, topic=TOPIC_LETTER, key=f"{TOPIC_LETTER}:{letter.pk}",
                   reply_to=letter.member.email, letter=letter)  # fmt: skip
    _queue_quietly(
        subject=f"Sent: your letter to {letter.recipient_name}", to=letter.member.email, member_id=letter.member_id,
        topic=TOPIC_COPY, key=f"{TOPIC_COPY}:{letter.pk}", letter=letter,
        body=f"Your letter to {letter.recipient_name} went today. This is your copy.\n\n{body}",
    )  # fmt: skip
    deliver_soon(letter.campaign_id)


def _queue_quietly(*, subject: str, body: str, to: str, topic: str, key: str, letter: Letter, reply_to: str = "", member_id: int | None = None) -> None:
    """Queue one email in the outbox (as queue_email does, under the same
    key) without a sending task of its own: deliver_soon gives a burst of
    letters one task, which sends them in the outbox's batches of 500 over
    one connection each, instead of a task and a connection per email."""
    from unionhall.outbox.models import Channel
    from unionhall.outbox.services import Recipient, content_write, messages_queue

    content = content_write(subject=subject, text=body, reply_to=reply_to)
    messages_queue(topic=topic, channel=Channel.EMAIL, content=content, about=letter, send=False,
                   recipients=[Recipient(key=f"{key}:{to.lower()}", address=to, member_id=member_id)])  # fmt: skip


def deliver_soon(campaign_id: int) -> None:
    """Enqueue the campaign's delivery task, unless one is waiting already.
    Called with the campaign's row locked (sending a letter locks it, for
    its count), so two confirms cannot both see none waiting. The task is
    enqueued in the same transaction (the database task backend writes it
    as a row), as the outbox enqueues its own."""
    from unionhall.campaigns.tasks import deliver_letters

    if Campaign.objects.filter(pk=campaign_id, delivery_queued_at__isnull=True).update(delivery_queued_at=_now()):
        deliver_letters.enqueue(campaign_id=campaign_id)


def sketch_key(campaign_id: int) -> bytes:
    """The key of a campaign's letter sketches, from the site's secret key."""
    return salted_hmac("unionhall.campaigns.letter-sketch", str(campaign_id), algorithm="sha256").digest()


def sketch_of(letter: Letter) -> tuple[int, ...]:
    """The sketch a letter leaves in its campaign's index (``likeness``):
    keyed per campaign, so the stored hashes say nothing of the words to
    anyone without the site's key. They outlive the letter's text (``_forget``):
    a copy is held whether or not the letter it copies is still kept."""
    return likeness.sketch(likeness.shingles(letter.body, key=sketch_key(letter.campaign_id)))


def most_alike(letter: Letter) -> tuple[float, int | None]:
    """The likeness of ``letter`` to the most alike letter already sent or
    held in its campaign, and that letter's id. Two queries whatever the
    number of letters: candidates sharing sketch hashes, then their sketches."""
    mine = sketch_of(letter)
    if not mine:
        return 0.0, None
    candidates = list(
        LetterSketch.objects.filter(campaign_id=letter.campaign_id, hash__in=mine)
        .exclude(letter_id=letter.pk)
        .values("letter_id").annotate(shared=Count("id")).order_by("-shared", "letter_id")
        .values_list("letter_id", flat=True)[:5]
    )  # fmt: skip
    if not candidates:
        return 0.0, None
    theirs: dict[int, list[int]] = {}
    for letter_id, h in LetterSketch.objects.filter(letter_id__in=candidates).values_list("letter_id", "hash"):
        theirs.setdefault(letter_id, []).append(h)
    best = max(((likeness.sketch_likeness(mine, hashes), letter_id) for letter_id, hashes in theirs.items()), key=lambda t: (t[0], -t[1]))
    return best


@transaction.atomic
def letter_confirm(*, token: str) -> Letter:
    """Send the letter the token names, or hold it if it is very like a
    letter already sent in the campaign. Confirms in one campaign wait for
    each other (a lock on the campaign), so two copies of one letter cannot
    both pass the check at once."""
    letter = letter_by_token(token)
    Campaign.objects.select_for_update().filter(pk=letter.campaign_id).first()
    letter = Letter.objects.select_for_update().select_related("campaign", "member").get(pk=letter.pk)
    if letter.status != Letter.Status.UNCONFIRMED:
        raise Refused("This link has expired or been used. Your campaign page shows where your letter is.", status=404)
    if letter.campaign.status != Campaign.Status.OPEN:
        raise Refused("This campaign has closed, so your letter was not sent.", status=409)
    score, like = most_alike(letter)
    letter.confirmed_at = _now()
    letter.likeness = score
    letter.like_letter_id = like
    letter.token_hash = ""
    letter.save(update_fields=["confirmed_at", "likeness", "like_letter", "token_hash"])
    if score > likeness.HOLD_ABOVE:
        letter.status = Letter.Status.HELD
        letter.save(update_fields=["status"])
        # Held letters join the index too, so a third copy is held as well.
        LetterSketch.objects.bulk_create(LetterSketch(campaign_id=letter.campaign_id, letter=letter, hash=h) for h in sketch_of(letter))
    else:
        _send(letter, locked=True)  # the campaign's row is locked above
    audit_record(actor=letter.member.user, action=Action.CHANGE, subject=letter, detail={"letter": letter.status})
    return letter


@transaction.atomic
def letter_withdraw(*, member: Member, letter_id: int) -> Letter:
    """Withdraw the member's own letter before it is sent; its text goes at once."""
    letter = Letter.objects.select_for_update().filter(pk=letter_id, member=member).first()
    if letter is None:
        raise Refused("No such letter.", status=404)
    if letter.status not in (Letter.Status.UNCONFIRMED, Letter.Status.HELD):
        raise Refused("This letter has been sent or decided already, so it cannot be withdrawn.", status=409)
    letter.status = Letter.Status.WITHDRAWN
    _forget(letter)
    audit_record(actor=member.user, action=Action.CHANGE, subject=letter, detail={"letter": "withdrawn"})
    return letter


@transaction.atomic
def letter_delete_own(*, member: Member, letter_id: int) -> Letter:
    """The member deletes their own letter now: its text, signature, address
    and any reply they shared. A sent letter still counts (that one went to a
    constituency); an unsent one is withdrawn."""
    letter = Letter.objects.select_for_update().filter(pk=letter_id, member=member).first()
    if letter is None:
        raise Refused("No such letter.", status=404)
    if letter.forgotten_at and not letter.reply_kept:
        raise Refused("This letter's text is deleted already.", status=409)
    if letter.status in (Letter.Status.UNCONFIRMED, Letter.Status.HELD):
        letter.status = Letter.Status.WITHDRAWN
    letter.reply_text, letter.reply_kept = "", False
    letter.save(update_fields=["reply_text", "reply_kept"])
    drop_reply_files(letter)
    _forget(letter)
    audit_record(actor=member.user, action=Action.CHANGE, subject=letter, detail={"letter": "deleted by its writer"})
    return letter


# --- Officers: held letters and counts -----------------------------------------------------


def held_letters(*, remit: Remit, campaign: Campaign):
    """Held letters of members within the officer's remit, oldest first."""
    return (
        Letter.objects.filter(remit.members_q("member__"), campaign=campaign, status=Letter.Status.HELD)
        .select_related("member", "like_letter")
        .order_by("written_at", "pk")
    )


@transaction.atomic
def letter_decide(*, user, remit: Remit, letter_id: int, send: bool) -> Letter:
    """An officer sends a held letter (it is the member's own after all) or
    refuses it (a copy of another's); the member is told either way."""
    letter = Letter.objects.select_for_update().select_related("campaign", "member").filter(pk=letter_id).first()
    if letter is None or not remit.covers(letter.member) or not runs(remit, letter.campaign):
        raise Refused("No such letter.", status=404)
    if letter.status != Letter.Status.HELD:
        raise Refused("This letter has been decided already.", status=409)
    letter.decided_by = user
    if send:
        _send(letter)
    else:
        letter.status = Letter.Status.REFUSED
        letter.save(update_fields=["status", "decided_by"])
        queue_email(
            subject=f"Your letter to {letter.recipient_name} was not sent", to=[letter.member.email], member_id=letter.member_id,
            topic=TOPIC_COPY, key=f"{TOPIC_COPY}:refused:{letter.pk}", about=letter,
            body=(
                f"Your letter in the campaign \"{letter.campaign.title}\" was almost the same as another letter already sent, "
                "so it was not sent: MPs set aside letters they have read before. You can withdraw it on the campaign page "
                "and write again in your own words."
            ),
        )  # fmt: skip
    audit_record(actor=user, action=Action.CHANGE, subject=letter, detail={"letter": letter.status})
    return letter


@dataclass(frozen=True)
class ConstituencyCount:
    code: str
    name: str
    letters: int


TALLY_FIELDS = ("constituency_code", "recipient_name", "constituency_name", "sent", "asked", "told", "replies", "answered_points", "reply_days")


def seat_tallies(campaign: Campaign) -> list[tuple]:
    """The campaign's kept counts by seat and recipient (TALLY_FIELDS), most
    letters first: one query of at most a row a seat. The report reads it
    once and hands it to letter_counts, responsiveness and mps_not_reached."""
    return list(
        SeatTally.objects.filter(campaign=campaign, sent__gt=0).order_by("-sent", "constituency_code", "recipient_name").values_list(*TALLY_FIELDS)
    )


def letter_counts(campaign: Campaign, *, tallies: list[tuple] | None = None) -> list[ConstituencyCount]:
    """Letters sent in the campaign by constituency, most first. One query
    (none given ``tallies``), of the kept tallies, not of the letters."""
    by_code: dict[str, int] = {}
    for row in seat_tallies(campaign) if tallies is None else tallies:
        by_code[row[0]] = by_code.get(row[0], 0) + row[3]
    reps = constituencies.representatives()
    return [
        ConstituencyCount(code=code, name=reps[code].constituency if code in reps else "(a named recipient)", letters=n)
        for code, n in sorted(by_code.items(), key=lambda item: (-item[1], item[0]))
    ]


def sent_total(campaign: Campaign) -> int:
    return SeatTally.objects.filter(campaign=campaign).aggregate(n=Sum("sent", default=0))["n"]


FEWER_THAN = 10


def shown(count: int, *, exact: bool) -> int | str:
    """A count as shown: exactly to HQ; to anyone else a count from 1 to 9 is
    "fewer than 10", so a small branch's count does not point at a member."""
    return count if exact or count == 0 or count >= FEWER_THAN else f"fewer than {FEWER_THAN}"


def shown_total(counts, *, exact: bool) -> int | str:
    """The sum of ``counts`` as shown beside them: exactly to HQ; to anyone
    else, where any of them shows as "fewer than 10", only "at least" the
    sum the reader could work out anyway (each hidden count is at least 1),
    so the exact total cannot give a hidden count away by subtraction."""
    counts = list(counts)
    hidden = [c for c in counts if shown(c, exact=exact) != c]
    if not hidden or sum(counts) < FEWER_THAN:  # "fewer than 10" already says less
        return shown(sum(counts), exact=exact)
    return f"at least {max(FEWER_THAN, sum(counts) - sum(hidden) + len(hidden))}"


def sent_total_shown(campaign: Campaign, *, exact: bool, counts=None, by_branch=None) -> int | str:
    """The letters sent, as shown wherever they are (the campaign's page and
    its report): exactly to HQ; to anyone else "fewer than 10", or, where a
    count by seat or by branch is hidden, "at least N", so that no page's total
    gives a hidden count away beside another page's parts."""
    if exact:
        return sent_total(campaign)
    counts = letter_counts(campaign) if counts is None else counts
    total = shown_total((c.letters for c in counts), exact=False)
    if isinstance(total, int):
        total = shown_total((b.letters for b in (branch_counts(campaign) if by_branch is None else by_branch)), exact=False)
    return total


@dataclass(frozen=True)
class BranchCount:
    branch: str
    letters: int


def branch_counts(campaign: Campaign) -> list[BranchCount]:
    """Letters sent in the campaign by the writer's branch (when the letter
    went), most first. One query, of the kept tallies (a row a branch)."""
    rows = (
        BranchTally.objects.filter(campaign=campaign, sent__gt=0)
        .values("branch__name").annotate(n=Sum("sent")).order_by("-n", "branch__name")
    )  # fmt: skip
    return [BranchCount(r["branch__name"] or "(no branch)", r["n"]) for r in rows]


SEATS_CACHE_SECONDS = 600


def members_by_seat(*, remit: Remit, branch_ids: tuple[int, ...] = (), employer_ids: tuple[int, ...] = (), grades: str = "") -> dict[str, int]:
    """Members (within the remit, and the campaign's audience) by the
    constituency of their home postcode's largest share. Kept in the cache
    for ten minutes: with 100,000 members it reads every postcode (about a
    second), and where members live changes slowly."""
    from django.core.cache import cache

    key = "campaigns:seats:" + hashlib.sha256(repr((remit.everyone, sorted(remit.employer_ids), sorted(remit.branch_ids),
                                                      sorted(remit.workplace_ids), branch_ids, employer_ids, grades)).encode()).hexdigest()[:32]  # fmt: skip
    where = cache.get(key)
    if where is not None:
        return where
    members = Member.objects.filter(remit.members_q()).exclude(postcode="")
    if branch_ids:
        members = members.filter(branch_id__in=branch_ids)
    if employer_ids:
        members = members.filter(employer_id__in=employer_ids)
    if grades:
        members = members.filter(grade__in=[g for g in grades.split(",") if g])
    where = {}
    for postcode in members.values_list("postcode", flat=True).iterator(chunk_size=5000):
        found = constituencies.find(postcode)
        if found and found.candidates and found.by != "northern_ireland":
            code = found.candidates[0].representative.code
            where[code] = where.get(code, 0) + 1
    cache.set(key, where, SEATS_CACHE_SECONDS)
    return where


@dataclass(frozen=True)
class Unreached:
    representative: constituencies.Representative
    members: int  # members within the remit whose home postcode is there


def mps_not_reached(*, remit: Remit, campaign: Campaign, tallies: list[tuple] | None = None, supporting: set[str] | None = None,
                    branch_ids: tuple[int, ...] | None = None, employer_ids: tuple[int, ...] | None = None) -> list[Unreached]:
    """MPs whose constituency has members of the union (within the officer's
    remit, and the campaign's branches if it has any) but no letter sent yet,
    and not marked as supporting; most members first. A member's
    constituency is their postcode's largest share (a split sector counts
    once, where most of it lies). Three queries whatever the numbers, and
    only the cache's when the report hands over what it read already."""
    if branch_ids is None:
        branch_ids = tuple(sorted(campaign.branches.values_list("pk", flat=True)))
    if employer_ids is None:
        employer_ids = tuple(sorted(campaign.employers.values_list("pk", flat=True)))
    where = members_by_seat(remit=remit, branch_ids=tuple(branch_ids), employer_ids=tuple(employer_ids), grades=campaign.grades)
    if supporting is None:
        supporting = set(campaign.supporters.values_list("constituency_code", flat=True))
    reached = {row[0] for row in (seat_tallies(campaign) if tallies is None else tallies)} | supporting
    reps = constituencies.representatives()
    return sorted((Unreached(reps[c], n) for c, n in where.items() if c not in reached), key=lambda u: (-u.members, u.representative.constituency))


# --- Delivery: bounces and failures, for the writer and the officers ------------------------

NOT_DELIVERED = ("failed", "bounced", "suppressed")


def _letter_messages():
    from unionhall.outbox.models import Message  # the foundation's outbox: what became of each email

    return Message.objects.filter(topic=TOPIC_LETTER, about_type=Letter._meta.label_lower)


def delivery_of(letter: Letter) -> tuple[str, str]:
    """What became of the email carrying a sent letter: the outbox status
    ("queued", "sent", "failed", "bounced", ...) and its last error. One query."""
    row = _letter_messages().filter(about_id=letter.pk).values_list("status", "last_error").first()
    return row or ("", "")


@dataclass(frozen=True)
class Undelivered:
    letter_id: int
    recipient: str
    constituency: str
    status: str
    error: str


UNDELIVERED_READ = 5_000  # letters' emails not delivered, in all campaigns, read at most (the newest)


def undelivered(campaign: Campaign, *, limit: int = 50) -> tuple[int, list[Undelivered]]:
    """Letters of the campaign whose email failed or bounced: how many, and
    the first ``limit`` (whom to, and why; no writer's name). Two queries,
    each through an index: the letters' emails not delivered (the outbox's
    index on status; few, in all campaigns), then which of those letters are
    this campaign's."""
    failed = {about_id: (status, error) for about_id, status, error in
              _letter_messages().filter(status__in=NOT_DELIVERED).order_by("-about_id").values_list("about_id", "status", "last_error")[:UNDELIVERED_READ]}  # fmt: skip
    if not failed:
        return 0, []
    letters = list(Letter.objects.filter(pk__in=list(failed), campaign=campaign, status=Letter.Status.SENT)
                   .order_by("pk").values_list("pk", "recipient_name", "constituency_name"))  # fmt: skip
    return len(letters), [Undelivered(pk, name, seat, *failed[pk]) for pk, name, seat in letters[:limit]]


# --- Keeping letters shortest --------------------------------------------------------------


def _forget(letter: Letter) -> None:
    letter.body = letter.signed_name = letter.address = letter.token_hash = ""
    letter.forgotten_at = _now()
    letter.save(update_fields=["status", "body", "signed_name", "address", "token_hash", "forgotten_at"])
    # The sketch stays (keyed hashes, no words): deleting it let a circulated
    # text be sent again unheld once its first sender deleted theirs.


def letters_erase(*, member_id: int) -> int:
    """Erasure (issue 17): forget the text and address of every letter the
    member wrote now, whatever its age; an unsent one is withdrawn. Returns
    how many letters it changed; run again, it changes none."""
    erased = 0
    with transaction.atomic():
        pending = Q(forgotten_at__isnull=True) | Q(reply_kept=True)
        for letter in Letter.objects.select_for_update().filter(pk__in=Letter.objects.filter(pending, member_id=member_id).values("pk")):
            if letter.status in (Letter.Status.UNCONFIRMED, Letter.Status.HELD):
                letter.status = Letter.Status.WITHDRAWN
            letter.reply_text, letter.reply_kept = "", False  # kept past the letter with consent; erasure ends that too
            letter.save(update_fields=["reply_text", "reply_kept"])
            drop_reply_files(letter)
            _forget(letter)
            erased += 1
        # Erasure takes even what names no words: the sketches of every letter
        # the member wrote, those forgotten before (by the keeping period, or by
        # "delete my letter") included.
        LetterSketch.objects.filter(letter__member_id=member_id).delete()
        if erased:
            audit_record(actor=None, action=Action.CHANGE, subject=("members.member", member_id), detail={"letters": "erased", "count": erased})
    return erased


def letters_expire(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """The periodic job: withdraw the letters never confirmed before their
    link expired (CONFIRM_DAYS), and erase their text and address. Works in
    batches of ``batch``, each its own transaction, so an interrupted run
    loses nothing and the next carries on. Returns how many it withdrew.
    (Sent and refused letters are forgotten by the retention schedule:
    ``letters_kept_due`` and ``letters_kept_forget``.)"""
    now = now or _now()
    due = Letter.objects.filter(forgotten_at__isnull=True, status=Letter.Status.UNCONFIRMED, written_at__lt=now - dt.timedelta(days=CONFIRM_DAYS))
    erased = 0
    while ids := list(due.order_by("pk").values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            for letter in Letter.objects.select_for_update().filter(pk__in=ids, forgotten_at__isnull=True, status=Letter.Status.UNCONFIRMED):
                letter.status = Letter.Status.WITHDRAWN
                _forget(letter)
                erased += 1
            audit_record(actor=None, action=Action.CHANGE, subject=None, detail={"letters": "withdrawn unconfirmed", "count": len(ids)})
    return erased


# The retention schedule's rule for letters (campaign_letter; registered in
# personal_data.py): a sent letter keeps its text, signature and address for
# HQ's period from the day it was sent (a refused one, from the day it was
# written: the refusal has no date of its own), then only where it went.
_KEPT = (Letter.Status.SENT, Letter.Status.REFUSED)


def letters_kept_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    """Ids above ``after_id``, in order, of at most ``limit`` letters sent (or
    refused) before the day ``before`` whose text is still kept."""
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    past = Q(status=Letter.Status.SENT, sent_at__lt=cutoff) | Q(status=Letter.Status.REFUSED, written_at__lt=cutoff)
    rows = Letter.objects.filter(past, forgotten_at__isnull=True, pk__gt=after_id)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def letters_kept_forget(ids) -> int:
    """Erase the text, signature and address of those of ``ids`` still
    kept, as ``_forget`` does one letter, in one statement for the batch; how
    many. The counts by constituency stay (they never read the text), and so
    does each letter's keyed sketch, for as long as its campaign."""
    with transaction.atomic():
        kept = list(Letter.objects.select_for_update().filter(pk__in=list(ids), forgotten_at__isnull=True, status__in=_KEPT).values_list("pk", flat=True))
        Letter.objects.filter(pk__in=kept).update(body="", signed_name="", address="", token_hash="", forgotten_at=_now())
    return len(kept)

"""Writing and publishing bulletins, the discussion under them, and its
moderation. Each step is validated (check_*) and then done atomically with its
audit entry (do_*); the do_* functions take a row lock and check again under it.

For now HQ administrators write and publish bulletins (``may_write``). HQ
administrators moderate every comment; named moderators (ModeratorAssignment)
moderate the comments of members of their branch or employer, and only they
are told of reports there (``moderates``; ``notifications.moderators_for``)."""

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Left
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.delivery import schedule_release
from unionhall.bulletins.models import (
    COMMENT_MAX_CHARS,
    Appeal,
    Attachment,
    Audience,
    Bulletin,
    Comment,
    ModerationDecision,
    ModeratorAssignment,
    Reader,
    Report,
    RevealRequest,
    Series,
)  # fmt: skip
from unionhall.bulletins.notifications import notify_moderators, notify_reply, tell_member_of_reveal
from unionhall.bulletins.queries import bulletins_for, reader_for
from unionhall.members.models import Branch, Employer, Grade, Member
from unionhall.members.remit import remit_for
from unionhall.ratelimit import allow
from unionhall.refusals import Refused

COMMENTS_PER_MINUTE = 5
COMMENTS_PER_HOUR = 30
NEW_MEMBER_DAYS = 30  # a member who joined this recently has their first comment held
MAX_SUSPEND_DAYS = 365
REPORTS_TO_HIDE = 3
PSEUDONYM_CHANGE_DAYS = 30
PSEUDONYM_PATTERN = re.compile(r"^[\w .'-]{3,40}$")
FEED_SALT = "unionhall.bulletins.feed"


def may_write(user) -> bool:
    return remit_for(user).everyone


def may_moderate(user) -> bool:
    return remit_for(user).everyone or ModeratorAssignment.objects.filter(user=user).exists()


def moderation_scope(user) -> Q:
    """The comments ``user`` moderates (over Comment): all for HQ; for a named
    moderator, those by members of their branches or employers; else none."""
    if remit_for(user).everyone:
        return Q()
    assignments = list(ModeratorAssignment.objects.filter(user=user).values_list("branch_id", "employer_id"))
    branches = [b for b, _ in assignments if b]
    employers = [e for _, e in assignments if e]
    return Q(author__branch_id__in=branches) | Q(author__employer_id__in=employers)


def moderates(user, comment: Comment) -> bool:
    return may_moderate(user) and Comment.objects.filter(moderation_scope(user), pk=comment.pk).exists()


# --- Bulletins --------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinDraft:
    series: Series
    title: str
    summary: str
    body: str
    publish_at: dt.datetime
    audience: str = Audience.ALL
    employers: list[Employer] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    by_email: bool = True


def check_write_bulletin(*, user, draft: BulletinDraft) -> None:
    if not may_write(user):
        raise Refused("Only HQ can write bulletins for now.", status=403)
    if not (draft.title.strip() and draft.summary.strip() and draft.body.strip()):
        raise Refused("A bulletin needs a title, a plain-language summary and its text.")
    if draft.audience not in Audience.values:
        raise Refused("Choose who the bulletin is for.")
    chosen = bool(draft.employers or draft.branches or draft.grades)
    if draft.audience == Audience.CHOSEN and not chosen:
        raise Refused("Choose at least one employer, branch or grade, or send the bulletin to all members.")
    if draft.audience != Audience.CHOSEN and chosen:
        raise Refused("Employers, branches and grades apply only when the audience is chosen ones.")
    if any(g not in Grade.values for g in draft.grades):
        raise Refused("Unknown grade.")
    if timezone.is_naive(draft.publish_at):
        raise Refused("The publish time needs a time zone.")


def _apply(bulletin: Bulletin, draft: BulletinDraft) -> None:
    bulletin.series, bulletin.title, bulletin.summary, bulletin.body = draft.series, draft.title.strip(), draft.summary.strip(), draft.body.strip()
    bulletin.audience, bulletin.publish_at, bulletin.by_email = draft.audience, draft.publish_at, draft.by_email
    bulletin.set_grades(draft.grades)


@transaction.atomic
def do_write_bulletin(*, user, draft: BulletinDraft, now: dt.datetime | None = None) -> Bulletin:
    """A new draft, unnumbered and unseen by members until published."""
    check_write_bulletin(user=user, draft=draft)
    bulletin = Bulletin(written_by=user, written_at=now or timezone.now())
    _apply(bulletin, draft)
    bulletin.save()
    bulletin.employers.set(draft.employers)
    bulletin.branches.set(draft.branches)
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "bulletin drafted", "audience": draft.audience})
    return bulletin


@transaction.atomic
def do_edit_draft(*, bulletin: Bulletin, user, draft: BulletinDraft) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.published_at:
        raise Refused("This bulletin is published; it can no longer be edited.", status=409)
    check_write_bulletin(user=user, draft=draft)
    _apply(bulletin, draft)
    bulletin.save()
    bulletin.employers.set(draft.employers)
    bulletin.branches.set(draft.branches)
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "bulletin draft edited"})
    return bulletin


def check_publish_bulletin(*, bulletin: Bulletin, user) -> None:
    if not may_write(user):
        raise Refused("Only HQ can publish bulletins for now.", status=403)
    if bulletin.published_at:
        raise Refused(f"{bulletin} is already published.", status=409)


@transaction.atomic
def do_publish_bulletin(*, bulletin: Bulletin, user, now: dt.datetime | None = None) -> Bulletin:
    """Number the bulletin in its series and release it (to the web, and to
    the audience's inboxes and the postal list) at ``publish_at``.
    The series' row lock makes the numbers gapless and unique."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().get(pk=bulletin.series_id)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    check_publish_bulletin(bulletin=bulletin, user=user)
    bulletin.number = (series.bulletins.aggregate(n=Max("number"))["n"] or 0) + 1
    bulletin.published_at, bulletin.published_by = now, user
    bulletin.save(update_fields=["number", "published_at", "published_by"])
    audit_record(
        actor=user, action=Action.CHANGE, subject=bulletin,
        detail={"event": "bulletin published", "code": bulletin.code, "publish_at": bulletin.publish_at.isoformat()},
    )  # fmt: skip
    schedule_release(bulletin)
    return bulletin


def check_reads(*, member: Member, bulletin: Bulletin, now: dt.datetime | None = None) -> None:
    """The bulletin is published and addressed to the member; otherwise a 404,
    so the answer does not tell whether it exists."""
    if not bulletins_for(member, now=now).filter(pk=bulletin.pk).exists():
        raise Refused("No such bulletin.", status=404)


# --- Pseudonyms and the private feed ------------------------------------------------
#
# A pseudonym must not pass for a member's real name, nor for another member's
# pseudonym, however it is spelt. Both are compared by ``lookalike_key``, a
# small form of the "skeleton" of Unicode TR39 (confusable detection), made here
# from unicodedata and a short table of the letters that pass for Latin ones. No
# Python library fits well: confusable-homoglyphs has no skeleton, confusables
# carries Unicode 8 data and was last released in 2021, disarm is a young beta,
# and PyICU (ICU's SpoofChecker) must be compiled against ICU on every machine.

PSEUDONYM_TRIES_PER_DAY = 10  # a refusal tells that some member has that name: see do_set_pseudonym

# Letters that pass for a Latin one: Cyrillic, Greek, Armenian and Cherokee
# look-alikes, and Latin letters that no decomposition takes back to a plain
# one. Applied before case-folding too, because a capital may look Latin where
# its small letter does not (Cyrillic Н is an H; н is not an h).
_LOOKALIKE_LETTERS = str.maketrans(
    dict(
        zip(
            "АВЕКМНОРСТУХЅІЈԚԜҮӀ" "аеорсухѕіјԁһԛԝӏүгпѵ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ" "οιαρνυγκχϲϳ" "օսհոցզ" "ᎪᏴᏟᎬᎻᏦᎷᏢᏚᎢᏔᏃᎫ" "ıłøđħɑɡȷɩŁØĐĦ",
            "ABEKMHOPCTYXSIJQWYl" "aeopcyxsijdhqwlyrnv" "ABEZHIKMNOPTYX" "oiapvuykxcj" "ouhngq" "ABCEHKMPSTWZJ" "ilodhagjiLODH",
            strict=True,
        )
    )
)
# Letters that show as nothing (Hangul fillers) stand for a space.
_BLANK_LETTERS = str.maketrans(dict.fromkeys("\u115f\u1160\u3164\uffa0", " "))
# i, l, capital I and the digit 1 pass for one another, as 0 does for o.
_ASCII_LOOKALIKES = str.maketrans("01|i", "olll")
_NAME_BREAKS = re.compile(r"[\s.,_'’‘`-]+")
_PIECE_BREAKS = re.compile(r"[\s.,_-]+")
# Alphabets whose letters pass for Latin ones: one pseudonym may use only one of them.
_LOOKALIKE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"}


def normalise_pseudonym(text: str) -> str:
    """A pseudonym as it is kept and shown: compatibility forms (full-width,
    mathematical bold, ligatures) made plain letters, and one space between words."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_BLANK_LETTERS).split())


def _unmarked(text: str) -> str:
    """Without accents and without invisible format characters (zero-width joiners, bidi marks)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) not in ("Mn", "Me", "Cf"))


def lookalike_key(text: str) -> str:
    """What ``text`` looks like: two strings with the same key read alike. As
    TR39's skeleton, and blind as well to case, accents, spaces and
    punctuation; i, l, I and 1 count as one letter, 0 as o, rn as m, vv as w.
    For comparing only, never for showing."""
    text = _unmarked(normalise_pseudonym(text)).translate(_LOOKALIKE_LETTERS).casefold().translate(_LOOKALIKE_LETTERS)
    return _NAME_BREAKS.sub("", text).translate(_ASCII_LOOKALIKES).replace("rn", "m").replace("vv", "w")


def _spellings(text: str) -> set[str]:
    """How ``text``, if it imitates something, may be spelt where the register
    keeps it case-folded (``Member.last_name_key``, ``Reader.pseudonym_key``):
    as typed; with look-alike letters read as Latin, accents kept or dropped;
    and each with the ASCII imitations (0 for o, 1 or I for l, rn for m) undone."""
    typed = normalise_pseudonym(text)
    visible = "".join(c for c in unicodedata.normalize("NFD", typed) if unicodedata.category(c) != "Cf")
    latin = unicodedata.normalize("NFC", visible.translate(_LOOKALIKE_LETTERS))
    spellings = set()
    for form in (typed, latin, _unmarked(latin)):
        spellings |= {
            form.casefold(),
            form.replace("0", "o").replace("1", "l").replace("I", "l").replace("rn", "m").replace("vv", "w").casefold(),
            form.replace("0", "o").replace("1", "i").casefold(),
            form.replace("m", "rn").casefold(),
            re.sub(r"\bl", "i", form).casefold(),  # "lan" for "Ian"
        }
    return spellings


def _cuts(text: str) -> list[tuple[int, int]]:
    """Where ``text`` may divide into two parts of a name: at spaces and
    punctuation, and where a small letter meets a capital ("ErinEvans")."""
    cuts = [(m.start(), m.end()) for m in _PIECE_BREAKS.finditer(text)]
    return cuts + [(i, i) for i in range(1, len(text)) if text[i - 1].islower() and text[i].isupper()]


def _spaced(text: str) -> str:
    """``text`` with one space at each cut: "NightOwl" and "Night_Owl" read "Night Owl"."""
    pieces, done = [], 0
    for start, end in sorted(_cuts(text)):
        pieces.append(text[done:start])
        done = end
    return " ".join(piece for piece in [*pieces, text[done:]] if piece)


def _name_forms(first: str, last: str) -> set[str]:
    """Look-alike keys of the ways a name is written: "first last" and
    "last, first", with all given names, the first of them, or its initial."""
    family, given = lookalike_key(last), lookalike_key(first)
    forms = set()
    for name in {given, lookalike_key(first.split()[0]) if first.split() else "", given[:1]} - {""}:
        forms |= {name + family, family + name}
    return forms


def _members_named_like(pseudonym: str, *, besides: Member) -> list[tuple[str, str]]:
    """The names of members (but ``besides``) that ``pseudonym`` may imitate.
    Read through the indexed last-name key: for each way the pseudonym divides
    into two parts, members whose last name is one part, spelt as the register
    may spell it, and whose first name begins as the other part does. A union
    of a million is never read whole: only the distinct names found so, a few
    dozen even for the commonest surname."""
    conditions = []
    for start, end in _cuts(pseudonym):
        left, right = pseudonym[:start].strip(" .,_-"), pseudonym[end:].strip(" .,_-")
        if not (left and right):
            continue
        for first, last in ((left, right), (right, left)):
            initials = {spelling[:1] for spelling in _spellings(first)}
            conditions.append(Q(last_name_key__in=_spellings(last), first_initial__in=initials))
    if not conditions:
        return []  # one word: a first name or a last name alone points at nobody
    # The initial is compared on the rows the last name found, not through an index of its own.
    members = Member.objects.annotate(first_initial=Left("first_name_key", 1)).filter(reduce(operator.or_, conditions)).exclude(pk=besides.pk)
    return list(members.order_by().values_list("first_name", "last_name").distinct())


def _pseudonyms_like(pseudonym: str, *, besides: Reader) -> list[str]:
    """Other members' pseudonyms that ``pseudonym`` may imitate, read through the indexed pseudonym key."""
    spellings = _spellings(pseudonym) | _spellings(_spaced(pseudonym))
    alike = Q(pseudonym_key__in=spellings) | Q(pseudonym_lookalike=lookalike_key(pseudonym))
    return list(Reader.objects.filter(alike).exclude(pk=besides.pk).values_list("pseudonym", flat=True))


def _mixes_alphabets(text: str) -> bool:
    return len({unicodedata.name(c, "").split(" ")[0] for c in text if c.isalpha()} & _LOOKALIKE_SCRIPTS) > 1


def check_set_pseudonym(*, reader: Reader, pseudonym: str, now: dt.datetime | None = None) -> None:
    """The pseudonym's form (as ``normalise_pseudonym`` made it), the member's
    own name however spelt, and one change in 30 days."""
    now = now or timezone.now()
    if not PSEUDONYM_PATTERN.match(pseudonym) or not any(c.isalpha() for c in pseudonym):
        raise Refused("A pseudonym is 3 to 40 letters, digits, spaces, dots, dashes or apostrophes, with at least one letter.")
    if pseudonym.casefold() == reader.pseudonym_key:
        raise Refused("That is already your pseudonym.")
    if lookalike_key(pseudonym) in _name_forms(reader.member.first_name, reader.member.last_name):
        raise Refused("That is your own name; to post under your name, choose “my name” when you comment.")
    if reader.pseudonym_set_at and now < reader.pseudonym_set_at + dt.timedelta(days=PSEUDONYM_CHANGE_DAYS):
        allowed = reader.pseudonym_set_at + dt.timedelta(days=PSEUDONYM_CHANGE_DAYS)
        raise Refused(f"You can change your pseudonym once every {PSEUDONYM_CHANGE_DAYS} days; next on {timezone.localtime(allowed):%-d %B %Y}.", status=409)


def check_pseudonym_passes_for_nobody(*, reader: Reader, pseudonym: str) -> None:
    """The pseudonym cannot be read as another member's name or pseudonym.
    The refusal does not say whose: only that some member's is too close."""
    key = lookalike_key(pseudonym)
    if any(key in _name_forms(first, last) for first, last in _members_named_like(pseudonym, besides=reader.member)):
        raise Refused("That pseudonym is too close to a member's name. Choose another: a pseudonym must not pass for anyone's real name.")
    if any(lookalike_key(other) == key for other in _pseudonyms_like(pseudonym, besides=reader)):
        raise Refused("That pseudonym is too close to another member's pseudonym. Choose another.", status=409)
    if _mixes_alphabets(pseudonym):
        raise Refused("Write your pseudonym in one alphabet: Latin letters mixed with Cyrillic or Greek ones can pass for other names.")


@transaction.atomic
def _set_pseudonym(*, member: Member, pseudonym: str, now: dt.datetime) -> Reader:
    pseudonym = normalise_pseudonym(pseudonym)
    reader = Reader.objects.select_for_update().select_related("member").get(pk=reader_for(member).pk)
    check_set_pseudonym(reader=reader, pseudonym=pseudonym, now=now)
    # Each refusal below tells the member that someone has that name: so few tries a day.
    if not allow("bulletins.pseudonym", member.pk, limit=PSEUDONYM_TRIES_PER_DAY, per=24 * 3600):
        raise Refused(f"You have tried {PSEUDONYM_TRIES_PER_DAY} pseudonyms today. Try again tomorrow.", status=429)
    check_pseudonym_passes_for_nobody(reader=reader, pseudonym=pseudonym)
    first = not reader.pseudonym
    reader.pseudonym, reader.pseudonym_key, reader.pseudonym_set_at = pseudonym, pseudonym.casefold(), now
    reader.pseudonym_lookalike = lookalike_key(pseudonym)
    try:
        with transaction.atomic():
            reader.save(update_fields=["pseudonym", "pseudonym_key", "pseudonym_lookalike", "pseudonym_set_at"])
    except IntegrityError:  # another member took one that reads alike meanwhile
        raise Refused("That pseudonym is too close to another member's pseudonym. Choose another.", status=409) from None
    # The pseudonym itself stays out of the log: the log names the actor.
    audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "pseudonym set" if first else "pseudonym changed"})
    return reader


def do_set_pseudonym(*, member: Member, pseudonym: str, now: dt.datetime | None = None) -> Reader:
    """Set or change the member's pseudonym. Comments already posted keep the
    label they were posted under, so a change does not link old and new.

    Every refusal is audited, in an entry of its own that stays when the
    refusal is raised (so call this outside a transaction that would roll it
    back): one refused for a member's name tells that someone is called so,
    and an auditor should see a member trying name after name. What was typed
    stays out of the log, as it may be a member's name."""
    try:
        return _set_pseudonym(member=member, pseudonym=pseudonym, now=now or timezone.now())
    except Refused as refused:
        detail = {"event": "pseudonym refused", "refusal": refused.message, "status": refused.status}
        audit_record(actor=member.user, action=Action.DENIED, subject=reader_for(member), detail=detail)
        raise


def _feed_signer(reader: Reader) -> signing.Signer:
    return signing.Signer(salt=f"{FEED_SALT}:{reader.feed_key}")


def feed_token(reader: Reader) -> str:
    """The secret part of the member's feed address: their reader id, signed
    under a salt that includes ``feed_key``. Resetting the key revokes it."""
    return _feed_signer(reader).sign(str(reader.pk))


def reader_from_feed_token(token: str) -> Reader | None:
    """The reader the token was issued to, if it is still valid and the member active."""
    reader_id, _, _ = token.partition(":")
    if not reader_id.isdigit():
        return None
    reader = Reader.objects.select_related("member").filter(pk=int(reader_id)).first()
    if reader is None or not reader.feed_key or reader.member.status != Member.Status.ACTIVE:
        return None
    try:
        value = _feed_signer(reader).unsign(token)
    except signing.BadSignature:
        return None
    return reader if value == str(reader.pk) else None


@transaction.atomic
def do_reset_feed(*, member: Member) -> Reader:
    """A new feed key: every earlier feed address stops working."""
    reader = Reader.objects.select_for_update().get(pk=reader_for(member).pk)
    reader.feed_key = Reader.new_feed_key()
    reader.save(update_fields=["feed_key"])
    audit_record(actor=member.user, action=Action.CHANGE, subject=reader, detail={"event": "feed address reset"})
    return reader


# --- Comments -----------------------------------------------------------------------


@dataclass(frozen=True)
class CommentDraft:
    body: str
    as_pseudonym: bool
    parent: Comment | None = None


def check_post_comment(*, member: Member, reader: Reader, bulletin: Bulletin, draft: CommentDraft, now: dt.datetime | None = None) -> None:
    """Call holding the reader's row lock, so the rate limit counts every
    comment the member has posted, whichever process posted it."""
    now = now or timezone.now()
    check_reads(member=member, bulletin=bulletin, now=now)
    body = draft.body.strip()
    if not body:
        raise Refused("Write something first.")
    if len(body) > COMMENT_MAX_CHARS:
        raise Refused(f"A comment can be at most {COMMENT_MAX_CHARS:,} characters; yours has {len(body):,}. Shorten it or split it in two.")
    if reader.suspended_until and now < reader.suspended_until:
        raise Refused(f"A moderator has suspended your commenting until {timezone.localtime(reader.suspended_until):%-d %B %Y, %H:%M}.", status=403)
    if draft.as_pseudonym and not reader.pseudonym:
        raise Refused("Choose a pseudonym first, or post under your name.")
    if draft.parent is not None:
        if draft.parent.bulletin_id != bulletin.pk:
            raise Refused("That comment is under another bulletin.")
        if draft.parent.state == Comment.State.REMOVED:
            raise Refused("That comment was removed by a moderator, so it cannot be replied to.", status=409)
        if draft.parent.state in (Comment.State.HIDDEN, Comment.State.HELD):
            raise Refused("That comment awaits a moderator, so it cannot be replied to yet.", status=409)
    recent = Comment.objects.filter(author=member, posted_at__gt=now - dt.timedelta(hours=1)).values_list("posted_at", flat=True)
    if sum(at > now - dt.timedelta(minutes=1) for at in recent) >= COMMENTS_PER_MINUTE:
        raise Refused(f"You have posted {COMMENTS_PER_MINUTE} comments in the last minute. Wait a minute before posting again.", status=429)
    if len(recent) >= COMMENTS_PER_HOUR:
        raise Refused(f"You have posted {COMMENTS_PER_HOUR} comments in the last hour. Wait a while before posting again.", status=429)


def is_held(member: Member, now: dt.datetime) -> bool:
    """A new member's first comment waits for a moderator's approval."""
    new = member.joined_on is not None and member.joined_on > timezone.localdate(now) - dt.timedelta(days=NEW_MEMBER_DAYS)
    return new and not Comment.objects.filter(author=member, state=Comment.State.VISIBLE).exists()


@transaction.atomic
def do_post_comment(*, member: Member, bulletin: Bulletin, draft: CommentDraft, now: dt.datetime | None = None) -> Comment:
    """Post under the member's pseudonym or name. A reply to a reply joins the
    thread of the comment it answers (one level of nesting)."""
    now = now or timezone.now()
    reader = Reader.objects.select_for_update().select_related("member").get(pk=reader_for(member).pk)
    parent = draft.parent
    if parent is not None:
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if parent.parent_id:
            parent = Comment.objects.select_for_update().get(pk=parent.parent_id)
        draft = CommentDraft(body=draft.body, as_pseudonym=draft.as_pseudonym, parent=parent)
    check_post_comment(member=member, reader=reader, bulletin=bulletin, draft=draft, now=now)
    held = is_held(member, now)
    comment = Comment.objects.create(
        bulletin=bulletin, parent=parent, author=member, as_pseudonym=draft.as_pseudonym,
        author_label=reader.pseudonym if draft.as_pseudonym else member.full_name, body=draft.body.strip(), posted_at=now,
        state=Comment.State.HELD if held else Comment.State.VISIBLE, pending_review=held,
    )  # fmt: skip
    audit_record(actor=member.user, action=Action.CHANGE, subject=comment, detail={"event": "comment posted", "bulletin": bulletin.pk, "held": held})
    if held:
        notify_moderators.enqueue(comment_id=comment.pk, what="a new member's first comment awaits approval")
    elif parent is not None:
        notify_reply.enqueue(reply_id=comment.pk)
    return comment


# --- Reports and moderation -----------------------------------------------------------


def check_report_comment(*, member: Member, comment: Comment, reason: str, now: dt.datetime | None = None) -> None:
    check_reads(member=member, bulletin=comment.bulletin, now=now)
    if comment.author_id == member.pk:
        raise Refused("You cannot report your own comment.")
    if comment.state == Comment.State.REMOVED:
        raise Refused("That comment has already been removed.", status=409)
    if not reason.strip():
        raise Refused("Say briefly why you are reporting this comment.")
    if len(reason.strip()) > 500:
        raise Refused("Keep the reason under 500 characters.")
    if Report.objects.filter(comment=comment, reporter=member).exists():
        raise Refused("You have already reported this comment.", status=409)


@transaction.atomic
def do_report_comment(*, member: Member, comment: Comment, reason: str, now: dt.datetime | None = None) -> Report:
    """Record the report; at three reports from different members since the
    last moderator's decision, the comment is hidden until a moderator rules."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().select_related("bulletin", "author").get(pk=comment.pk)
    check_report_comment(member=member, comment=comment, reason=reason, now=now)
    report = Report.objects.create(comment=comment, reporter=member, reason=reason.strip(), reported_at=now)
    open_reports = comment.reports.filter(decision__isnull=True).values("reporter").distinct().count()
    fields = []
    if not comment.pending_review:
        comment.pending_review = True
        fields.append("pending_review")
        notify_moderators.enqueue(comment_id=comment.pk, what="a member reported a comment")
    if open_reports >= REPORTS_TO_HIDE and comment.state == Comment.State.VISIBLE:
        comment.state = Comment.State.HIDDEN
        fields.append("state")
    if fields:
        comment.save(update_fields=fields)
    audit_record(actor=member.user, action=Action.CHANGE, subject=comment, detail={"event": "comment reported", "hidden": comment.state == Comment.State.HIDDEN})
    return report


def check_moderate(*, user, comment: Comment, outcome: str, reason: str, suspend_days: int = 0) -> None:
    """What is wrong with the decision is said first and whether the comment is
    the user's to moderate last, so a named moderator cannot tell from a
    refusal whether its author is in their branch."""
    if not may_moderate(user):
        raise Refused("Only moderators can moderate comments.", status=403)
    if outcome not in ModerationDecision.Outcome.values:
        raise Refused("Choose keep, hide or remove.")
    if suspend_days and outcome == ModerationDecision.Outcome.KEEP:
        raise Refused("Suspend commenting only with a decision to hide or remove.")
    if not 0 <= suspend_days <= MAX_SUSPEND_DAYS:
        raise Refused(f"A suspension lasts from 1 to {MAX_SUSPEND_DAYS} days.")
    if not reason.strip():
        raise Refused("Give the reason for the decision; it is recorded, and shown with a removed comment.")
    if len(reason.strip()) > 300:
        raise Refused("Keep the reason under 300 characters.")
    if comment.state == Comment.State.REMOVED:
        raise Refused("This comment has already been removed.", status=409)
    if not moderates(user, comment):
        raise Refused("This comment is outside the branches and employers you moderate.", status=403)


@transaction.atomic
def do_moderate(*, user, comment: Comment, outcome: str, reason: str, suspend_days: int = 0, now: dt.datetime | None = None) -> ModerationDecision:
    """Keep (which also approves a held comment), hide or remove a comment,
    closing the reports against it. A removed comment shows as "removed by a
    moderator: <reason>" and takes no replies. ``suspend_days`` also stops the
    author commenting for that long."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_moderate(user=user, comment=comment, outcome=outcome, reason=reason, suspend_days=suspend_days)
    decision = ModerationDecision.objects.create(comment=comment, outcome=outcome, reason=reason.strip(), suspend_days=suspend_days, decided_by=user, decided_at=now)
    if suspend_days:
        Reader.objects.filter(pk=reader_for(comment.author).pk).update(suspended_until=now + dt.timedelta(days=suspend_days))
    comment.reports.filter(decision__isnull=True).update(decision=decision)
    comment.state = {
        ModerationDecision.Outcome.KEEP: Comment.State.VISIBLE,
        ModerationDecision.Outcome.HIDE: Comment.State.HIDDEN,
        ModerationDecision.Outcome.REMOVE: Comment.State.REMOVED,
    }[outcome]
    comment.pending_review = False
    comment.moderation_reason = "" if outcome == ModerationDecision.Outcome.KEEP else reason.strip()
    comment.save(update_fields=["state", "pending_review", "moderation_reason"])
    audit_record(
        actor=user, action=Action.CHANGE, subject=comment,
        detail={"event": "comment moderated", "outcome": outcome, "reason": reason.strip(), "suspend_days": suspend_days},
    )  # fmt: skip
    return decision


def moderation_queue(user):
    """Comments the user moderates that await a decision (held, then hidden, then reported), oldest first."""
    return (
        Comment.objects.filter(moderation_scope(user), pending_review=True)
        .select_related("bulletin__series")
        .prefetch_related("reports")
        .order_by("state", "posted_at")  # "held" and "hidden" sort before "visible"
    )


# --- Appeals and named moderators ------------------------------------------------------------------


def check_appeal(*, member: Member, decision: ModerationDecision, reason: str) -> None:
    if decision.comment.author_id != member.pk:
        raise Refused("Only the author of a comment can appeal a decision about it.", status=403)
    if decision.outcome == ModerationDecision.Outcome.KEEP:
        raise Refused("The comment was kept; there is nothing to appeal.")
    if Appeal.objects.filter(decision=decision).exists():
        raise Refused("You have already appealed this decision. Each decision can be appealed once.", status=409)
    if not reason.strip():
        raise Refused("Say why the decision was wrong.")
    if len(reason.strip()) > 1000:
        raise Refused("Keep the appeal under 1,000 characters.")


@transaction.atomic
def do_appeal(*, member: Member, decision: ModerationDecision, reason: str, now: dt.datetime | None = None) -> Appeal:
    """The author's one appeal; another moderator than the one who decided rules on it."""
    decision = ModerationDecision.objects.select_for_update().select_related("comment__author").get(pk=decision.pk)
    check_appeal(member=member, decision=decision, reason=reason)
    appeal = Appeal.objects.create(decision=decision, reason=reason.strip(), appealed_at=now or timezone.now())
    audit_record(actor=member.user, action=Action.CHANGE, subject=appeal, detail={"event": "moderation appealed", "decision": decision.pk})
    notify_moderators.enqueue(comment_id=decision.comment_id, what="the author appealed a decision")
    return appeal


def check_rule_appeal(*, user, appeal: Appeal, ruling: str) -> None:
    """As check_moderate: whether the appeal is the user's to rule on is asked last."""
    if not may_moderate(user):
        raise Refused("Only moderators can rule on an appeal.", status=403)
    if not ruling.strip():
        raise Refused("Give the reason for the ruling.")
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise Refused("This appeal has already been ruled on.", status=409)
    if appeal.decision.decided_by_id == user.pk:
        raise Refused("Another moderator must rule on an appeal against your own decision.", status=403)
    if not moderates(user, appeal.decision.comment):
        raise Refused("Only moderators of this discussion can rule on an appeal.", status=403)


@transaction.atomic
def do_rule_appeal(*, user, appeal: Appeal, overturn: bool, ruling: str, now: dt.datetime | None = None) -> Appeal:
    """Uphold or overturn. Overturning shows the comment again and lifts the
    suspension that came with the decision."""
    now = now or timezone.now()
    appeal = Appeal.objects.select_for_update().select_related("decision__comment__author").get(pk=appeal.pk)
    check_rule_appeal(user=user, appeal=appeal, ruling=ruling)
    appeal.outcome = Appeal.Outcome.OVERTURNED if overturn else Appeal.Outcome.UPHELD
    appeal.ruling, appeal.decided_by, appeal.decided_at = ruling.strip()[:300], user, now
    appeal.save(update_fields=["outcome", "ruling", "decided_by", "decided_at"])
    if overturn:
        comment = appeal.decision.comment
        Comment.objects.filter(pk=comment.pk).update(state=Comment.State.VISIBLE, moderation_reason="", pending_review=False)
        if appeal.decision.suspend_days:
            Reader.objects.filter(member=comment.author).update(suspended_until=None)
    audit_record(actor=user, action=Action.CHANGE, subject=appeal, detail={"event": f"appeal {appeal.outcome}", "ruling": appeal.ruling})
    return appeal


def pending_appeals(user):
    return (
        Appeal.objects.filter(outcome=Appeal.Outcome.PENDING)
        .filter(decision__comment__in=Comment.objects.filter(moderation_scope(user)))
        .exclude(decision__decided_by=user)
        .select_related("decision__comment__bulletin__series")
    )


@transaction.atomic
def do_assign_moderator(*, actor, member: Member, branch: Branch | None = None, employer: Employer | None = None, now: dt.datetime | None = None) -> ModeratorAssignment:
    """Name ``member`` a moderator for one branch or one employer (HQ only)."""
    if not remit_for(actor).everyone:
        raise Refused("Only HQ can name moderators.", status=403)
    if (branch is None) == (employer is None):
        raise Refused("Choose one branch or one employer.")
    if member.user_id is None or member.status != Member.Status.ACTIVE:
        raise Refused("A moderator must be an active member who can sign in.")
    if ModeratorAssignment.objects.filter(user_id=member.user_id, branch=branch, employer=employer).exists():
        raise Refused("That member already moderates there.", status=409)
    assignment = ModeratorAssignment.objects.create(user_id=member.user_id, branch=branch, employer=employer, assigned_by=actor, assigned_at=now or timezone.now())
    audit_record(actor=actor, action=Action.PERMISSION, subject=assignment, detail={"event": "moderator named", "member": member.membership_number, "for": str(branch or employer)})
    return assignment


# --- Revealing who is behind a pseudonym -------------------------------------------------------
#
# A named moderator must not learn from these answers whether a pseudonymous
# author is in their branch. So each check says first what is wrong with the
# request itself, then whether it comes too late, and only last whether the
# comment is the moderator's to reveal: that refusal, always in the same words,
# comes only to a request that would otherwise have been recorded for a second
# moderator to see. Every attempt is audited, refused ones too, with the reason
# given, so an auditor sees a moderator probing.

REVEAL_REASON_MIN_CHARS = 15
REVEAL_REASON_MAX_CHARS = 500
REVEAL_DECISION_REASON_MAX_CHARS = 300
NOT_YOURS_TO_REVEAL = "Only HQ and the moderators of the author's branch or employer can ask or decide who wrote this comment."


def check_request_reveal(*, user, comment: Comment, reason: str) -> None:
    if not may_moderate(user):
        raise Refused("Only moderators can ask who wrote a comment.", status=403)
    if not comment.as_pseudonym:
        raise Refused("This comment was posted under the member's name; there is nobody to reveal.")
    if len(reason.strip()) < REVEAL_REASON_MIN_CHARS:
        raise Refused(
            f"Give the reason in a sentence (at least {REVEAL_REASON_MIN_CHARS} characters): "
            "it is recorded, shown to the moderator who decides, and told to the member."
        )  # fmt: skip
    if len(reason.strip()) > REVEAL_REASON_MAX_CHARS:
        raise Refused(f"Keep the reason under {REVEAL_REASON_MAX_CHARS} characters.")
    if comment.reveal_requests.filter(status=RevealRequest.Status.PENDING).exists():
        raise Refused("A request to reveal who wrote this comment already awaits a second moderator.", status=409)
    if not moderates(user, comment):
        raise Refused(NOT_YOURS_TO_REVEAL, status=403)


def _audit_refused_reveal(*, user, subject, event: str, refused: Refused, **detail) -> None:
    """A refused attempt, in an entry of its own that stays when the refusal is raised."""
    audit_record(actor=user, action=Action.DENIED, subject=subject, detail={"event": event, **detail, "refusal": refused.message, "status": refused.status})


@transaction.atomic
def _request_reveal(*, user, comment: Comment, reason: str, now: dt.datetime | None) -> RevealRequest:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_request_reveal(user=user, comment=comment, reason=reason)
    request = RevealRequest.objects.create(comment=comment, reason=reason.strip(), requested_by=user, requested_at=now or timezone.now())
    audit_record(actor=user, action=Action.CHANGE, subject=request, detail={"event": "identity reveal requested", "comment": comment.pk, "reason": request.reason})
    return request


def do_request_reveal(*, user, comment: Comment, reason: str, now: dt.datetime | None = None) -> RevealRequest:
    """Ask for a pseudonym to be revealed. Nothing is revealed yet: a second
    moderator decides. A refused request is audited with the reason given
    (call this outside a transaction that would roll that entry back)."""
    try:
        return _request_reveal(user=user, comment=comment, reason=reason, now=now)
    except Refused as refused:
        _audit_refused_reveal(
            user=user, subject=comment, event="identity reveal request refused", refused=refused,
            comment=comment.pk, reason=reason.strip()[:REVEAL_REASON_MAX_CHARS],
        )  # fmt: skip
        raise


def check_decide_reveal(*, user, request: RevealRequest, reason: str = "") -> None:
    if not may_moderate(user):
        raise Refused("Only moderators can decide a request to reveal an identity.", status=403)
    if len(reason.strip()) > REVEAL_DECISION_REASON_MAX_CHARS:
        raise Refused(f"Keep the reason under {REVEAL_DECISION_REASON_MAX_CHARS} characters.")
    if request.requested_by_id == user.pk:
        raise Refused("A second, different moderator must decide: you made this request.", status=403)
    if request.status != RevealRequest.Status.PENDING:
        raise Refused("This request has already been decided.", status=409)
    if not moderates(user, request.comment):
        raise Refused(NOT_YOURS_TO_REVEAL, status=403)


@transaction.atomic
def _decide_reveal(*, user, request: RevealRequest, approve: bool, reason: str, now: dt.datetime | None) -> RevealRequest:
    now = now or timezone.now()
    request = RevealRequest.objects.select_for_update().select_related("comment__author", "comment__bulletin__series").get(pk=request.pk)
    check_decide_reveal(user=user, request=request, reason=reason)
    request.status = RevealRequest.Status.APPROVED if approve else RevealRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.decision_reason = user, now, reason.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=user, action=Action.CHANGE, subject=request,
        detail={"event": f"identity reveal {request.status}", "comment": request.comment_id, "reason": request.decision_reason},
    )  # fmt: skip
    if approve:
        tell_member_of_reveal.enqueue(reveal_id=request.pk)
    return request


def do_decide_reveal(*, user, request: RevealRequest, approve: bool, reason: str = "", now: dt.datetime | None = None) -> RevealRequest:
    """Approve or refuse. On approval the member is emailed who asked (by
    role, not name), when and why; the two moderators may then see the name.
    A refused attempt to decide is audited (see do_request_reveal)."""
    try:
        return _decide_reveal(user=user, request=request, approve=approve, reason=reason, now=now)
    except Refused as refused:
        _audit_refused_reveal(
            user=user, subject=request, event="identity reveal decision refused", refused=refused,
            comment=request.comment_id, decision="approve" if approve else "refuse", reason=reason.strip()[:REVEAL_DECISION_REASON_MAX_CHARS],
        )  # fmt: skip
        raise


def check_see_identity(*, user, request: RevealRequest) -> None:
    # Who may look is asked first, so anyone else learns nothing of how the request went.
    if user.pk not in (request.requested_by_id, request.decided_by_id):
        raise Refused("Only the two moderators who requested and approved may see who wrote this comment.", status=403)
    if request.status != RevealRequest.Status.APPROVED:
        raise Refused("Nobody may see who wrote this comment: the request was not approved.", status=403)


def see_identity(*, user, request: RevealRequest) -> Member:
    """The member behind the comment, for one of the two moderators; each look,
    and each refused attempt to look, is audited."""
    request = RevealRequest.objects.select_related("comment__author").get(pk=request.pk)
    try:
        check_see_identity(user=user, request=request)
    except Refused as refused:
        _audit_refused_reveal(user=user, subject=request, event="identity look refused", refused=refused, comment=request.comment_id)
        raise
    audit_record(actor=user, action=Action.VIEW, subject=request, detail={"event": "identity revealed", "comment": request.comment_id, "member": request.comment.author.membership_number})
    return request.comment.author


def reveal_requests_for(user):
    """Pending requests the user may decide (others' requests), and approved ones they may look at."""
    pending = RevealRequest.objects.filter(status=RevealRequest.Status.PENDING).exclude(requested_by=user)
    mine = RevealRequest.objects.filter(Q(requested_by=user) | Q(decided_by=user))
    return (pending | mine).select_related("comment__bulletin__series").order_by("-requested_at")


# --- Attachments ---------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 10


def check_attach(*, user, bulletin: Bulletin, title: str, upload) -> None:
    if not may_write(user):
        raise Refused("Only HQ can add attachments to bulletins.", status=403)
    if bulletin.published_at is not None:
        raise Refused("The bulletin is published: attachments are added to drafts.", status=409)
    if not title.strip():
        raise Refused("Give the attachment a title, for example “Slides from the pay briefing”.")
    if upload is None or not upload.size:
        raise Refused("Choose a PDF file.")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise Refused(f"The file is {upload.size / 1024 / 1024:.1f} MB; the most is {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.")
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-" or not upload.name.lower().endswith(".pdf"):
        raise Refused("Only PDF files can be attached (the file must be a PDF, named .pdf).")
    if bulletin.attachments.count() >= MAX_ATTACHMENTS:
        raise Refused(f"A bulletin can have at most {MAX_ATTACHMENTS} attachments.")


@transaction.atomic
def do_attach(*, user, bulletin: Bulletin, title: str, upload, now: dt.datetime | None = None) -> Attachment:
    check_attach(user=user, bulletin=bulletin, title=title, upload=upload)
    name = re.sub(r"[^\w.\- ]", "_", upload.name)[-120:]
    attachment = Attachment.objects.create(bulletin=bulletin, title=title.strip(), file=upload, filename=name, size=upload.size,
                                           uploaded_by=user, uploaded_at=now or timezone.now())  # fmt: skip
    audit_record(actor=user, action=Action.CHANGE, subject=bulletin, detail={"event": "attachment added", "title": attachment.title, "bytes": attachment.size})
    return attachment

"""Members' pseudonyms: the form a pseudonym takes (``normalise_pseudonym``),
what it looks like (``lookalike_key``, for comparing only), and setting one
(``check_set_pseudonym``, ``check_pseudonym_passes_for_nobody``, then
``do_set_pseudonym``, which audits every refusal too). Imports ``queries`` (the
member's reader row) and the rate limiter; no phase module.

A pseudonym must not pass for a member's real name, nor for another member's
pseudonym, however it is spelt. Both are compared by ``lookalike_key``, a
small form of the "skeleton" of Unicode TR39 (confusable detection), made here
from unicodedata and a short table of the letters that pass for Latin ones. No
Python library fits well: confusable-homoglyphs has no skeleton, confusables
carries Unicode 8 data and was last released in 2021, disarm is a young beta,
and PyICU (ICU's SpoofChecker) must be compiled against ICU on every machine."""

import datetime as dt
import operator
import re
import unicodedata
from functools import reduce

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Left
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import Reader
from unionhall.bulletins.queries import reader_for
from unionhall.lookalike import LATIN_LOOKALIKES
from unionhall.members.models import Member
from unionhall.ratelimit import allow
from unionhall.refusals import Refused

PSEUDONYM_CHANGE_DAYS = 30
PSEUDONYM_PATTERN = re.compile(r"^[\w .'-]{3,40}$")
PSEUDONYM_TRIES_PER_DAY = 10  # a refusal tells that some member has that name: see do_set_pseudonym

_LOOKALIKE_LETTERS = LATIN_LOOKALIKES  # unionhall.lookalike: Cyrillic, Greek, Armenian, Cherokee letters that pass for Latin
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

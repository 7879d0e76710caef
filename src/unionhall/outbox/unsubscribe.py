"""One-click unsubscribing (RFC 8058) from the mailing lists a member may leave.

Only mail a member chose to get carries the headers and the link: bulletins,
the weekly digest, replies to their comments. Sign-in links, ballot trackers,
invitations and reminders to vote, and statutory notices do not: a member
cannot opt out of those, and an unsubscribe link there would promise what
the union may not do.

The app that owns a list registers it (in its ``notifications`` module, which
``OutboxConfig.ready`` imports) with the function that turns the member's
preference off; the outbox keeps no preference of its own."""

from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.urls import reverse

from unionhall.outbox.links import site_url

SALT = "unionhall.outbox.unsubscribe"
# Links in bulletins sent before the outbox keep working (same payload).
LEGACY_SALTS = ("unionhall.bulletins.unsubscribe",)


@dataclass(frozen=True)
class MailingList:
    key: str  # in tokens and Message.unsubscribe: never rename one in use
    label: str  # what stops, for the page: "bulletins by email"
    # stop(member_id=...) turns the member's preference off, audited, and says
    # whether it changed anything. Called again, it must change nothing.
    stop: Callable[..., bool]


_lists: dict[str, MailingList] = {}


def register(mailing_list: MailingList) -> None:
    _lists[mailing_list.key] = mailing_list


def mailing_list(key: str) -> MailingList | None:
    return _lists.get(key)


def token_for(*, member_id: int, list_key: str) -> str:
    return signing.dumps({"m": member_id, "k": list_key}, salt=SALT)


def read_token(token: str) -> tuple[int, MailingList] | None:
    """The member and the list a token names, or None if it is forged,
    damaged or names a list that does not exist."""
    for salt in (SALT, *LEGACY_SALTS):
        try:
            value = signing.loads(token, salt=salt)
        except signing.BadSignature:
            continue
        found = mailing_list(str(value.get("k", ""))) if isinstance(value, dict) else None
        member_id = value.get("m") if isinstance(value, dict) else None
        if found is None or not isinstance(member_id, int):
            return None
        return member_id, found
    return None


@dataclass(frozen=True)
class OneClick:
    url: str  # the page a member opens, and a mail client POSTs to
    headers: dict[str, str]


def one_click(*, member_id: int, list_key: str) -> OneClick:
    """The member's own link to leave ``list_key``, and the RFC 2369 and
    RFC 8058 headers that offer it: a mail client may POST to the link, and
    one that only sends mail may use the mailto."""
    return one_click_for(token_for(member_id=member_id, list_key=list_key))


def one_click_for(token: str) -> OneClick:
    """The link and headers for ``token`` (see ``one_click``)."""
    url = site_url(reverse("outbox_unsubscribe", args=[token]))
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    mailbox = f"unsubscribe@{sender.rpartition('@')[2]}"
    headers = {
        "List-Unsubscribe": f"<{url}>, <mailto:{mailbox}?subject=unsubscribe%20{token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return OneClick(url, headers)


def do_unsubscribe(*, member_id: int, list_key: str) -> bool:
    """Leave one list; True if it changed anything. Doing it again is
    harmless, as RFC 8058 expects of a one-click POST."""
    found = mailing_list(list_key)
    if found is None:
        raise LookupError(f"no mailing list {list_key!r}")
    return bool(found.stop(member_id=member_id))

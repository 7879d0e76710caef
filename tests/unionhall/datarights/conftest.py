"""History for the data-rights tests: a bulletin with comments, a ballot with
a roll, a cast vote and messages, written straight to the tables (the apps'
own tests cover how they are made)."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from unionhall.ballots.models import Ballot, Cast, RollEntry
from unionhall.bulletins.models import Bulletin, Comment, Series
from unionhall.members.models import Member
from unionhall.outbox.models import Message

NOW = timezone.now()
_keys = itertools.count(1)


def a_bulletin(hq: Member, title="Caseloads") -> Bulletin:
    series, _ = Series.objects.get_or_create(name="Blog", slug="blog")
    return Bulletin.objects.create(series=series, title=title, summary="s", body="b", publish_at=NOW, written_by=hq.user, written_at=NOW)


def a_comment(bulletin: Bulletin, author: Member, body="My caseload is 80.", **extra) -> Comment:
    return Comment.objects.create(bulletin=bulletin, author=author, author_label=author.full_name, body=body, posted_at=NOW, **extra)


def a_ballot(title="Indicative ballot", closes=NOW - dt.timedelta(days=10)) -> Ballot:
    n = next(_keys)
    return Ballot.objects.create(slug=f"ballot-{n}", title=title, opens_at=closes - dt.timedelta(days=14), closes_at=closes, status="closed")


def on_roll(ballot: Ballot, member: Member, voted=True) -> RollEntry:
    entry = RollEntry.objects.create(ballot=ballot, member=member, alias=f"V{member.pk}-{ballot.pk}", area=member.branch.name,
                                     voted_at=NOW - dt.timedelta(days=12) if voted else None)  # fmt: skip
    if voted:
        Cast.objects.create(ballot=ballot, roll_entry=entry, content={"secret": "HOW-THEY-VOTED"}, tracker=f"T{entry.pk}")
    return entry


def a_message(member: Member, *, queued_at=NOW, status="sent", topic="bulletin") -> Message:
    n = next(_keys)
    return Message.objects.create(key=f"test:{n}", topic=topic, status=status, member=member, address=member.email,
                                  queued_at=queued_at, next_attempt_at=queued_at, sent_at=queued_at if status == "sent" else None)  # fmt: skip


def left(member: Member, on: dt.date, status=Member.Status.LAPSED) -> Member:
    Member.objects.filter(pk=member.pk).update(status=status, lapsed_on=on)
    member.refresh_from_db()
    return member


@pytest.fixture
def history(people):
    """Alice's history: two comments, a vote in a closed ballot and one not voted, three messages; Erin commented too."""
    bulletin = a_bulletin(people.hq)
    a_comment(bulletin, people.alice)
    a_comment(bulletin, people.alice, body="Second thoughts.", as_pseudonym=True)
    a_comment(bulletin, people.erin, body="Erin's private words.")
    voted, missed = a_ballot("Pay ballot"), a_ballot("Rules ballot")
    on_roll(voted, people.alice)
    on_roll(missed, people.alice, voted=False)
    on_roll(voted, people.erin)
    for _ in range(3):
        a_message(people.alice)
    return bulletin

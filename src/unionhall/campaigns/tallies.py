"""The campaign's counts, kept as they change: letters sent by seat (with
what writers said of replies) and by branch.

Each change runs inside the transaction that makes it (a letter sent, a
writer asked or answering about a reply), as an UPDATE ... SET n = n + 1 of
one row, so a count is never ahead of or behind the letters. Creating a
tally row happens under the campaign's row lock (sending already takes it),
so two letters to a new seat cannot both create its row. Scrubbing a
letter's text, or a member deleting their own copy, does not change a count:
that letter still went.

``tallies_rebuild`` recomputes a campaign's tallies from its letters (the
migration, the demo, tests that make letters directly), and ``tallies_check``
says whether the kept counts equal a recount."""

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from unionhall.campaigns.models import BranchTally, Campaign, Letter, SeatTally


def _seat_key(letter: Letter) -> dict:
    return {"campaign_id": letter.campaign_id, "constituency_code": letter.constituency_code,
            "constituency_name": letter.constituency_name, "recipient_name": letter.recipient_name}  # fmt: skip


def _bump(model, key: dict, **deltas) -> None:
    """Add ``deltas`` to the row ``key``, creating it at zero first. Callers
    hold the campaign's row lock when the row may be new."""
    changes = {name: F(name) + n for name, n in deltas.items() if n}
    if not changes:
        return
    if not model.objects.filter(**key).update(**changes):
        model.objects.create(**key, **{name: n for name, n in deltas.items()})


def letter_sent(letter: Letter, *, branch_id: int | None, locked: bool = False) -> None:
    """A letter went: count it for its seat and its writer's branch. Takes
    the campaign's row lock unless the caller holds it (``locked``)."""
    if not locked:
        Campaign.objects.select_for_update().filter(pk=letter.campaign_id).first()
    _bump(SeatTally, _seat_key(letter), sent=1)
    _bump(BranchTally, {"campaign_id": letter.campaign_id, "branch_id": branch_id}, sent=1)


def _reply_part(letter: Letter) -> dict:
    got = letter.got_reply is True
    return {
        "told": int(letter.got_reply is not None), "replies": int(got),
        "answered_points": int(got and letter.reply_answered == "yes"),
        "reply_days": (letter.reply_after_days or 0) if got else 0,
    }  # fmt: skip


def reply_changed(before: Letter, after: Letter) -> None:
    """A writer said whether a reply came (or changed what they said)."""
    old, new = _reply_part(before), _reply_part(after)
    _bump(SeatTally, _seat_key(after), **{k: new[k] - old[k] for k in new})


def writers_asked(letters) -> None:
    """Writers of these sent letters were asked about a reply (one UPDATE a seat)."""
    by_seat: dict[tuple, int] = {}
    for letter in letters:
        key = tuple(_seat_key(letter).items())
        by_seat[key] = by_seat.get(key, 0) + 1
    for key, n in by_seat.items():
        _bump(SeatTally, dict(key), asked=n)


def _recount(campaign_id: int) -> tuple[list[dict], list[dict]]:
    sent = Letter.objects.filter(campaign_id=campaign_id, status=Letter.Status.SENT)
    seats = list(
        sent.values("constituency_code", "constituency_name", "recipient_name").annotate(
            sent=Count("id"), asked=Count("id", filter=Q(reply_asked_at__isnull=False)),
            told=Count("id", filter=Q(got_reply__isnull=False)), replies=Count("id", filter=Q(got_reply=True)),
            answered_points=Count("id", filter=Q(got_reply=True, reply_answered="yes")),
            reply_days=Sum("reply_after_days", filter=Q(got_reply=True), default=0),
        )
    )  # fmt: skip
    branches = list(sent.values(branch_id=F("member__branch_id")).annotate(sent=Count("id")))
    return seats, branches


@transaction.atomic
def tallies_rebuild(campaign: Campaign | int) -> None:
    """Recount a campaign's tallies from its letters (the writer's branch as
    it is now)."""
    campaign_id = getattr(campaign, "pk", campaign)
    Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    seats, branches = _recount(campaign_id)
    SeatTally.objects.filter(campaign_id=campaign_id).delete()
    BranchTally.objects.filter(campaign_id=campaign_id).delete()
    SeatTally.objects.bulk_create(SeatTally(campaign_id=campaign_id, **row) for row in seats)
    BranchTally.objects.bulk_create(BranchTally(campaign_id=campaign_id, **row) for row in branches)


def tallies_check(campaign: Campaign | int) -> bool:
    """Whether the kept seat counts equal a recount from the letters."""
    campaign_id = getattr(campaign, "pk", campaign)
    seats, _ = _recount(campaign_id)
    fields = ("constituency_code", "constituency_name", "recipient_name", "sent", "asked", "told", "replies", "answered_points", "reply_days")
    kept = {tuple(r[f] for f in fields) for r in SeatTally.objects.filter(campaign_id=campaign_id).exclude(sent=0).values(*fields)}
    return kept == {tuple(r[f] for f in fields) for r in seats}

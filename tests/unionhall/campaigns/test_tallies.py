"""The kept counts (tallies.py) the officers' report reads: they change in
the transaction that sends a letter or records a reply, equal a recount of
the letters at every step, and stay when letters are scrubbed."""

import datetime as dt
import random

from django.utils import timezone

from unionhall.campaigns import replies, services
from unionhall.campaigns.models import BranchTally, Letter, SeatTally
from unionhall.campaigns.tallies import tallies_check, tallies_rebuild
from unionhall.members.remit import remit_for

from ..conftest import make_member
from .conftest import run_retention
from .test_letters import write_and_confirm

WORDS = ("caseload court report visit office staff sickness risk hostel supervision night duty weekend "
         "training cover agency manager review assessment deadline backlog").split()  # fmt: skip


def own_letter(rng: random.Random, name: str) -> str:
    story = " ".join(" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(5))
    return f"Dear Chi Onwurah MP,\n\n{story}\n\nPlease press the minister to fund the staff we need.\n\nYours sincerely,\n{name}"


def seats(campaign):
    return {(c.code, c.letters) for c in services.letter_counts(campaign)}


def test_counts_follow_sending_replies_and_scrubbing_and_equal_a_recount(people, union, campaign):
    rng = random.Random(3)
    writers = [make_member(f"T{i}", union.north if i % 3 else union.south, email=f"t{i}@example.org") for i in range(6)]
    sent = [write_and_confirm(m, campaign, body=own_letter(rng, m.full_name), name=m.full_name) for m in writers[:5]]
    assert all(letter.status == Letter.Status.SENT for letter in sent)
    assert seats(campaign) == {("E14001377", 5)} and services.sent_total(campaign) == 5
    assert tallies_check(campaign)
    assert sorted((b.branch, b.letters) for b in services.branch_counts(campaign)) == [("North", 3), ("South", 2)]

    # A near-copy is held and not counted; an officer sends it and it is.
    copy = write_and_confirm(writers[5], campaign, body=sent[0].body.replace(writers[0].full_name, writers[5].full_name), name=writers[5].full_name)
    assert copy.status == Letter.Status.HELD and services.sent_total(campaign) == 5 and tallies_check(campaign)
    services.letter_decide(user=people.hq.user, remit=remit_for(people.hq.user), letter_id=copy.pk, send=True)
    assert services.sent_total(campaign) == 6 and tallies_check(campaign)

    # Writers asked, and answering (and changing their answer).
    assert replies.letters_ask_replies(now=timezone.now() + dt.timedelta(days=15)) == 6
    assert tallies_check(campaign)
    answers = [
        replies.ReplyAnswer(got_reply=True, after_days=4, answered="yes"),
        replies.ReplyAnswer(got_reply=True, after_days=10, answered="partly"),
        replies.ReplyAnswer(got_reply=False),
    ]
    for writer, letter, answer in zip(writers, sent, answers, strict=False):
        replies.letter_reply_record(member=writer, letter_id=letter.pk, answer=answer)
        assert tallies_check(campaign)
    replies.letter_reply_record(member=writers[2], letter_id=sent[2].pk, answer=replies.ReplyAnswer(got_reply=True, after_days=7, answered="yes"))
    replies.letter_reply_record(member=writers[0], letter_id=sent[0].pk, answer=replies.ReplyAnswer(got_reply=False))
    assert tallies_check(campaign)
    (row,) = replies.responsiveness(campaign)
    assert (row.sent, row.asked, row.answered_by_member, row.replies, row.answered_points, row.mean_days) == (6, 6, 3, 2, 1, 8.5)

    # Scrubbing, a member deleting their own letter and erasure keep every count.
    before = (seats(campaign), list(SeatTally.objects.values_list("sent", "replies")), list(BranchTally.objects.values_list("sent")))
    services.letter_delete_own(member=writers[1], letter_id=sent[1].pk)
    services.letters_erase(member_id=writers[3].pk)
    assert run_retention(29) == 4
    after = (seats(campaign), list(SeatTally.objects.values_list("sent", "replies")), list(BranchTally.objects.values_list("sent")))
    assert after == before and tallies_check(campaign)
    assert Letter.objects.filter(campaign=campaign, body="").count() == 6


def test_a_rebuild_recounts_letters_made_directly_and_the_check_sees_a_wrong_count(people, union, campaign):
    member = make_member("R1", union.north)
    Letter.objects.create(campaign=campaign, member=member, status=Letter.Status.SENT, constituency_code="E14001063",
                          recipient_name="An MP", recipient_email="mp@example.org", written_at=timezone.now())  # fmt: skip
    assert not tallies_check(campaign) and services.sent_total(campaign) == 0
    tallies_rebuild(campaign)
    assert tallies_check(campaign) and services.sent_total(campaign) == 1
    SeatTally.objects.filter(campaign=campaign).update(sent=2)
    assert not tallies_check(campaign)

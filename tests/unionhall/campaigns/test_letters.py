"""A member's letter: written, confirmed from the emailed link, sent or held;
every refusal writes nothing."""

import datetime as dt
import random
import re

import pytest
from django.utils import timezone

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import services
from unionhall.campaigns.models import Campaign, Letter, LetterSketch
from unionhall.outbox.models import Message
from unionhall.refusals import Refused

from .conftest import MODEL, NO_EMAIL, SPLIT, WHOLE, make_campaign, own_words, run_retention


def draft(body=None, **extra):
    fields = dict(body=body or own_words(), signed_name="Alice Archer", address="1 Mill Road\nNewcastle", postcode=WHOLE)
    fields.update(extra)
    return services.LetterDraft(**fields)


def token_from_email(member) -> str:
    message = Message.objects.get(topic=services.TOPIC_CONFIRM, member=member)
    return re.search(r"/campaigns/confirm/([^/]+)/", message.content.text).group(1)


def write_and_confirm(member, campaign, body=None, name="Alice Archer"):
    services.letter_write(member=member, campaign=campaign, draft=draft(body, signed_name=name))
    return services.letter_confirm(token=token_from_email(member))


def test_writing_saves_an_unconfirmed_letter_and_emails_the_link_but_sends_nothing(people, campaign):
    letter = services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    assert letter.status == Letter.Status.UNCONFIRMED
    assert letter.recipient_name == "Dame Chi Onwurah MP" and letter.constituency_name == "Newcastle upon Tyne Central and West"
    assert letter.address.endswith("NE1 4XX")
    confirm = Message.objects.get(topic=services.TOPIC_CONFIRM)
    assert confirm.address == people.alice.email
    assert "https://hall.example.org/campaigns/confirm/" in confirm.content.text
    assert not Message.objects.filter(topic=services.TOPIC_LETTER).exists()
    assert letter.token_hash and letter.token_hash not in confirm.content.text  # only its hash is stored


def test_confirming_sends_the_letter_to_the_mp_with_replies_to_the_member(people, campaign, settings):
    settings.CAMPAIGNS_DELIVER_LETTERS = True
    letter = write_and_confirm(people.alice, campaign)
    assert letter.status == Letter.Status.SENT and letter.sent_at
    sent = Message.objects.get(topic=services.TOPIC_LETTER)
    assert sent.address == "chi.onwurah.mp@parliament.uk"
    assert sent.content.reply_to == people.alice.email
    assert "My caseload is sixty-two cases" in sent.content.text and "1 Mill Road" in sent.content.text
    assert Message.objects.filter(topic=services.TOPIC_COPY, address=people.alice.email).exists()
    assert LetterSketch.objects.filter(letter=letter).count() > 10


def test_a_site_that_does_not_deliver_addresses_letters_to_a_test_domain(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    assert letter.constituency_code.startswith("E14")
    assert Message.objects.get(topic=services.TOPIC_LETTER).address == f"{letter.constituency_code}.{letter.pk}@letters.invalid"


def test_the_link_works_once(people, campaign):
    services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    token = token_from_email(people.alice)
    services.letter_confirm(token=token)
    with pytest.raises(Refused) as refused:
        services.letter_confirm(token=token)
    assert refused.value.status == 404
    assert Message.objects.filter(topic=services.TOPIC_LETTER).count() == 1


def test_an_expired_link_sends_nothing(people, campaign):
    letter = services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    Letter.objects.filter(pk=letter.pk).update(written_at=timezone.now() - dt.timedelta(days=services.CONFIRM_DAYS + 1))
    with pytest.raises(Refused):
        services.letter_confirm(token=token_from_email(people.alice))
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.UNCONFIRMED
    assert not Message.objects.filter(topic=services.TOPIC_LETTER).exists()


def test_a_letter_very_like_one_already_sent_is_held_and_the_branch_running_it_decides(people, union):
    campaign = make_campaign(people.carol.user, branches=[union.north])
    first = write_and_confirm(people.alice, campaign)
    copy = write_and_confirm(people.bob, campaign, body=own_words(name="Bob Baker"), name="Bob Baker")
    assert copy.status == Letter.Status.HELD and copy.likeness > 0.5 and copy.like_letter_id == first.pk
    assert Message.objects.filter(topic=services.TOPIC_LETTER).count() == 1
    decided = services.letter_decide(user=people.carol.user, remit=_remit(people.carol), letter_id=copy.pk, send=False)
    assert decided.status == Letter.Status.REFUSED
    assert Message.objects.filter(topic=services.TOPIC_LETTER).count() == 1
    assert Message.objects.filter(topic=services.TOPIC_COPY, address=people.bob.email, key__contains="refused").exists()


def test_an_officer_may_send_a_held_letter(people, campaign):
    write_and_confirm(people.alice, campaign)
    copy = write_and_confirm(people.bob, campaign, body=own_words(name="Bob Baker"), name="Bob Baker")
    sent = services.letter_decide(user=people.hq.user, remit=_remit(people.hq), letter_id=copy.pk, send=True)
    assert sent.status == Letter.Status.SENT and sent.decided_by == people.hq.user
    assert Message.objects.filter(topic=services.TOPIC_LETTER).count() == 2


def test_an_officer_outside_the_writers_branch_cannot_decide_and_changes_nothing(people, campaign):
    write_and_confirm(people.alice, campaign)
    copy = write_and_confirm(people.bob, campaign, body=own_words(name="Bob Baker"), name="Bob Baker")
    with pytest.raises(Refused) as refused:
        services.letter_decide(user=people.dave.user, remit=_remit(people.dave), letter_id=copy.pk, send=True)
    assert refused.value.status == 404
    assert Letter.objects.get(pk=copy.pk).status == Letter.Status.HELD


def test_a_letter_in_other_words_is_sent_not_held(people, campaign):
    write_and_confirm(people.alice, campaign)
    other = own_words(name="Bob Baker", caseload="forty", story="")
    other = other.replace("far more than I can supervise properly", "and I work nights at an approved premises")
    other = "Dear Chi Onwurah MP,\n\nI run a hostel team of six, and we have had two vacancies since spring. " \
            "Agency staff do not know the residents, and incidents have doubled. I am writing because nobody above us listens.\n\nYours sincerely,\nBob Baker"
    letter = write_and_confirm(people.bob, campaign, body=other, name="Bob Baker")
    assert letter.status == Letter.Status.SENT


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(body=MODEL), "blanks"),
        ("model", "model letter"),
        (dict(signed_name="  "), "Sign"),
        (dict(address=""), "home address"),
        (dict(postcode="nonsense"), "not a UK postcode"),
        (dict(postcode="ZZ9 9ZZ"), "cannot find"),
        (dict(postcode=SPLIT), "more than one constituency"),
        (dict(postcode=NO_EMAIL), "contact page"),
        (dict(body="x" * 9000), "under 8,000"),
    ],
)
def test_a_letter_that_is_not_ready_is_refused_and_nothing_is_written(people, campaign, change, message):
    entries = AuditEntry.objects.count()
    if change == "model":  # the model letter with every blank filled and nothing of the member's own
        filled = services.fill_model_letter(campaign, people.alice, representative="Dame Chi Onwurah MP", constituency="Newcastle")
        change = dict(body=filled.replace("[your caseload]", "sixty"))
    with pytest.raises(Refused, match=message):
        services.letter_write(member=people.alice, campaign=campaign, draft=draft(**change))
    assert not Letter.objects.exists() and not Message.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_split_postcode_is_accepted_once_the_member_says_which_constituency(people, campaign):
    letter = services.letter_write(member=people.alice, campaign=campaign, draft=draft(postcode=SPLIT, constituency_code="S14000060"))
    assert letter.constituency_name == "Aberdeen North"


def test_one_letter_per_member_per_campaign_until_withdrawn(people, campaign):
    first = services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    with pytest.raises(Refused, match="already"):
        services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    withdrawn = services.letter_withdraw(member=people.alice, letter_id=first.pk)
    assert withdrawn.status == Letter.Status.WITHDRAWN and withdrawn.body == "" and withdrawn.address == ""
    assert services.letter_write(member=people.alice, campaign=campaign, draft=draft()).pk != first.pk


def test_a_member_cannot_withdraw_anothers_letter(people, campaign):
    letter = services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    with pytest.raises(Refused):
        services.letter_withdraw(member=people.bob, letter_id=letter.pk)
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.UNCONFIRMED


def test_a_closed_campaign_takes_no_letters_and_sends_no_unconfirmed_ones(people, campaign):
    services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign.refresh_from_db()
    with pytest.raises(Refused, match="closed"):
        services.letter_confirm(token=token_from_email(people.alice))
    with pytest.raises(Refused, match="not taking letters"):
        services.letter_write(member=people.bob, campaign=campaign, draft=draft())
    assert not Message.objects.filter(topic=services.TOPIC_LETTER).exists()


def test_a_named_target_gets_every_letter(people):
    campaign = make_campaign(people.hq.user, target=Campaign.Target.NAMED, target_name="The Chief Executive", target_email="ceo@employer.example", slug="ceo")
    letter = services.letter_write(member=people.alice, campaign=campaign, draft=draft(postcode="", address=""))
    assert (letter.recipient_name, letter.recipient_email, letter.constituency_code) == ("The Chief Executive", "ceo@employer.example", "")


def test_letters_are_forgotten_after_the_keeping_period_but_still_counted(people, campaign, settings):
    settings.CAMPAIGNS_KEEP_LETTERS_DAYS = 30  # the period the retention schedule starts with
    sent = write_and_confirm(people.alice, campaign)
    fresh = services.letter_write(member=people.bob, campaign=campaign, draft=draft(signed_name="Bob Baker"))
    later = timezone.now() + dt.timedelta(days=31)
    assert services.letters_expire(now=later) == 1  # never confirmed: its link expired
    assert run_retention(30) == 0
    assert run_retention(31) == 1
    sent.refresh_from_db()
    fresh.refresh_from_db()
    assert (sent.body, sent.address, sent.signed_name, sent.status) == ("", "", "", Letter.Status.SENT)
    assert fresh.status == Letter.Status.WITHDRAWN and fresh.body == ""
    assert set(LetterSketch.objects.values_list("letter_id", flat=True)) == {sent.pk}  # its keyed sketch stays: copies are still held
    assert [(c.name, c.letters) for c in services.letter_counts(campaign)] == [("Newcastle upon Tyne Central and West", 1)]
    assert services.letters_expire(now=later) == 0 and run_retention(31) == 0


def test_counts_by_constituency(people, campaign):
    write_and_confirm(people.alice, campaign)
    services.letter_write(member=people.erin, campaign=campaign, draft=draft(postcode=SPLIT, constituency_code="S14000061", signed_name="Erin Evans",
                          body="Dear Douglas Lumsden MP,\n\nAs a probation officer in Aberdeen I see every week how thin we are stretched; "
                               "a colleague of mine has eighty cases.\n\nYours sincerely,\nErin Evans"))  # fmt: skip
    services.letter_confirm(token=token_from_email(people.erin))
    assert [(c.name, c.letters) for c in services.letter_counts(campaign)] == [("Newcastle upon Tyne Central and West", 1), ("Aberdeen South", 1)]  # equal counts: by ONS code


def _remit(member):
    from unionhall.members.remit import remit_for

    return remit_for(member.user)


def test_erasure_forgets_every_letter_of_the_member_at_once_and_withdraws_unsent_ones(people, campaign, union):
    sent = write_and_confirm(people.alice, campaign)
    other = make_campaign(people.hq.user, slug="other")
    pending = services.letter_write(member=people.alice, campaign=other, draft=draft())
    bobs = services.letter_write(member=people.bob, campaign=campaign, draft=draft(signed_name="Bob Baker"))
    assert services.letters_erase(member_id=people.alice.pk) == 2
    sent.refresh_from_db()
    pending.refresh_from_db()
    bobs.refresh_from_db()
    assert (sent.status, sent.body, sent.address) == (Letter.Status.SENT, "", "")
    assert (pending.status, pending.body) == (Letter.Status.WITHDRAWN, "")
    assert bobs.body  # another member's letter is untouched
    assert services.letters_erase(member_id=people.alice.pk) == 0


def test_the_declared_export_shows_the_members_own_letters_only(people, campaign):
    from unionhall import personal_data

    write_and_confirm(people.alice, campaign)
    services.letter_write(member=people.bob, campaign=campaign, draft=draft(signed_name="Bob Baker"))
    declared = personal_data.declaration("campaigns.Letter")
    rows = list(personal_data.member_rows(declared, people.alice.pk).values(*declared.export_fields))
    assert [(r["campaign__title"], r["signed_name"]) for r in rows] == [("Safe caseloads", "Alice Archer")]


def test_a_burst_of_confirms_shares_one_delivery_task_which_sends_every_letter(people, union, monkeypatch, mailoutbox):
    from unionhall.campaigns import tasks
    from unionhall.campaigns.models import Campaign

    from ..conftest import make_member
    from .test_tallies import own_letter

    campaign = make_campaign(people.hq.user, slug="burst")
    enqueued = []
    real = tasks.deliver_letters
    monkeypatch.setattr(tasks, "deliver_letters", type("Held", (), {"enqueue": staticmethod(lambda **kw: enqueued.append(kw))}))
    writers = [make_member(f"Q{i}", union.north, email=f"q{i}@example.org") for i in range(3)]
    rng = random.Random(5)
    for member in writers:
        assert write_and_confirm(member, campaign, body=own_letter(rng, member.full_name), name=member.full_name).status == Letter.Status.SENT
    assert enqueued == [{"campaign_id": campaign.pk}]  # one task for the burst
    queued = Message.objects.filter(topic__in=tasks.TOPICS, status="queued")
    assert queued.count() == 6 and Campaign.objects.get(pk=campaign.pk).delivery_queued_at is not None
    assert real.call(campaign_id=campaign.pk) == 6  # the task: clears the mark, hands all six to the sender
    assert not queued.exists() and Message.objects.filter(topic__in=tasks.TOPICS, status="sent").count() == 6
    assert {m.to[0] for m in mailoutbox} >= {w.email for w in writers}
    assert Campaign.objects.get(pk=campaign.pk).delivery_queued_at is None
    other = make_member("Q9", union.north, email="q9@example.org")
    write_and_confirm(other, campaign, body=own_letter(rng, other.full_name), name=other.full_name)
    assert len(enqueued) == 2  # the mark was cleared, so the next letter enqueues the next task


def test_a_copy_is_held_after_the_letter_it_copies_was_deleted_by_its_writer(people, campaign):
    """Send, then "delete my letter": the text went and its sketch with it, so
    the next copy of a circulated text went unheld (review finding). The
    sketch stays, keyed: hashes nobody can test a guessed phrase against
    without the site's key."""
    from unionhall.campaigns import likeness

    first = write_and_confirm(people.alice, campaign)
    body = first.body
    services.letter_delete_own(member=people.alice, letter_id=first.pk)
    first.refresh_from_db()
    assert first.body == "" and first.forgotten_at is not None
    stored = set(LetterSketch.objects.filter(letter=first).values_list("hash", flat=True))
    assert stored and not stored & likeness.shingles(body)  # keyed: not the plain hashes of its runs
    copy = write_and_confirm(people.bob, campaign, name="Bob Baker")
    assert copy.status == Letter.Status.HELD and copy.like_letter_id == first.pk


def test_erasure_takes_a_letters_sketch_too_even_once_its_text_was_forgotten(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    assert LetterSketch.objects.filter(letter=letter).exists()
    assert services.letters_erase(member_id=people.alice.pk) == 1
    assert not LetterSketch.objects.filter(letter=letter).exists()
    other = write_and_confirm(people.bob, campaign, name="Bob Baker")
    assert services.letters_kept_forget([other.pk]) == 1 and LetterSketch.objects.filter(letter=other).exists()  # the keeping period
    assert services.letters_erase(member_id=people.bob.pk) == 0  # no text left to erase (review finding: its sketch stayed)
    assert not LetterSketch.objects.filter(letter=other).exists()

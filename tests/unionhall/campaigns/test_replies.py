"""After sending: the writer is asked once whether a reply came; the answer
is theirs to give; officers see responsiveness and mark MPs as supporting.
Every refusal changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import replies, services
from unionhall.campaigns.models import Letter, Supporter
from unionhall.outbox.models import Message
from unionhall.refusals import Refused

from ..conftest import sign_in
from .conftest import run_retention
from .test_letters import draft, write_and_confirm

TWO_WEEKS_ON = dt.timedelta(days=14, minutes=1)


def test_the_writer_is_asked_once_two_weeks_after_sending(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    assert replies.letters_ask_replies(now=timezone.now() + dt.timedelta(days=13)) == 0
    assert not Message.objects.filter(topic=replies.TOPIC_ASK_REPLY).exists()
    later = timezone.now() + TWO_WEEKS_ON
    assert replies.letters_ask_replies(now=later) == 1
    asked = Message.objects.get(topic=replies.TOPIC_ASK_REPLY)
    assert asked.address == people.alice.email
    assert f"/campaigns/letters/{letter.pk}/reply/" in asked.content.text
    assert replies.letters_ask_replies(now=later + dt.timedelta(days=1)) == 0
    assert Message.objects.filter(topic=replies.TOPIC_ASK_REPLY).count() == 1


def test_unsent_letters_are_not_asked_about(people, campaign):
    services.letter_write(member=people.alice, campaign=campaign, draft=draft())
    assert replies.letters_ask_replies(now=timezone.now() + dt.timedelta(days=30)) == 0


def test_a_reply_is_recorded_and_its_text_kept_only_with_consent(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    answer = replies.ReplyAnswer(got_reply=True, after_days=9, answered="partly", text="Thank you for writing.", keep_text=True)
    replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=answer)
    letter.refresh_from_db()
    assert (letter.got_reply, letter.reply_after_days, letter.reply_answered, letter.reply_text) == (True, 9, "partly", "Thank you for writing.")
    # Changed to "no reply": the text goes.
    replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=replies.ReplyAnswer(got_reply=False))
    letter.refresh_from_db()
    assert (letter.got_reply, letter.reply_after_days, letter.reply_text) == (False, None, "")


@pytest.mark.parametrize(
    "answer, message",
    [
        (replies.ReplyAnswer(got_reply=True, after_days=None, answered="yes"), "after how many days"),
        (replies.ReplyAnswer(got_reply=True, after_days=5, answered="maybe"), "answered the points"),
        (replies.ReplyAnswer(got_reply=True, after_days=5, answered="yes", text="Dear Alice", keep_text=False), "did not say we may keep it"),
        (replies.ReplyAnswer(got_reply=True, after_days=5, answered="yes", text="x" * 20_001, keep_text=True), "paste at most"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_changes(people, campaign, answer, message):
    letter = write_and_confirm(people.alice, campaign)
    with pytest.raises(Refused, match=message):
        replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=answer)
    letter.refresh_from_db()
    assert letter.got_reply is None and letter.reply_recorded_at is None and letter.reply_text == ""


def test_only_the_writer_records_a_reply(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    with pytest.raises(Refused) as refused:
        replies.letter_reply_record(member=people.bob, letter_id=letter.pk, answer=replies.ReplyAnswer(got_reply=True, after_days=1, answered="yes"))
    assert refused.value.status == 404
    letter.refresh_from_db()
    assert letter.got_reply is None


def test_the_reply_page_is_the_writers_alone(client, people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    url = reverse("campaigns_letter_reply", args=[letter.pk])
    sign_in(client, people.carol)  # North's secretary: a colleague, still not the writer
    assert client.get(url).status_code == 404
    assert client.post(url, {"got_reply": "yes", "after_days": "3", "answered": "yes"}).status_code == 404
    sign_in(client, people.alice)
    assert client.get(url).status_code == 200
    response = client.post(url, {"got_reply": "yes", "after_days": "3", "answered": "yes", "text": "<script>x</script>We agree.", "keep_text": "on"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.got_reply and letter.reply_text.endswith("We agree.")


def test_officers_see_responsiveness_and_shared_replies_escaped(client, people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=replies.ReplyAnswer(
        got_reply=True, after_days=4, answered="yes", text="<b>We back you</b>", keep_text=True))  # fmt: skip
    [row] = replies.responsiveness(campaign)
    assert (row.sent, row.replies, row.answered_points, row.mean_days, row.supporting) == (1, 1, 1, 4, False)
    sign_in(client, people.hq)
    report = client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()
    assert "Read the replies members shared (1)" in report and "We back you" not in report
    assert not AuditEntry.objects.filter(detail__page="replies").exists()  # the report reads no reply
    page = client.get(reverse("campaigns_replies", args=[campaign.slug])).content.decode()
    assert "&lt;b&gt;We back you&lt;/b&gt;" in page and "<b>We back you</b>" not in page
    assert AuditEntry.objects.filter(detail__page="replies", subject_id=str(letter.pk)).exists()


def test_an_mp_marked_as_supporting_is_off_the_list_and_members_are_not_asked_to_write(client, people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    sign_in(client, people.hq)
    client.post(reverse("campaigns_supporter", args=[campaign.slug]), {"code": letter.constituency_code, "supporting": "yes"})
    assert Supporter.objects.filter(campaign=campaign, constituency_code=letter.constituency_code).exists()
    assert replies.responsiveness(campaign)[0].supporting
    with pytest.raises(Refused, match="already supports"):
        services.letter_write(member=people.bob, campaign=campaign, draft=draft(signed_name="Bob Baker"))
    assert not Letter.objects.filter(member=people.bob).exists()


def test_a_branch_officer_cannot_mark_supporters_in_an_hq_campaign(client, people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    sign_in(client, people.carol)
    response = client.post(reverse("campaigns_supporter", args=[campaign.slug]), {"code": letter.constituency_code, "supporting": "yes"})
    assert response.status_code == 404
    assert not Supporter.objects.exists()
    sign_in(client, people.alice)
    client.post(reverse("campaigns_supporter", args=[campaign.slug]), {"code": letter.constituency_code, "supporting": "yes"})
    assert not Supporter.objects.exists()


def test_an_unknown_constituency_cannot_be_marked(people, campaign):
    with pytest.raises(Refused, match="No such constituency"):
        replies.supporter_set(user=people.hq.user, remit=_hq_remit(people), campaign=campaign, constituency_code="X99", supporting=True)
    assert not Supporter.objects.exists()


def test_erasure_deletes_a_kept_reply_too(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=replies.ReplyAnswer(
        got_reply=True, after_days=2, answered="no", text="Noted.", keep_text=True))  # fmt: skip
    assert run_retention(29) == 1
    letter.refresh_from_db()
    assert letter.body == "" and letter.reply_text == "Noted."  # the member agreed we keep the reply
    services.letters_erase(member_id=people.alice.pk)
    letter.refresh_from_db()
    assert letter.reply_text == "" and letter.got_reply is True  # the count stays


def test_letters_are_kept_28_days_by_default(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    assert services.keep_days() == 28
    assert run_retention(28) == 0  # kept for 28 whole days; the night after, forgotten
    assert run_retention(29) == 1
    letter.refresh_from_db()
    assert letter.body == "" and letter.address == "" and letter.signed_name == ""


def test_the_period_hq_sets_on_the_schedule_governs_letters_and_what_writers_are_told(client, people, campaign):
    from unionhall.datarights import retention

    letter = write_and_confirm(people.alice, campaign)
    retention.period_set(key="campaign_letter", days=10, legal_reason="Shorter: the campaign is sensitive.", actor=people.hq.user)
    assert services.keep_days() == 10
    assert [d.count for d in retention.retention_dry_run(today=timezone.localdate() + dt.timedelta(days=11)) if d.model == "campaigns.Letter"] == [1]
    assert run_retention(10) == 0 and run_retention(11) == 1
    letter.refresh_from_db()
    assert letter.body == ""
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("datarights_my_data")).content.decode()
    assert "Kept: 10 days from the day the letter was sent or refused" in page
    letters = page.split("Letters you wrote in campaigns", 1)[1].split("</section>", 1)[0]
    assert "when the message was queued" not in letters  # the outbox's period, which they were told before


def _hq_remit(people):
    from unionhall.members.remit import remit_for

    return remit_for(people.hq.user)


def test_a_member_deletes_their_own_sent_letter_and_it_still_counts(client, people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    url = reverse("campaigns_letter_delete", args=[letter.pk])
    sign_in(client, people.bob, mfa=False)  # a colleague
    assert client.post(url).status_code == 404
    letter.refresh_from_db()
    assert letter.body and letter.address
    sign_in(client, people.alice, mfa=False)
    assert "Delete my letter" in client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    client.post(url)
    letter.refresh_from_db()
    assert (letter.body, letter.address, letter.signed_name, letter.status) == ("", "", "", Letter.Status.SENT)
    assert services.sent_total(campaign) == 1
    with pytest.raises(Refused, match="deleted already"):
        services.letter_delete_own(member=people.alice, letter_id=letter.pk)


def test_a_bounced_letter_is_shown_to_its_writer_and_to_hq(client, people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    sign_in(client, people.alice, mfa=False)
    assert "could not be delivered" not in client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    Message.objects.filter(topic=services.TOPIC_LETTER).update(status="bounced", last_error="550 <b>no such user</b>")
    assert services.delivery_of(letter) == ("bounced", "550 <b>no such user</b>")
    assert "could not be delivered to Dame Chi Onwurah MP" in client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    sign_in(client, people.hq)
    page = client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()
    assert "Letters not delivered: 1" in page and "bounced: 550 &lt;b&gt;no such user&lt;/b&gt;" in page


def test_a_letter_confirmed_days_after_it_was_written_is_kept_the_period_from_sending(people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    Letter.objects.filter(pk=letter.pk).update(written_at=timezone.now() - dt.timedelta(days=6))  # written, then confirmed today
    assert run_retention(28) == 0  # 34 days after writing, 28 after sending: still kept
    assert run_retention(29) == 1

"""One-click unsubscribe (RFC 8058) on mail a member chose, and on nothing else."""

from django.core import mail
from django.test import Client

from tests.unionhall.outbox.conftest import BASE_URL
from tests.unionhall.outbox.test_webhooks import POSTMARK, SECRET, anymail, basic_auth, post  # noqa: F401  (anymail is a fixture)
from unionhall.audit.models import AuditEntry
from unionhall.bulletins.delivery import Lists
from unionhall.members.models import Member
from unionhall.outbox.models import AddressFlag, Topic
from unionhall.outbox.services import email_queue
from unionhall.outbox.unsubscribe import mailing_list, token_for


def test_the_bulletins_lists_are_registered_in_every_process():
    # Registered from the bulletins' notifications module by OutboxConfig.ready, whatever was imported.
    assert {key for key in Lists.ALL if mailing_list(key)} == set(Lists.ALL)


def test_mail_a_member_chose_carries_one_click_headers_and_a_link_and_other_mail_none(people):
    email_queue(topic=Topic.BULLETIN, to=people.alice.email, subject="Bulletin", text="Stop: [[unsubscribe_url]]", html="<a href=\"[[unsubscribe_url]]\">Stop</a>",
                member_id=people.alice.pk, unsubscribe=Lists.BULLETINS)  # fmt: skip
    for topic in (Topic.SIGN_IN, Topic.BALLOT_TRACKER, Topic.ELECTION_NOTICE, Topic.BALLOT_INVITATION):
        email_queue(topic=topic, to=people.alice.email, subject=topic, text="...", member_id=people.alice.pk)
    bulletin, *others = mail.outbox
    link = bulletin.extra_headers["List-Unsubscribe"].split(">")[0].removeprefix("<")
    assert link.startswith(f"{BASE_URL}/outbox/unsubscribe/") and bulletin.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert bulletin.body == f"Stop: {link}" and f'href="{link}"' in bulletin.alternatives[0][0]
    assert len(others) == 4 and not any("List-Unsubscribe" in m.extra_headers for m in others)


def test_get_asks_and_post_unsubscribes_without_signing_in_and_twice_is_harmless(people):
    url = f"/outbox/unsubscribe/{token_for(member_id=people.alice.pk, list_key=Lists.BULLETINS)}/"
    client = Client(enforce_csrf_checks=True)
    assert "Stop bulletins by email?" in client.get(url).content.decode()
    assert Member.objects.get(pk=people.alice.pk).bulletins_by_email  # a link scanner's GET changes nothing
    assert "You will get no more bulletins by email" in client.post(url, {"List-Unsubscribe": "One-Click"}).content.decode()
    assert client.post(url).status_code == 200
    assert not Member.objects.get(pk=people.alice.pk).bulletins_by_email
    assert AuditEntry.objects.filter(subject_id=str(people.alice.pk), detail__fields=["bulletins_by_email"]).count() == 1


def test_a_token_for_a_list_that_does_not_exist_or_forged_changes_nothing(people):
    for token in (token_for(member_id=people.alice.pk, list_key="everything"), token_for(member_id=people.alice.pk, list_key=Lists.BULLETINS)[:-3] + "abc"):
        assert Client().post(f"/outbox/unsubscribe/{token}/").status_code == 404
    assert Member.objects.get(pk=people.alice.pk).bulletins_by_email


def test_an_unsubscribe_at_the_provider_leaves_the_messages_list(people, anymail, settings):
    message = email_queue(topic=Topic.BULLETIN, to=people.alice.email, subject="Bulletin", text="...", member_id=people.alice.pk, unsubscribe=Lists.BULLETINS)
    message.refresh_from_db()
    change = {"RecordType": "SubscriptionChange", "MessageID": message.provider_id, "Recipient": message.address, "SuppressSending": True,
              "SuppressionReason": "ManualSuppression", "ChangedAt": "2026-12-01T10:00:00Z", "Metadata": {}}  # fmt: skip
    assert post(POSTMARK, change, HTTP_AUTHORIZATION=basic_auth(SECRET)).status_code == 200
    people.alice.refresh_from_db()
    assert not people.alice.bulletins_by_email and not AddressFlag.objects.exists()

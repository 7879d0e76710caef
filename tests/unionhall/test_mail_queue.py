"""Mail is queued in the outbox by the request and sent by the worker: the
sign-in form answers the same way, and as fast, for members and strangers;
what the caller's transaction undoes is never sent; a lost task loses no mail."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from unionhall.mail import queue_email
from unionhall.outbox.models import Message
from unionhall.outbox.sending import send_due

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_sign_in_code_is_queued_not_sent_in_the_request_then_the_worker_sends_it(client, people):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        client.post(reverse("account_request_login_code"), {"email": "a1@example.org"})
        client.post(reverse("account_request_login_code"), {"email": "stranger@example.org"})
        assert mail.outbox == [] and DBTaskResult.objects.count() == 1
    message = Message.objects.get()
    assert (message.topic, message.status, message.member_id, message.address) == ("sign_in", "queued", people.alice.pk, "a1@example.org")
    assert message.expires_at is not None  # a code is not sent after it has run out
    # What the worker (manage.py db_worker) does with the queued row; the worker
    # itself closes database connections, which a test transaction cannot survive.
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "unionhall.outbox.sending.send_swept" and queued.run_after is not None
    with override_settings(TASKS=DB_TASKS):
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        assert [m.to for m in mail.outbox] == [["a1@example.org"]]
        assert "/accounts/login/code/confirm/?code=" in mail.outbox[0].body
        assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # nobody can unsubscribe from signing in
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])  # the task run twice
    assert len(mail.outbox) == 1


def test_mail_queued_in_a_transaction_that_is_undone_is_never_sent(db):
    with override_settings(TASKS=DB_TASKS):
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_email(subject="Your tracker", body="abc", to=["a1@example.org"], topic="ballot_tracker")
            raise RuntimeError("the vote failed after all")
    assert not Message.objects.exists()
    assert send_due() == {"interrupted": 0} and not mail.outbox


def test_single_messages_queued_together_share_one_task_that_sends_them_in_one_batch(db):
    """At a ballot's peak a hundred trackers a second: one task and one connection each second, not a hundred."""
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        for n in range(5):
            queue_email(subject="Your tracker", body=f"t-{n}", to=[f"v{n}@example.org"], topic="ballot_tracker", key=f"tracker:{n}")
        assert DBTaskResult.objects.count() == 1 and not mail.outbox
        queued = DBTaskResult.objects.get()
        assert queued.task.call() == {"sent": 5}
    assert sorted(m.body for m in mail.outbox) == [f"t-{n}" for n in range(5)]
    assert Message.objects.filter(status="sent").count() == 5


def test_mail_whose_task_was_lost_is_sent_by_the_periodic_job(db):
    with override_settings(TASKS=DB_TASKS):
        queue_email(subject="Your tracker", body="abc", to=["a1@example.org", "b1@example.org"], topic="ballot_tracker", key="tracker:1")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the worker lost them
    assert send_due()["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a1@example.org", "b1@example.org"]  # one message each: neither sees the other
    queue_email(subject="Your tracker", body="abc", to=["a1@example.org"], topic="ballot_tracker", key="tracker:1")
    assert Message.objects.count() == 2 and len(mail.outbox) == 2  # the same logical message is queued once


def test_a_key_with_a_long_address_still_fits_and_still_names_one_message(db):
    from unionhall.mail import address_key

    longest = "a" * 64 + "@" + "b" * 61 + "." + "c" * 60 + "." + "d" * 62 + ".org"
    for _ in range(2):
        queue_email(subject="Notice", body="abc", to=[longest], key="notice:the-ballot-closing-soon:member:12345")
    assert Message.objects.count() == 1 and len(Message.objects.get().key) <= 200
    assert address_key("k", "A@Example.org") == "k:a@example.org"  # short keys as before

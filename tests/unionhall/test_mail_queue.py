"""Mail is queued in the request and sent by the worker: the sign-in form
answers the same way, and as fast, for members and strangers."""

from django.core import mail
from django.test import override_settings
from django.urls import reverse

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_sign_in_code_is_queued_not_sent_in_the_request_then_the_worker_sends_it(client, people):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        client.post(reverse("account_request_login_code"), {"email": "a1@example.org"})
        client.post(reverse("account_request_login_code"), {"email": "stranger@example.org"})
        assert mail.outbox == [] and DBTaskResult.objects.count() == 1
    # What the worker (manage.py db_worker) does with the queued row; the worker
    # itself closes database connections, which a test transaction cannot survive.
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "unionhall.mail.send_email"
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert [m.to for m in mail.outbox] == [["a1@example.org"]]
    assert "/accounts/login/code/confirm/?code=" in mail.outbox[0].body

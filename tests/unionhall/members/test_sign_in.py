"""Members sign in with an emailed one-time link or code; the register is not
open for sign-up and does not say who is a member."""

import re

from django.core import mail
from django.urls import reverse

from unionhall.members.models import User


def test_a_member_signs_in_with_the_emailed_link(client, people):
    response = client.post(reverse("account_request_login_code"), {"email": "a1@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://[^/\s]+(/accounts/login/code/confirm/\?code=(\S+))", body)
    assert link, body
    page = client.get(link.group(1))
    assert f'value="{link.group(2)}"' in page.content.decode()
    response = client.post(reverse("account_confirm_login_code"), {"code": link.group(2)})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["member"] == people.alice


def test_a_wrong_code_does_not_sign_in(client, people):
    client.post(reverse("account_request_login_code"), {"email": "a1@example.org"})
    client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    assert client.get(reverse("home")).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, people):
    response = client.post(reverse("account_request_login_code"), {"email": "stranger@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_there_is_no_open_sign_up(client, db):
    response = client.post(reverse("account_signup"), {"email": "new@example.org", "password1": "x" * 20, "password2": "x" * 20})
    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code in (200, 302, 403)


def test_pages_about_members_are_not_cached(client, people):
    client.force_login(people.alice.user)
    response = client.get(reverse("my_details"))
    assert response["Cache-Control"] == "private, no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]

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


def test_setting_up_totp_and_signing_in_are_audited(client, people, django_capture_on_commit_callbacks):
    import time

    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

    from unionhall.audit.models import Action, AuditEntry

    client.post(reverse("account_request_login_code"), {"email": "c1@example.org"})
    code = re.search(r"code=(\S+)", mail.outbox[-1].body).group(1)
    client.post(reverse("account_confirm_login_code"), {"code": code})
    assert AuditEntry.objects.filter(action=Action.SIGN_IN, actor=people.carol.user).count() == 1
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces after commit
        response = client.post(reverse("mfa_activate_totp"), {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))})
    assert response.status_code == 302 and response.url != reverse("mfa_activate_totp"), response.url
    entries = AuditEntry.objects.filter(action=Action.PERMISSION, actor=people.carol.user)
    assert {"event": "second factor added", "type": "totp"} in [e.detail for e in entries]


def test_the_second_step_pages_speak_plainly_and_a_wrong_code_says_so(client, people, settings, django_capture_on_commit_callbacks):
    import time

    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

    def sign_in_with_emailed_code():
        client.post(reverse("account_request_login_code"), {"email": "c1@example.org"})
        code = re.search(r"code=(\S+)", mail.outbox[-1].body).group(1)
        return client.post(reverse("account_confirm_login_code"), {"code": code})

    sign_in_with_emailed_code()
    page = client.get(reverse("mfa_index")).content.decode()
    assert "Your second sign-in step" in page and "<strong>Off.</strong>" in page and "Set up an authenticator app" in page
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    now = int(time.time()) // 30
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": format_hotp_value(hotp_value(secret, now))})
    page = client.get(reverse("mfa_index")).content.decode()
    assert "<strong>On.</strong>" in page and "Turn it off" in page and "Two-Factor Authentication" not in page

    client.post(reverse("account_logout"))
    settings.MFA_TOTP_TOLERANCE = 1  # the next period's code, as the code just used may not be used again
    response = sign_in_with_emailed_code()
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Type the code from your authenticator app" in page and 'autocomplete="one-time-code"' in page
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if format_hotp_value(hotp_value(secret, now + 1)) != "000000" else "111111"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    right = client.post(reverse("mfa_authenticate"), {"code": format_hotp_value(hotp_value(secret, now + 1))})
    assert right.status_code == 302 and "_auth_user_id" in client.session

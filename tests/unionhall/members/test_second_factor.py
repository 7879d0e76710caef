"""An officer's authenticator counts only once HQ has approved it with a code
handed over outside email: reading an officer's inbox is not enough."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests.unionhall.conftest import TOTP_SECRET, sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.members.second_factor import has_approved_totp, second_factor_issue_code


def sign_in_with_own_totp(client, member):
    """What someone who can read the officer's inbox can do: sign in by emailed
    code and set up an authenticator of their own."""
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY, AUTHENTICATION_METHODS_SESSION_KEY

    TOTP.activate(member.user, TOTP_SECRET)
    client.force_login(member.user, backend="unionhall.members.backends.ModelBackend")
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(member.user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "code", "at": time.time()}, {"method": "mfa", "at": time.time(), "type": "totp"}]
    session.save()


def test_an_authenticator_set_up_from_the_inbox_alone_does_not_open_the_register(client, people):
    sign_in_with_own_totp(client, people.carol)
    response = client.get(reverse("register_search"))
    assert response.status_code == 302 and response.url.startswith(reverse("second_factor_approve"))
    response = client.post(reverse("second_factor_approve"), {"code": "ABCDE-FGHJK"})
    assert "not right or has expired" in response.content.decode()
    assert client.get(reverse("register_search")).status_code == 302


def test_hqs_code_approves_the_authenticator_once(client, people):
    code = second_factor_issue_code(user=people.carol.user, actor=people.hq.user)
    sign_in_with_own_totp(client, people.carol)
    response = client.post(reverse("second_factor_approve"), {"code": code.lower(), "next": "/register/"})
    assert response.status_code == 302 and response.url == "/register/"
    assert client.get(reverse("register_search")).status_code == 200
    assert has_approved_totp(people.carol.user)
    events = [e.detail["event"] for e in AuditEntry.objects.filter(action=Action.PERMISSION)]
    assert events == ["authenticator set-up code issued", "authenticator approved"]


def test_an_approval_code_is_refused_after_too_many_attempts(client, people):
    code = second_factor_issue_code(user=people.carol.user, actor=people.hq.user)
    sign_in_with_own_totp(client, people.carol)
    for _ in range(5):
        client.post(reverse("second_factor_approve"), {"code": "WRONG-CODE1"})
    response = client.post(reverse("second_factor_approve"), {"code": code})
    assert "Too many attempts" in response.content.decode()
    assert not has_approved_totp(people.carol.user)


def test_the_next_address_cannot_lead_off_site(client, people):
    code = second_factor_issue_code(user=people.carol.user, actor=people.hq.user)
    sign_in_with_own_totp(client, people.carol)
    response = client.post(reverse("second_factor_approve"), {"code": code, "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_hq_issues_a_code_shown_once_and_can_reset_a_factor(client, people):
    sign_in(client, people.hq)
    page = client.post(reverse("second_factor_admin", args=["C1"]), {"action": "issue"}).content.decode()
    assert "Set-up code for Carol Cooper" in page and "Do not email it" in page
    sign_in(client, people.carol)  # an approved factor
    client.logout()
    sign_in(client, people.hq)
    client.post(reverse("second_factor_admin", args=["C1"]), {"action": "reset"})
    assert not Authenticator.objects.filter(user=people.carol.user).exists()
    assert not has_approved_totp(people.carol.user)


def test_only_hq_can_issue_codes(client, people):
    sign_in(client, people.carol)
    assert client.post(reverse("second_factor_admin", args=["A1"]), {"action": "issue"}).status_code == 403


def test_the_member_page_title_is_just_the_name(client, people):
    sign_in(client, people.hq)
    page = client.get(reverse("member_detail", args=["C1"])).content.decode()
    assert "<title>Carol Cooper · unionhall</title>" in page
    assert page.count("Issue a set-up code") == 1

"""Officers see members within their remit only; everyone else is refused with
a 403 that is itself recorded in the audit log."""

import csv
import io

import pytest
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.members.models import Office, Role
from unionhall.members.remit import remit_for


def search_numbers(client, **params) -> set[str]:
    response = client.get(reverse("register_search"), params)
    assert response.status_code == 200
    return {m.membership_number for m in response.context["page"].object_list}


def test_a_workplace_rep_sees_their_workplace_only(client, people):
    sign_in(client, people.bob)
    assert search_numbers(client) == {"A1", "B1"}


def test_a_branch_secretary_sees_their_branch_only(client, people):
    sign_in(client, people.carol)
    assert search_numbers(client) == {"A1", "B1", "C1"}


def test_a_link_officer_sees_the_branches_of_their_employer(client, people):
    sign_in(client, people.gina)
    assert search_numbers(client) == {"F1", "G1"}


def test_hq_staff_see_everyone(client, people):
    sign_in(client, people.hq)
    assert search_numbers(client) == {"A1", "B1", "C1", "D1", "E1", "F1", "G1", "H1"}


def test_filters_narrow_within_the_remit_and_never_beyond_it(client, people, union):
    sign_in(client, people.carol)
    # Asking for another branch's workplace is not a valid choice for her: no one is shown.
    assert search_numbers(client, workplace=union.quay.pk) == set()
    assert search_numbers(client, workplace=union.castle.pk) == {"C1"}
    assert search_numbers(client, office=Role.WORKPLACE_REP) == {"B1"}
    assert search_numbers(client, q="Arch") == {"A1"}
    assert search_numbers(client, q="Carol Coo") == {"C1"}


def test_an_ended_term_gives_no_remit(people):
    Office.objects.filter(member=people.bob).update(ends_on="2025-06-30")
    assert remit_for(people.bob.user).is_empty


def test_a_lapsed_officer_has_no_remit(people):
    people.carol.status = "lapsed"
    people.carol.save()
    assert remit_for(people.carol.user).is_empty


def test_an_officer_reads_a_member_in_their_remit_and_it_is_audited(client, people):
    sign_in(client, people.carol)
    response = client.get(reverse("member_detail", args=["A1"]))
    assert response.status_code == 200
    assert b"a1@example.org" in response.content
    entry = AuditEntry.objects.filter(action=Action.VIEW, subject_type="members.member").last()
    assert entry.subject_id == str(people.alice.pk) and entry.actor == people.carol.user


@pytest.mark.parametrize("officer,number", [("dave", "A1"), ("bob", "C1"), ("carol", "E1"), ("gina", "A1")])
def test_an_officer_is_refused_a_member_outside_their_remit_and_it_is_audited(client, people, officer, number):
    sign_in(client, getattr(people, officer))
    before = AuditEntry.objects.filter(action=Action.DENIED).count()
    response = client.get(reverse("member_detail", args=[number]))
    assert response.status_code == 403
    assert f"{number.lower()}@example.org".encode() not in response.content
    assert AuditEntry.objects.filter(action=Action.DENIED).count() == before + 1


def test_an_unknown_number_is_refused_like_an_outsider(client, people):
    sign_in(client, people.carol)
    assert client.get(reverse("member_detail", args=["NOPE1"])).status_code == 403


def test_a_plain_member_cannot_search_the_register(client, people):
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("register_search")).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.alice.user).exists()


def test_an_officer_without_totp_is_sent_to_set_it_up(client, people):
    sign_in(client, people.carol, mfa=False)
    response = client.get(reverse("register_search"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_an_officer_with_totp_who_signed_in_without_it_must_enter_a_code(client, people):
    sign_in(client, people.carol)  # enrols TOTP
    client.logout()
    sign_in(client, people.carol, mfa=False)
    response = client.get(reverse("register_search"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))


def test_an_anonymous_visitor_is_sent_to_sign_in(client, people):
    response = client.get(reverse("member_detail", args=["A1"]))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_only_hq_can_import_or_manage_offices(client, people):
    sign_in(client, people.carol)
    assert client.get(reverse("import_upload")).status_code == 403
    assert client.get(reverse("offices")).status_code == 403
    sign_in(client, people.hq)
    assert client.get(reverse("import_upload")).status_code == 200
    assert client.get(reverse("offices")).status_code == 200


def test_a_search_records_who_was_shown(client, people):
    sign_in(client, people.bob)
    client.get(reverse("register_search"), {"q": "Arch"})
    entry = AuditEntry.objects.filter(action=Action.VIEW, subject_id="search").last()
    assert entry.detail["shown"] == ["A1"] and entry.detail["filters"] == {"q": "(given)"}


def test_an_export_contains_the_remit_only_and_is_audited(client, people):
    sign_in(client, people.carol)
    response = client.post(reverse("register_export"), {"status": "active", "confirm": "yes"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "membership_number"
    assert sorted(row[0] for row in rows[1:]) == ["A1", "B1", "C1"]
    entry = AuditEntry.objects.filter(action=Action.EXPORT).last()
    assert entry.detail["filters"] == {"status": "active"} and entry.detail["count"] == 3


def test_an_export_needs_post(client, people):
    sign_in(client, people.carol)
    assert client.get(reverse("register_export")).status_code == 405


def test_an_export_cannot_carry_a_spreadsheet_formula(client, people):
    people.alice.last_name = '=HYPERLINK("http://evil.example","x")'
    people.alice.job_role = "+44 team"
    people.alice.save()
    sign_in(client, people.carol)
    body = b"".join(client.post(reverse("register_export"), {"q": "A1", "confirm": "yes"}).streaming_content).decode()
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
    assert "'+44 team" in body


def test_name_search_ignores_case_and_finds_renamed_members(client, people):
    people.alice.last_name = "Ó Dónaill"
    people.alice.save()
    sign_in(client, people.carol)
    assert search_numbers(client, q="ó") == {"A1"}
    assert search_numbers(client, q="Alice Ó D") == {"A1"}
    assert search_numbers(client, q="b1") == {"B1"}


def test_name_search_finds_a_name_with_or_without_its_accents(client, people):
    people.alice.last_name = "Ó Dónaill"
    people.alice.save()
    sign_in(client, people.carol)
    assert search_numbers(client, q="Alice O Donaill") == {"A1"}
    assert search_numbers(client, q="alice o don") == {"A1"}
    assert search_numbers(client, q="Álíce") == {"A1"}


def test_lapsed_members_cannot_read_the_directory(client, people):
    people.alice.status = "lapsed"
    people.alice.save()
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("directory")).status_code == 403


def test_an_export_needs_the_officer_to_confirm_they_will_keep_it_safe(client, people):
    from unionhall.audit.models import Action, AuditEntry

    sign_in(client, people.carol)
    answer = client.post(reverse("register_export"), {"status": "active"})
    assert answer.status_code == 302 and answer["Location"] == reverse("register_search") + "?status=active"
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_a_rep_with_one_workplace_gets_no_filters_that_offer_one_choice(client, people):
    sign_in(client, people.bob)
    page = client.get(reverse("register_search")).content.decode()
    assert 'name="workplace"' not in page and 'name="branch"' not in page and 'name="employer"' not in page
    assert 'name="grade"' in page
    client.logout()
    sign_in(client, people.hq)
    assert 'name="workplace"' in client.get(reverse("register_search")).content.decode()

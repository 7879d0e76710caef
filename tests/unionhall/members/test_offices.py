"""Offices are held for terms; statutory offices cannot run past five years;
holders are warned before a term ends; every change is audited."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.members.models import Office, Role
from unionhall.members.services import offices_warn_ending


def test_a_general_secretary_term_cannot_exceed_five_years(people):
    office = Office(member=people.erin, role=Role.GENERAL_SECRETARY, starts_on=dt.date(2024, 2, 29), ends_on=dt.date(2029, 3, 1))
    with pytest.raises(ValidationError, match="on or before 28 February 2029"):
        office.full_clean()
    office.ends_on = None
    with pytest.raises(ValidationError, match="re-elected at least every 5 years"):
        office.full_clean()
    office.ends_on = dt.date(2029, 2, 28)
    office.full_clean()


@pytest.mark.parametrize(
    "role,scope,message",
    [
        (Role.WORKPLACE_REP, {}, "attached to a workplace"),
        (Role.BRANCH_SECRETARY, {"workplace": "harbour"}, "not attached to a workplace"),
        (Role.LINK_OFFICER, {"branch": "north"}, "not attached to a branch"),
    ],
)
def test_an_office_is_attached_to_the_right_kind_of_place(people, union, role, scope, message):
    office = Office(member=people.erin, role=role, starts_on=dt.date(2026, 1, 1), **{k: getattr(union, v) for k, v in scope.items()})
    with pytest.raises(ValidationError, match=message):
        office.full_clean()


def test_hq_records_an_office_and_it_is_audited_and_gives_a_remit(client, people, union):
    sign_in(client, people.hq)
    response = client.post(
        reverse("offices"),
        {"member_number": "E1", "role": Role.WORKPLACE_REP, "workplace": union.quay.pk, "starts_on": "2026-01-01",
         "ends_on": (dt.date.today() + dt.timedelta(days=400)).isoformat()},  # a term that is current whenever the test runs
    )
    assert response.status_code == 302
    office = Office.objects.get(member=people.erin)
    entry = AuditEntry.objects.get(action=Action.OFFICE)
    assert entry.detail["event"] == "appointed" and entry.detail["member"] == "E1" and entry.subject_id == str(office.pk)
    client.logout()
    sign_in(client, people.erin)
    assert client.get(reverse("register_search")).status_code == 200


def test_a_lapsed_member_cannot_be_given_an_office(client, people, union):
    people.erin.status = "lapsed"
    people.erin.save()
    sign_in(client, people.hq)
    response = client.post(reverse("offices"), {"member_number": "E1", "role": Role.NEC_MEMBER, "starts_on": "2026-01-01", "ends_on": "2027-01-01"})
    assert "Only an active member can hold office." in response.content.decode()
    assert not Office.objects.filter(member=people.erin).exists()


def test_ending_a_term_removes_the_remit_and_is_audited(client, people):
    sign_in(client, people.hq)
    office = Office.objects.get(member=people.bob)
    today = timezone.localdate()
    client.post(reverse("office_end", args=[office.pk]), {"ends_on": today.isoformat()})
    entry = AuditEntry.objects.filter(action=Action.OFFICE).last()
    assert entry.detail == {"event": "ended", "role": "workplace_rep", "member": "B1", "ends_on": today.isoformat(), "was_due_to_end": None}
    client.logout()
    sign_in(client, people.bob)
    # A term ending today still counts today; from tomorrow it gives no remit.
    assert client.get(reverse("register_search")).status_code == 200
    Office.objects.filter(pk=office.pk).update(ends_on=today - dt.timedelta(days=1))
    assert client.get(reverse("register_search")).status_code == 403


def test_a_term_cannot_be_ended_before_it_started_and_nothing_changes(client, people):
    sign_in(client, people.hq)
    office = Office.objects.get(member=people.bob)
    response = client.post(reverse("office_end", args=[office.pk]), {"ends_on": "2024-12-31"}, follow=True)
    assert "A term cannot end before it starts." in response.content.decode()
    office.refresh_from_db()
    assert office.ends_on is None and not AuditEntry.objects.filter(action=Action.OFFICE).exists()


def test_holders_are_warned_once_before_their_term_ends(people):
    today = dt.date(2026, 11, 1)
    Office.objects.filter(member=people.carol).update(ends_on=dt.date(2027, 1, 15))  # within 90 days
    Office.objects.filter(member=people.dave).update(ends_on=dt.date(2027, 6, 1))  # not yet
    assert offices_warn_ending(today=today) == 1
    assert mail.outbox[0].to == ["c1@example.org"]
    assert "Branch secretary ends on 15 January 2027" in mail.outbox[0].subject.replace("Your term as ", "")
    assert offices_warn_ending(today=today) == 0 and len(mail.outbox) == 1


def test_the_first_hq_administrator_is_appointed_from_the_command_line(people, capsys):
    from django.core.management import CommandError, call_command

    call_command("appoint", "E1", "hq_admin", "--starts", "2026-01-01")
    assert "recorded: HQ membership administrator: Erin Evans" in capsys.readouterr().out
    assert AuditEntry.objects.get(action=Action.OFFICE).actor is None
    with pytest.raises(CommandError, match="re-elected at least every 5 years"):
        call_command("appoint", "E1", "general_secretary", "--starts", "2026-01-01")
    with pytest.raises(CommandError, match="no member has the number X9"):
        call_command("appoint", "X9", "hq_admin")


def test_a_past_term_cannot_be_revived_nor_a_term_extended(client, people):
    sign_in(client, people.hq)
    past = Office.objects.get(member=people.bob)
    Office.objects.filter(pk=past.pk).update(ends_on=dt.date(2025, 6, 30))
    assert client.post(reverse("office_end", args=[past.pk]), {"ends_on": "2030-01-01"}).status_code == 404
    current = Office.objects.get(member=people.carol)
    ends_on = dt.date.today() + dt.timedelta(days=150)
    Office.objects.filter(pk=current.pk).update(ends_on=ends_on)
    later = (ends_on + dt.timedelta(days=365)).isoformat()
    response = client.post(reverse("office_end", args=[current.pk]), {"ends_on": later}, follow=True)
    assert "cannot be extended here" in response.content.decode()
    current.refresh_from_db()
    assert current.ends_on == ends_on

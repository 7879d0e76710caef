"""Actions: the rep sets them with a due date, for themselves or for the
member; until done they are deadlines on the case (the branch's deadlines page,
the rep's to-do, reminders); marking one done takes it off all of them, and
is audited. The member may mark done only the actions set for them."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.unionhall.casework.conftest import NOW, open_case, remit
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import AuditEntry
from unionhall.casework import services
from unionhall.casework.models import CaseDeadline, Entry
from unionhall.casework.queries import deadlines_within
from unionhall.casework.reminders import send_deadline_reminders
from unionhall.casework.todo import to_do_for
from unionhall.outbox.models import Message
from unionhall.refusals import Refused

TODAY = NOW.date()
DUE = TODAY + dt.timedelta(days=3)


@pytest.fixture
def case(people, cast):
    return open_case(people, rep=people.bob)


def _action(people, case, *, for_member=False, body="Ask HR for the investigation report", due_on=DUE):
    return services.entry_add(actor=people.bob, remit=remit(people.bob), case=case, kind="action", body=body, due_on=due_on,
                              for_member=for_member, now=NOW)  # fmt: skip


def _on_deadlines_page(people) -> list[str]:
    return [row.title for row in deadlines_within(remit(people.carol), TODAY, days=28)]


def _rep_week(people) -> list[str]:
    return [t.text for t in to_do_for(people.bob.user, today=TODAY) if "deadline" in t.text]


def test_an_open_action_is_on_the_deadlines_page_and_the_reps_to_do_without_its_words(people, case):
    _action(people, case)
    assert _on_deadlines_page(people) == ["Action for the rep"]
    assert _rep_week(people) == ["1 deadline in your cases this week"]
    assert "investigation report" not in CaseDeadline.objects.get(case=case).title + " ".join(CaseDeadline.objects.get(case=case).steps)


def test_the_rep_marks_an_action_done_and_it_leaves_the_page_the_to_do_and_the_reminders(people, case):
    entry = _action(people, case)
    audited = AuditEntry.objects.filter(detail__event="action done").count()
    services.action_done(actor=people.bob, remit=remit(people.bob), case=case, entry_id=entry.pk, now=NOW)
    entry.refresh_from_db()
    assert entry.done_at == NOW
    assert _on_deadlines_page(people) == [] and _rep_week(people) == []
    assert send_deadline_reminders(today=DUE - dt.timedelta(days=1)) == 0
    assert AuditEntry.objects.filter(detail__event="action done", actor=people.bob.user).count() == audited + 1


def test_marking_the_actions_deadline_dealt_with_marks_the_action_done(people, case):
    entry = _action(people, case)
    deadline = CaseDeadline.objects.get(case=case, code=f"action-{entry.pk}")
    services.deadline_met(actor=people.bob, remit=remit(people.bob), case=case, deadline_id=deadline.pk, now=NOW)
    entry.refresh_from_db()
    assert entry.done_at == NOW and _on_deadlines_page(people) == []


def test_the_member_marks_their_own_action_done_but_not_the_reps(people, case):
    theirs = _action(people, case, for_member=True, body="Send your fit notes")
    reps = _action(people, case, due_on=DUE + dt.timedelta(days=1))
    with pytest.raises(Refused) as refused:
        services.action_done(actor=people.alice, remit=remit(people.alice), case=case, entry_id=reps.pk, now=NOW)
    assert refused.value.status == 403
    assert Entry.objects.get(pk=reps.pk).done_at is None
    services.action_done(actor=people.alice, remit=remit(people.alice), case=case, entry_id=theirs.pk, now=NOW)
    assert Entry.objects.get(pk=theirs.pk).done_at == NOW
    assert _on_deadlines_page(people) == ["Action for the rep"]
    assert AuditEntry.objects.filter(detail__event="action done", actor=people.alice.user).count() == 1


def test_an_officer_outside_the_case_and_the_branch_secretary_cannot_mark_it_done(people, case):
    entry = _action(people, case)
    for outsider in (people.dave, people.carol):  # another branch; the branch's overview only
        with pytest.raises(Refused):
            services.action_done(actor=outsider, remit=remit(outsider), case=case, entry_id=entry.pk, now=NOW)
    assert Entry.objects.get(pk=entry.pk).done_at is None and _on_deadlines_page(people) == ["Action for the rep"]


def test_an_action_done_twice_is_refused_the_second_time(people, case):
    entry = _action(people, case)
    services.action_done(actor=people.bob, remit=remit(people.bob), case=case, entry_id=entry.pk, now=NOW)
    with pytest.raises(Refused, match="already done"):
        services.action_done(actor=people.bob, remit=remit(people.bob), case=case, entry_id=entry.pk, now=NOW + dt.timedelta(hours=1))
    assert Entry.objects.get(pk=entry.pk).done_at == NOW


def test_an_action_due_years_away_is_refused_and_nothing_is_written(people, case):
    with pytest.raises(Refused, match="within a year"):
        _action(people, case, due_on=dt.date(2036, 3, 2))
    assert not Entry.objects.filter(kind="action").exists() and not CaseDeadline.objects.exists()


def test_recording_a_meeting_keeps_the_actions_deadline(people, case):
    entry = _action(people, case)
    services.meeting_record(actor=people.bob, remit=remit(people.bob), case=case, kind="grievance", on=dt.date(2026, 6, 1),
                            companion_unavailable=True, now=NOW)  # fmt: skip
    assert set(CaseDeadline.objects.filter(case=case).values_list("code", flat=True)) == {f"action-{entry.pk}", f"companion-{case.meetings.get().pk}"}


def test_the_member_sees_their_action_with_a_button_and_marks_it_done_on_the_page(client, people, case):
    theirs = _action(people, case, for_member=True, body="Send your fit notes")
    _action(people, case, body="Rep's own errand")
    sign_in(client, people.alice, mfa=False)
    html = client.get(reverse("casework_case", args=[case.ref])).content.decode()
    assert "Send your fit notes" in html and "errand" not in html
    done_url = reverse("casework_action_done", args=[case.ref, theirs.pk])
    assert done_url in html
    response = client.post(done_url)
    assert response.status_code == 302
    assert Entry.objects.get(pk=theirs.pk).done_at is not None
    assert done_url not in client.get(reverse("casework_case", args=[case.ref])).content.decode()


def test_the_member_is_reminded_of_their_own_action_not_of_the_reps_and_never_of_its_words(people, case):
    _action(people, case, for_member=True, body="Send your fit notes")
    _action(people, case, body="Ask HR for the investigation report")
    before = list(Message.objects.values_list("pk", flat=True))  # alice heard already that bob is her rep
    assert send_deadline_reminders(today=DUE - dt.timedelta(days=3)) == 2
    to_member = Message.objects.filter(address=people.alice.email).exclude(pk__in=before)
    assert to_member.count() == 1 and to_member.get().member_id == people.alice.pk
    assert "fit notes" not in to_member.get().content.text and "mark it done" in to_member.get().content.text
    assert Message.objects.filter(address=people.bob.email, topic="casework_reminder").count() == 2  # the rep hears of both
    send_deadline_reminders(today=DUE - dt.timedelta(days=3))
    assert Message.objects.filter(address=people.alice.email).exclude(pk__in=before).count() == 1  # once

"""Reminders at 14, 7, 3 and 1 days, each once; the no-action flag; the anonymous statistics."""

import datetime as dt

from tests.unionhall.casework.conftest import NOW, open_case, remit
from unionhall.casework import services
from unionhall.casework.models import Case, CaseDeadline, CaseStat
from unionhall.casework.reminders import flag_idle_deadlines, send_deadline_reminders
from unionhall.outbox.models import Message


def _case_with_deadline(people, due_in_days: int):
    """A case whose companion deadline falls ``due_in_days`` after 1 June 2026."""
    case = open_case(people, rep=people.bob)
    services.meeting_record(actor=people.bob, remit=remit(people.bob), case=case, kind="grievance", on=dt.date(2026, 6, 1),
                            companion_unavailable=True, now=NOW)  # fmt: skip
    return case, CaseDeadline.objects.get(case=case)


def test_reminders_go_to_rep_and_secretary_at_each_mark_once(people, cast):
    case, d = _case_with_deadline(people, 0)
    assert d.due_on == dt.date(2026, 6, 8)
    for days in (14, 7, 3, 1):
        assert send_deadline_reminders(today=d.due_on - dt.timedelta(days=days)) == 1
        send_deadline_reminders(today=d.due_on - dt.timedelta(days=days))  # again: nothing new
    sent = Message.objects.filter(topic="casework_reminder")
    assert sent.count() == 8  # four marks, bob and carol each, once
    assert set(sent.values_list("address", flat=True)) == {people.bob.email, people.carol.email}
    assert send_deadline_reminders(today=d.due_on - dt.timedelta(days=5)) == 0
    assert "shouted" not in " ".join(m.content.text for m in sent)


def test_a_met_deadline_is_not_reminded(people, cast):
    case, d = _case_with_deadline(people, 0)
    services.deadline_met(actor=people.bob, remit=remit(people.bob), case=case, deadline_id=d.pk)
    assert send_deadline_reminders(today=d.due_on - dt.timedelta(days=7)) == 0


def test_a_close_deadline_with_no_action_is_flagged_to_the_branch_once(people, cast):
    case, d = _case_with_deadline(people, 0)
    today = d.due_on - dt.timedelta(days=5)
    now = dt.datetime.combine(today, dt.time(6), tzinfo=dt.UTC)
    Case.objects.filter(pk=case.pk).update(last_activity_at=now - dt.timedelta(days=8))
    assert flag_idle_deadlines(today=today, now=now) == 1
    assert flag_idle_deadlines(today=today, now=now) == 0
    d.refresh_from_db()
    assert d.flagged_on == today
    assert Message.objects.get(topic="casework_flag").address == people.carol.email


def test_a_deadline_with_recent_action_is_not_flagged(people, cast):
    case, d = _case_with_deadline(people, 0)
    today = d.due_on - dt.timedelta(days=5)
    Case.objects.filter(pk=case.pk).update(last_activity_at=dt.datetime.combine(today, dt.time(5), tzinfo=dt.UTC))
    assert flag_idle_deadlines(today=today, now=dt.datetime.combine(today, dt.time(6), tzinfo=dt.UTC)) == 0


def test_the_statistics_hide_small_groups(people, cast, union):
    from unionhall.casework.statistics import closed_cases_table

    CaseStat.objects.create(year=2020, kind="grievance", employer=union.pps, count=40)
    CaseStat.objects.create(year=2020, kind="disciplinary", employer=union.pps, count=25)
    CaseStat.objects.create(year=2020, kind="vetting", employer=union.pps, count=2)
    table = closed_cases_table(2020)
    assert table.shown("Public Probation Service", "Vetting failure and appeal") == "[c]"
    # A lone small cell would be found by subtraction from the total: another is hidden too.
    assert [table.shown("Public Probation Service", k) for k in ("Grievance", "Disciplinary")].count("[c]") >= 1

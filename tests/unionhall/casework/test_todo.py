"""What casework puts on officers' and reps' home pages: counts that need them,
never a case's contents, and nothing for an officer outside the branch."""

import datetime as dt

from tests.unionhall.casework.conftest import NOW, open_case, remit
from unionhall.casework import services
from unionhall.casework.models import CaseDeadline
from unionhall.casework.todo import to_do_for


def test_a_request_with_no_rep_waits_on_its_branch_secretary_only(people):
    open_case(people)
    assert [t.text for t in to_do_for(people.carol.user, today=NOW.date())] == ["1 request for help waiting for a rep"]
    assert to_do_for(people.dave.user, today=NOW.date()) == []  # South's secretary: not her branch


def test_a_case_offered_to_a_rep_asks_them_to_accept_it(people):
    case = open_case(people)
    services.case_assign(actor=people.carol, remit=remit(people.carol), case=case, rep=people.bob, now=NOW)
    texts = [t.text for t in to_do_for(people.bob.user, today=NOW.date())]
    assert "1 case offered to you to accept" in texts
    assert all("shouted" not in t for t in texts)  # counts only, never what happened


def _action(people, case, rep, days: int):
    return services.entry_add(actor=rep, remit=remit(rep), case=case, kind="action", body=f"Do this in {days} days",
                              due_on=NOW.date() + dt.timedelta(days=days), now=NOW)  # fmt: skip


def test_the_reps_week_counts_their_open_cases_deadlines_from_today_to_seven_days_and_dates_the_soonest(people, cast):
    today = NOW.date()
    mine = open_case(people, rep=people.bob)
    for days in (2, 5, 7):  # counted: within the week, the seventh day included
        _action(people, mine, people.bob, days)
    _action(people, mine, people.bob, -1)  # yesterday: past, not this week
    _action(people, mine, people.bob, 8)  # next week
    done = _action(people, mine, people.bob, 1)
    services.action_done(actor=people.bob, remit=remit(people.bob), case=mine, entry_id=done.pk, now=NOW)  # done: not counted
    ivys = open_case(people, rep=cast.ivy)
    _action(people, ivys, cast.ivy, 1)  # another rep's case
    offered = services.case_assign(actor=people.carol, remit=remit(people.carol), case=open_case(people), rep=people.bob, now=NOW)
    CaseDeadline.objects.create(case=offered, branch_id=offered.branch_id, employer_id=offered.employer_id, code="appeal", title="Appeal",
                                due_on=today + dt.timedelta(days=1))  # not yet accepted: not his to act on yet  # fmt: skip

    week = [t for t in to_do_for(people.bob.user, today=today) if "deadline" in t.text]
    assert [(t.text, t.due, t.urgent) for t in week] == [("3 deadlines in your cases this week", today + dt.timedelta(days=2), True)]
    assert [t.text for t in to_do_for(cast.ivy.user, today=today) if "deadline" in t.text] == ["1 deadline in your cases this week"]
    # A week on, his week holds the deadlines of days seven and eight, dated by the soonest.
    later = [t for t in to_do_for(people.bob.user, today=today + dt.timedelta(days=7)) if "deadline" in t.text]
    assert [(t.text, t.due) for t in later] == [("2 deadlines in your cases this week", today + dt.timedelta(days=7))]

"""What casework puts on officers' and reps' home pages: counts that need them,
never a case's contents, and nothing for an officer outside the branch."""

from tests.unionhall.casework.conftest import NOW, open_case, remit
from unionhall.casework import services
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

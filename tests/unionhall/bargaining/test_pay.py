"""Pay scales from CSV all or nothing; a member's own back pay matches the
worked example of docs/backpay.md; nobody checks or queries another's pay."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.unionhall.bargaining.conftest import scale_csv
from unionhall.audit.models import AuditEntry
from unionhall.bargaining import pay
from unionhall.bargaining.models import BackPayQuery, PayPeriod, PayRate, PayScale
from unionhall.refusals import Refused

GOOD = [{"band": "4", "point": 1, "annual": "30000.00", "effective_from": "2023-04-01", "effective_to": "2024-03-31"},
        {"band": "4", "point": 1, "annual": "31000.00", "effective_from": "2024-04-01"}]  # fmt: skip


def test_a_good_scale_is_imported_whole(people, union):
    scale = pay.scale_import(employer=union.pps, name="2024", csv_text=scale_csv(GOOD), actor=people.hq.user)
    assert list(scale.rates.values_list("annual", flat=True)) == [Decimal("30000.00"), Decimal("31000.00")]


@pytest.mark.parametrize(("change", "says"), [
    ({"effective_from": "2024-04-02"}, "a gap from 2024-04-01 to 2024-04-01"),
    ({"effective_from": "2024-03-31"}, "overlaps the rate from 2023-04-01"),
    ({"annual": "-5"}, "is negative"),
    ({"annual": "thirty"}, "'thirty' is not a number"),
])  # fmt: skip
def test_a_bad_scale_imports_nothing_and_says_why(people, union, change, says):
    rows = [GOOD[0], {**GOOD[1], **change}]
    with pytest.raises(Refused) as e:
        pay.scale_import(employer=union.pps, name="2024", csv_text=scale_csv(rows), actor=people.hq.user)
    assert says in str(e.value) and str(e.value).startswith("Nothing was imported.")
    assert not PayScale.objects.exists() and not PayRate.objects.exists()


def test_a_failed_reimport_leaves_the_old_scale_as_it_was(people, union):
    pay.scale_import(employer=union.pps, name="2024", csv_text=scale_csv(GOOD), actor=people.hq.user)
    with pytest.raises(Refused):
        pay.scale_import(employer=union.pps, name="2024", csv_text=scale_csv([{**GOOD[0], "annual": "x"}]), actor=people.hq.user)
    assert PayRate.objects.count() == 2


def test_only_hq_imports_scales(people, union):
    with pytest.raises(Refused) as e:
        pay.scale_import(employer=union.pps, name="2024", csv_text=scale_csv(GOOD), actor=people.gina.user)
    assert e.value.status == 403 and not PayScale.objects.exists()


def test_a_history_with_overlapping_periods_or_hours_above_full_time_is_refused(people):
    periods = [{"from": "2024-01-01", "to": "2024-06-30", "band": "4", "point": 1, "hours": "37", "full_time_hours": "37"},
               {"from": "2024-06-01", "to": "2024-12-31", "band": "4", "point": 1, "hours": "40", "full_time_hours": "37"}]  # fmt: skip
    with pytest.raises(Refused) as e:
        pay.pay_record_set(member=people.alice, employee_number="E1", anniversary=None, periods=periods, actor=people.hq.user)
    assert "overlaps the period from 2024-01-01" in str(e.value) and "above the full-time 37" in str(e.value)
    assert not PayPeriod.objects.exists()


def test_the_members_own_back_pay_matches_the_worked_example(settlement, people):
    result = pay.backpay_check(member=people.alice, settlement=settlement)
    assert [str(p.owed) for p in result.periods] == ["62.50", "86.69", "127.67", "130.00"]
    assert result.total == Decimal("406.86")
    assert AuditEntry.objects.filter(action="view", detail__event="own back pay checked").count() == 1


def test_asking_by_another_members_employee_number_is_refused_having_shown_nothing(settlement, people):
    entries = AuditEntry.objects.count()
    with pytest.raises(Refused) as e:
        pay.backpay_check(member=people.bob, settlement=settlement, employee_number="E20417")  # Alice's number
    assert e.value.status == 403
    assert AuditEntry.objects.count() == entries  # the view records the refusal; the service wrote nothing


def test_a_query_by_the_members_own_number_is_queued_with_a_due_date(settlement, people):
    q = pay.query_raise(member=people.alice, settlement=settlement, employee_number="E20417", question="Was my June increment counted?")
    assert q.due_on == timezone.localdate() + dt.timedelta(days=settlement.query_days)
    assert list(pay.queries_for(people.hq.user)) == [q]
    assert list(pay.queries_for(people.gina.user)) == []  # Northway's link officer


def test_a_query_about_another_members_pay_is_refused_when_the_asker_has_their_own_number(settlement, people):
    pay.pay_record_set(member=people.bob, employee_number="E30001", anniversary=None, actor=people.hq.user,
                       periods=[{"from": "2024-01-01", "to": "2024-12-31", "band": "4", "point": 1, "hours": "37", "full_time_hours": "37"}])  # fmt: skip
    with pytest.raises(Refused) as e:
        pay.query_raise(member=people.bob, settlement=settlement, employee_number="E20417", question="What is Alice owed?")
    assert e.value.status == 403
    assert not BackPayQuery.objects.exists()


def test_a_member_without_a_pay_record_learns_nothing_of_whose_a_number_is_and_the_officer_sees_the_clash(settlement, people):
    """Before, a number on someone's record was refused and a free one taken: an
    oracle for which employee numbers exist (review finding). Now both are
    taken alike; the officer is told which one clashes, and answers carefully."""
    taken = pay.query_raise(member=people.bob, settlement=settlement, employee_number="E20417", question="What is Alice owed?")
    free = pay.query_raise(member=people.bob, settlement=settlement, employee_number="E99999", question="Where is my back pay?")
    clash = {q.pk: q.number_clash for q in pay.queries_read(people.hq.user)}
    assert clash == {taken.pk: True, free.pk: False}
    own = pay.query_raise(member=people.alice, settlement=settlement, employee_number="E20417", question="June?")
    assert {q.pk: q.number_clash for q in pay.queries_read(people.hq.user)}[own.pk] is False  # her own number


def test_only_hq_and_the_employers_link_officer_read_or_answer_queries_not_everyone_who_bargains(settlement, people, union):
    """The General Secretary and the officers group bargain for everyone, but a
    query names a member, their employee number and their pay (review finding:
    a workplace rep in the officers group read and answered every employer's)."""
    from tests.unionhall.conftest import give_office, make_member
    from unionhall.members.models import Role

    q = pay.query_raise(member=people.alice, settlement=settlement, employee_number="E20417", question="Was my June increment counted?")
    og = make_member("OG1", union.coast, union.pier, first_name="Olga", last_name="Group")
    give_office(og, Role.OFFICERS_GROUP)
    give_office(og, Role.WORKPLACE_REP, workplace=union.pier)
    assert list(pay.queries_for(og.user)) == []
    with pytest.raises(Refused) as e:
        pay.query_answer(query=q, answer="Yes", actor=og.user)
    assert e.value.status == 403 and BackPayQuery.objects.get().status == "open"
    give_office(people.gina, Role.LINK_OFFICER, employer=union.pps)  # now PPS's link officer too
    assert list(pay.queries_for(people.gina.user)) == [q]


def test_reading_the_query_queue_is_a_look_at_each_member_listed(settlement, people):
    q = pay.query_raise(member=people.alice, settlement=settlement, employee_number="E20417", question="June?")
    before = AuditEntry.objects.count()
    assert [r.pk for r in pay.queries_read(people.hq.user)] == [q.pk]
    looked = AuditEntry.objects.order_by("pk")[before:]
    assert [(e.action, e.subject_type, e.subject_id, e.detail.get("query")) for e in looked] == [("view", "members.member", str(people.alice.pk), q.pk)]


def test_a_scale_or_history_line_with_more_fields_than_the_header_is_refused_not_a_crash(people, union):
    with pytest.raises(Refused, match="Line 2 has more fields than the header"):
        pay.scale_import(employer=union.pps, name="2024", csv_text='band,point,annual,effective_from\n4,1,30000.00,2024-04-01,=HYPERLINK("http://x")\n',
                         actor=people.hq.user)  # fmt: skip
    with pytest.raises(Refused, match="Line 3 has more fields than the header"):
        pay.histories_import(employer=union.pps, csv_text=HISTORY_HEADER + "A1,E1,2024-04-01,2024-05-19,4,1,18.5,37,\nB1,E2,2024-04-01,2024-07-31,4,2,37,37,,x\n",
                             actor=people.hq.user)  # fmt: skip
    assert not PayScale.objects.exists() and not PayPeriod.objects.exists()


def test_a_history_the_database_cannot_hold_is_refused_whole(people, union):
    text = HISTORY_HEADER + "A1,E1,2024-01-01,2024-12-31,4,1,37,37,\nB1,E2,2024-01-01,2024-12-31,4,-1,37,37,\n"  # a negative point
    with pytest.raises(Refused, match=r"Member B1 \(line 3\) has a value the register cannot hold"):
        pay.histories_import(employer=union.pps, csv_text=text, actor=people.hq.user)
    assert not PayPeriod.objects.exists() and pay.own_record(people.alice) is None


def test_a_query_is_answered_once_by_hq(settlement, people):
    q = pay.query_raise(member=people.alice, settlement=settlement, employee_number="E20417", question="?")
    with pytest.raises(Refused) as e:
        pay.query_answer(query=q, answer="No", actor=people.gina.user)
    assert e.value.status == 403
    pay.query_answer(query=q, answer="Yes, from 15 June.", actor=people.hq.user)
    with pytest.raises(Refused, match="has been answered"):
        pay.query_answer(query=q, answer="again", actor=people.hq.user)


HISTORY_HEADER = "membership_number,employee_number,from,to,band,point,hours,full_time_hours,anniversary\n"


def test_pay_histories_are_imported_whole(people, union):
    text = HISTORY_HEADER + "A1,E1,2024-04-01,2024-05-19,4,1,18.5,37,2022-06-15\nA1,E1,2024-05-20,2024-07-31,4,1,37,37,2022-06-15\nB1,E2,2024-04-01,2024-07-31,4,2,37,37,\n"
    assert pay.histories_import(employer=union.pps, csv_text=text, actor=people.hq.user) == 2
    assert pay.own_record(people.alice).periods.count() == 2
    assert pay.own_record(people.bob).employee_number == "E2"


def test_one_bad_history_imports_none(people, union):
    text = HISTORY_HEADER + "A1,E1,2024-04-01,2024-05-19,4,1,18.5,37,\nB1,E2,2024-04-01,2024-07-31,4,2,37,37,\nB1,E2,2024-07-01,2024-08-31,4,2,37,37,\nF1,E3,2024-04-01,2024-07-31,4,2,37,37,\n"
    with pytest.raises(Refused) as e:
        pay.histories_import(employer=union.pps, csv_text=text, actor=people.hq.user)
    assert "member B1 (lines 3-4): history: the period from 2024-07-01 overlaps" in str(e.value)
    assert "no member 'F1' works for Public Probation Service" in str(e.value)  # Frank works for Northway
    assert not PayPeriod.objects.exists()

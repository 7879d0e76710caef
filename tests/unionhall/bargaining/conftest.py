"""Bargaining's small world on top of the register's union: an NEC of five,
a negotiating body for pps, an agreement with commitments, scales and a
member's pay history (the worked example of docs/backpay.md)."""

import datetime as dt
import json
import pathlib

import pytest
from django.utils import timezone

from tests.unionhall.conftest import give_office, make_member
from unionhall.bargaining import bodies, commitments, pay
from unionhall.bargaining.models import Settlement
from unionhall.conference import api as conference
from unionhall.members.models import Role

BASE_URL = "https://hall.example.org"
EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "src" / "backpay" / "worked_example.json"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.UNIONHALL_BASE_URL = BASE_URL


@pytest.fixture
def nec(people, union):
    """Five NEC members: the quorum is 5 // 2 + 1 = 3."""
    members = [make_member(f"N{i}", union.south, union.quay) for i in range(5)]
    for m in members:
        give_office(m, Role.NEC_MEMBER)
    return members


def decision(*, people, nec, attended: int, minute="Minute 7") -> int:
    day = timezone.localdate() - dt.timedelta(days=30)
    meeting = conference.meeting_hold(body_slug="nec", held_on=day, title="NEC meeting", attendee_ids=[m.pk for m in nec[:attended]], actor=people.hq.user)
    return conference.decision_minute(meeting_id=meeting, minute=minute, text="To ratify the constitution of the PPS joint council.", actor=people.hq.user)


@pytest.fixture
def body(people, union):
    return bodies.body_create(name="PPS Joint Negotiating Council", employer=union.pps, parties="PPS management; the union",
                              actor=people.hq.user, on=dt.date(2024, 1, 10))


@pytest.fixture
def agreement(body, people):
    return commitments.agreement_create(body=body, title="Pay and grading agreement", agreed_on=dt.date(2024, 2, 1), signatories="PPS HR director\nGeneral Secretary",
                                        clauses=[commitments.ClauseSpec("3.1", "Back pay by 31 March."), commitments.ClauseSpec("4.2", "JE reviews within six months.")],
                                        actor=people.hq.user)


@pytest.fixture
def commitment(agreement, people):
    return commitments.commitment_create(agreement=agreement, title="Pay back pay to sessional staff", delivered_means="Paid on members' payslips",
                                         due_on=timezone.localdate() - dt.timedelta(days=400), actor=people.hq.user)


@pytest.fixture
def worked_example():
    return json.loads(EXAMPLE.read_text())


def scale_csv(rates: list[dict]) -> str:
    lines = ["band,point,annual,effective_from,effective_to"]
    lines += [f"{r['band']},{r['point']},{r['annual']},{r['effective_from']},{r.get('effective_to') or ''}" for r in rates]
    return "\n".join(lines) + "\n"


@pytest.fixture
def settlement(people, union, worked_example):
    """Alice's pay history and the settlement of docs/backpay.md's worked example."""
    old = pay.scale_import(employer=union.pps, name="2023 as paid", csv_text=scale_csv(worked_example["old_scale"]["rates"]), actor=people.hq.user)
    new = pay.scale_import(employer=union.pps, name="2023 as settled", csv_text=scale_csv(worked_example["new_scale"]["rates"]), actor=people.hq.user)
    member = worked_example["member"]
    pay.pay_record_set(member=people.alice, employee_number=member["employee_number"], anniversary=dt.date.fromisoformat(member["anniversary"]),
                       periods=[{**p, "full_time_hours": member["full_time_hours"]} for p in member["periods"]], actor=people.hq.user)
    return Settlement.objects.create(employer=union.pps, title="2023 pay settlement", old_scale=old, new_scale=new,
                                     starts_on=dt.date(2024, 4, 1), ends_on=dt.date(2024, 7, 31))

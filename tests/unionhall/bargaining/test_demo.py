"""The demo union's bargaining shows what issue 13 promises, and its member's
back pay is the worked example of docs/backpay.md."""

from decimal import Decimal

from django.utils import timezone

from unionhall.bargaining import pay, reviews
from unionhall.bargaining.demo import DEMO_MEMBER_EMAIL, build_demo
from unionhall.bargaining.models import Commitment, Dispute, NegotiatingBody
from unionhall.conference import api as conference
from unionhall.members.demo.builder import build_demo_union
from unionhall.members.models import Member


def test_the_demo_builds_bodies_commitments_reviews_and_the_worked_example(db, settings):
    settings.UNIONHALL_BASE_URL = "https://demo.example.org"
    build_demo_union(members=300, seed=1)
    lines = build_demo(1)
    today = timezone.localdate()
    national = NegotiatingBody.objects.get(level="national")
    assert national.status == "withdrawn"
    council = NegotiatingBody.objects.get(level="employer")
    facts = conference.decision_facts(decision_id=council.ratification_id)
    assert facts.body_slug == "nec" and facts.quorate
    assert council.meetings.get().actions.filter(done_on__isnull=True).count() == 1
    overdue = [c for c in Commitment.objects.all() if c.shown_status(today) == "Overdue"]
    assert len(overdue) >= 3 and max(c.days_late(today) for c in overdue) > 365 * 3
    assert Dispute.objects.get().stages.filter(stage="acas").exists()
    groups = reviews.backlog(today=today)
    assert [g.priority_group for g in groups] == [1, 2, 3] and all(g.late for g in groups)
    member = Member.objects.get(email=DEMO_MEMBER_EMAIL)
    (settlement,) = pay.settlements_for(member)
    assert pay.backpay_check(member=member, settlement=settlement).total == Decimal("406.86")
    assert any("£406.86" in line for line in lines)
    hq = Member.objects.get(email="admin@demo.unionhall.test")
    queue = pay.queries_read(hq.user)
    assert len(queue) == 2 and [q.number_clash for q in queue if q.member_id != member.pk] == [True]
    assert [q.number_clash for q in queue if q.member_id == member.pk] == [False]

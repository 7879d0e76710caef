"""The demo's casework: open cases of several kinds, one handed over, one
referred, deadlines with their working, reminders queued, an outsider refused."""

from unionhall.audit.models import AuditEntry
from unionhall.casework.demo import build_demo
from unionhall.casework.models import Case, CaseDeadline, Entry, Referral
from unionhall.members.demo.builder import build_demo_union
from unionhall.outbox.models import Message


def test_the_demo_builds_cases_reminders_and_a_refusal(db):
    build_demo_union(members=300, seed=3)
    lines = build_demo(3)
    assert lines[0].startswith("Casework: 7 cases")
    assert Case.objects.exclude(status="closed").values("kind").distinct().count() >= 6
    assert Referral.objects.filter(to__offices__role="national_rep").exists()
    assert any("handed the case" in e.opened("body") for e in Entry.objects.filter(kind="event"))
    assert CaseDeadline.objects.filter(code="tribunal", due_on__isnull=False).exclude(steps=[]).exists()
    assert Message.objects.filter(topic="casework_reminder").exists()
    actions = Entry.objects.filter(kind="action")
    assert actions.filter(for_member=True, done_at__isnull=True).exists() and actions.filter(for_member=False, done_at__isnull=False).exists()
    assert AuditEntry.objects.filter(action="denied", subject_type="casework.case").exists()

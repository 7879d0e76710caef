"""The demo's casework: open cases of several kinds, one handed over, one
referred, deadlines with their working, reminders queued, an outsider refused,
and a year of closed cases that the statistics page counts and partly hides."""

from collections import Counter


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
    # A rep whose term ended yesterday still has an open case, which the branch's caseload table flags.
    from django.utils import timezone

    from unionhall.casework.queries import dashboard
    from unionhall.members.models import Member
    from unionhall.members.remit import remit_for

    assert "a rep whose term ended yesterday" in lines[0]
    secretary = Member.objects.get(user__email="secretary@demo.unionhall.test")
    flagged = [row for row in dashboard(remit_for(secretary.user), timezone.localdate())["caseload"] if row["lapsed"]]
    assert len(flagged) == 1 and flagged[0]["n"] == 1


def test_the_demo_closes_a_years_cases_so_the_statistics_show_figures_and_hide_small_groups(db):
    from unionhall.casework.statistics import closed_cases_grid
    from unionhall.members.models import Member

    build_demo_union(members=300, seed=3)
    build_demo(3)
    closed = Case.objects.filter(status="closed")
    assert closed.count() >= 60 and not closed.filter(closed_at__isnull=True).exists()
    assert closed.filter(outcome="").count() == 0 and closed.values("employer").distinct().count() == 2
    member = Member.objects.get(user__email="member@demo.unionhall.test")
    assert closed.filter(member=member).count() == 1 and Case.objects.filter(member=member).exclude(status="closed").count() == 1
    year = Counter(closed.values_list("closed_at__year", flat=True)).most_common(1)[0][0]
    figures = [f for _, row in closed_cases_grid(year)["rows"] for f in row]
    assert "[c]" in figures and any(f.isdigit() and int(f) >= 10 for f in figures)  # small groups hidden, larger ones shown

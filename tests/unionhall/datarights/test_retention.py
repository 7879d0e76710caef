"""Retention as data: periods, the nightly run, resuming, the dry run (issue 17)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.unionhall.datarights.conftest import a_bulletin, a_comment, a_message, left
from tests.unionhall.conftest import make_member
from unionhall.audit.models import AuditEntry
from unionhall.bulletins.models import Comment
from unionhall.datarights import retention
from unionhall.datarights.models import RetentionPeriod, RetentionRun
from unionhall.members.models import Member
from unionhall.outbox.models import Content, Message
from unionhall.outbox.services import content_write
from unionhall.refusals import Refused

TODAY = dt.date(2026, 12, 1)
LONG_AGO = dt.date(2018, 1, 1)  # more than six years before TODAY


@pytest.fixture
def leavers(union, people):
    """Three members who left in 2018 (one commented), one who left last month, Alice still a member."""
    old = [left(make_member(f"L{i}", union.north, union.harbour, last_name=f"Leaver{i}"), LONG_AGO) for i in range(3)]
    recent = left(make_member("R1", union.north, union.harbour, last_name="Recent"), dt.date(2026, 11, 1))
    bulletin = a_bulletin(people.hq)
    a_comment(bulletin, old[0], body="Old words")
    a_comment(bulletin, people.alice, body="Alice's words")
    return old, recent


def test_a_period_shorter_than_the_legal_minimum_is_refused_and_nothing_changes(people):
    retention.minimum_set(key="ballot_roll", minimum_days=365, reason="Challenges to a result", actor=people.hq.user)
    before = AuditEntry.objects.count()
    with pytest.raises(Refused, match="legal minimum of 365 days"):
        retention.period_set(key="ballot_roll", days=30, legal_reason="Shorter", actor=people.hq.user)
    assert RetentionPeriod.objects.get(key="ballot_roll").days == retention.DEFAULTS["ballot_roll"][0]
    assert AuditEntry.objects.count() == before


def test_a_minimum_above_the_period_is_refused(people):
    retention.period_set(key="delivery_record", days=100, legal_reason="Short", actor=people.hq.user)
    with pytest.raises(Refused, match="lengthen it first"):
        retention.minimum_set(key="delivery_record", minimum_days=200, reason="Law", actor=people.hq.user)


def test_the_dry_run_counts_what_is_due_and_changes_nothing(leavers):
    due = {(d.key, d.model): d.count for d in retention.retention_dry_run(today=TODAY)}
    assert due[("lapsed_member", "members.Member")] == 3
    assert due[("comment_of_leaver", "bulletins.Comment")] == 1
    assert Member.objects.filter(membership_number__startswith="anon-").count() == 0
    assert not RetentionRun.objects.exists()


def test_the_run_anonymises_leavers_past_their_period_and_keeps_the_counts(leavers, people):
    old, recent = leavers
    run = retention.retention_run(today=TODAY)
    assert run.finished_at is not None and run.counts["lapsed_member:members.Member"] == 3
    for member in old:
        member.refresh_from_db()
        assert member.first_name == "Former" and member.email == "" and member.user_id is None
        assert member.branch_id == member.workplace.branch_id and member.status == Member.Status.LAPSED
    recent.refresh_from_db()
    assert recent.last_name == "Recent"
    assert Member.objects.filter(branch=people.alice.branch, status=Member.Status.LAPSED).count() == 4
    assert Comment.objects.get(author=old[0]).body.startswith("[Removed")
    assert Comment.objects.get(author=people.alice).body == "Alice's words"


def test_each_run_writes_one_audit_entry_per_kind_with_how_many_never_whose(leavers):
    retention.retention_run(today=TODAY)
    entries = AuditEntry.objects.filter(subject_type="datarights.retention")
    assert {e.subject_id: e.detail["count"] for e in entries} == {"lapsed_member": 3, "comment_of_leaver": 1}
    assert all(e.actor_id is None for e in entries)
    text = str([e.detail for e in entries])
    assert "L0" not in text and "Leaver" not in text


def test_delivery_records_past_their_period_go_but_mail_still_to_send_stays(people):
    old = timezone.now() - dt.timedelta(days=400)
    sent, failed = a_message(people.alice, queued_at=old), a_message(people.alice, queued_at=old, status="failed")
    waiting, recent = a_message(people.alice, queued_at=old, status="queued"), a_message(people.alice)
    retention.retention_run(today=timezone.localdate())
    assert set(Message.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert sent.pk and failed.pk


def test_a_deleted_message_takes_its_words_with_it_and_a_mailing_keeps_them_while_one_message_stays(people):
    old = timezone.now() - dt.timedelta(days=400)
    own = content_write(subject="Your code", text="Dear Alice, your code is 123456.")
    shared = content_write(subject="Bulletin", text="Dear [[first_name]], the news.")
    single = a_message(people.alice, queued_at=old)
    Message.objects.filter(pk=single.pk).update(content=own)
    for member, queued_at in ((people.alice, old), (people.bob, timezone.now())):
        Message.objects.filter(pk=a_message(member, queued_at=queued_at).pk).update(content=shared)
    retention.retention_run(today=timezone.localdate())
    assert not Content.objects.filter(pk=own.pk).exists()
    assert Content.objects.filter(pk=shared.pk).exists()  # Bob's message, recent, still uses it
    Message.objects.filter(content=shared).update(queued_at=old)
    retention.retention_run(today=timezone.localdate() + dt.timedelta(days=1))
    assert not Content.objects.filter(pk=shared.pk).exists()


def test_an_interrupted_run_resumes_where_it_stopped_and_changes_nothing_twice(leavers):
    first = retention.retention_run(today=TODAY, batch=1, stop_after=2)
    # Two batches of one: the leaver's comment, then the first of three leavers.
    assert first.finished_at is None and first.counts == {"comment_of_leaver:bulletins.Comment": 1, "lapsed_member:members.Member": 1}
    with pytest.raises(IntegrityError), transaction.atomic():  # never two runs under way at once
        RetentionRun.objects.create(started_at=timezone.now(), today=TODAY)
    resumed = retention.retention_run(today=dt.date(2027, 6, 1), batch=1)
    assert resumed.pk == first.pk and resumed.today == TODAY and resumed.finished_at is not None
    assert resumed.counts == {"lapsed_member:members.Member": 3, "comment_of_leaver:bulletins.Comment": 1}
    assert Member.objects.filter(membership_number__startswith="anon-").count() == 3
    again = retention.retention_run(today=TODAY)
    assert again.counts == {}


def test_the_dry_run_command_prints_what_would_go(leavers, capsys):
    call_command("retention", "--dry-run", "--today", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "3 members.Member" in out and "dry run" in out
    assert not RetentionRun.objects.exists()
    call_command("retention", "--today", TODAY.isoformat())
    assert RetentionRun.objects.get().finished_at is not None

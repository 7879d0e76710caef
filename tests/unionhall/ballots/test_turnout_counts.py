"""The turnout drive's figures (issue 10): votes by day are grouped on the day
casting stores, and after votes, re-votes and removals from the roll they
equal a fresh count of the roll; the non-voters come in name order."""

import datetime as dt
import io
from collections import Counter

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.conftest import make_member
from unionhall.ballots.models import RollEntry
from unionhall.ballots.roll import roll_add, roll_remove
from unionhall.ballots.turnout import first_non_voters, non_voters, turnout, votes_by_day
from unionhall.members.remit import Remit, remit_for

EVERYONE = Remit(everyone=True)


def fresh_count(ballot, remit):
    """Entitled, voted and cumulative votes by local day, counted row by row."""
    entries = [e for e in RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True) if remit.covers(e.member)]
    days = Counter(timezone.localtime(e.voted_at).date() for e in entries if e.voted_at)
    running, by_day = 0, []
    for day in sorted(days):
        running += days[day]
        by_day.append((day, running))
    return len(entries), sum(days.values()), by_day


def test_counts_after_votes_re_votes_and_removals_equal_a_fresh_count(open_ballot, people, crowd):
    for i, member in enumerate(crowd[:6]):
        cast(open_ballot, member, seed=f"first{i}")
    for i, member in enumerate(crowd[:3]):  # re-votes: counted once
        cast(open_ballot, member, yes=False, seed=f"again{i}")
    cast(open_ballot, people.erin, seed="erin")
    roll_remove(ballot=open_ballot, member=crowd[0], reason="Left before the roll froze", actor=None)  # had voted
    roll_remove(ballot=open_ballot, member=crowd[10], reason="Not entitled", actor=None)  # had not
    for remit in (EVERYONE, remit_for(people.carol.user)):
        t = turnout(open_ballot, remit)
        entitled, voted, by_day = fresh_count(open_ballot, remit)
        assert (t.total.entitled, t.total.voted, t.by_day) == (entitled, voted, by_day)
        assert sum(p.entitled for p in t.places) == entitled and sum(p.voted for p in t.places) == voted
    assert turnout(open_ballot, remit_for(people.carol.user)).total.voted == 5  # six voted in North, one removed


def test_casting_stores_the_day_only_and_votes_are_counted_on_their_local_day(open_ballot, crowd):
    cast(open_ballot, crowd[0])
    stored = RollEntry.objects.get(ballot=open_ballot, member=crowd[0]).voted_at
    assert timezone.localtime(stored).time() == dt.time(12, 0)
    # Entries stamped at other times (the demo spreads its votes) fold into their
    # local day: 23:30 UTC on 1 June is 00:30 on 2 June in London.
    late = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC)
    RollEntry.objects.filter(ballot=open_ballot, member__in=crowd[1:3]).update(voted_at=late)
    RollEntry.objects.filter(ballot=open_ballot, member=crowd[3]).update(voted_at=late - dt.timedelta(hours=1))
    days = votes_by_day(RollEntry.objects.filter(ballot=open_ballot, removed_at__isnull=True))
    assert days == {dt.date(2026, 6, 2): 2, dt.date(2026, 6, 1): 1, timezone.localtime(stored).date(): 1}


def test_non_voters_come_in_name_order_without_voters_or_removed_members(open_ballot, people, union, crowd):
    twins = [make_member(f"T{i}", union.north, union.harbour, first_name="Sam", last_name="Aardvark") for i in (2, 1)]
    for twin in twins:
        roll_add(ballot=open_ballot, member=twin, reason="Joined in time", actor=None)
    cast(open_ballot, crowd[1])
    roll_remove(ballot=open_ballot, member=crowd[2], reason="Not entitled", actor=None)
    listed = list(non_voters(open_ballot, EVERYONE))
    members = [e.member for e in listed]
    assert [(m.last_name, m.first_name, m.membership_number) for m in members] == sorted(
        (m.last_name, m.first_name, m.membership_number) for m in members
    )
    assert crowd[1] not in members and crowd[2] not in members
    assert [m for m in members if m.last_name == "Aardvark"] == sorted(twins, key=lambda m: m.membership_number)
    entitled, voted, _ = fresh_count(open_ballot, EVERYONE)
    assert len(listed) == entitled - voted


def test_the_pages_first_non_voters_are_the_sorted_lists_first_whichever_way_they_are_read(open_ballot, people, union, crowd):
    # ``waiting`` only chooses the way of reading: 1 sorts, a million walks the
    # name index (SQLite) or leaves the planner to (PostgreSQL); the list is the same.
    for i, member in enumerate(crowd[:8:2]):
        cast(open_ballot, member, seed=f"v{i}")
    roll_remove(ballot=open_ballot, member=crowd[3], reason="Not entitled", actor=None)
    remits = (EVERYONE, remit_for(people.carol.user), Remit(workplace_ids=frozenset({union.harbour.pk})), Remit(employer_ids=frozenset({union.pps.pk})))
    for remit in remits:
        expected = [(e.member.membership_number, e.member.email, e.member.phone, e.reminder_email, str(e.member.workplace or "") or None)
                    for e in non_voters(open_ballot, remit)]  # fmt: skip
        assert expected, remit
        for limit in (1, 3, len(expected), len(expected) + 5):
            for waiting in (1, len(expected), 10**6):
                listed = first_non_voters(open_ballot, remit, waiting=waiting, limit=limit)
                got = [(e.member.membership_number, e.member.email, e.member.phone, e.reminder_email, e.member.workplace) for e in listed]
                assert got == expected[:limit], (remit, limit, waiting)
    assert first_non_voters(open_ballot, EVERYONE, waiting=0) == []


def test_the_turnout_indexes_leave_the_models_and_migrations_in_step(db):
    out = io.StringIO()
    call_command("makemigrations", "ballots", "--check", "--dry-run", stdout=out)  # exits non-zero on a difference
    with connection.cursor() as cursor:
        names = {c for c in connection.introspection.get_constraints(cursor, RollEntry._meta.db_table)}
    assert {"roll_turnout_day", "roll_turnout_workplace", "roll_turnout_branch", "roll_turnout_employer"} <= names

"""PostgreSQL with prepared statements: a statement with more parameters than
the protocol carries (65,535) still runs, bound on the client, in the same
transaction; every other statement stays bound on the server. Found when a
100,000-member register import failed on PostgreSQL after prepared
statements became the default (bench_import.py)."""

import pytest
from django.db import connection
from django.utils import timezone

from unionhall.members.models import Member
from unionhall.outbox.models import Content

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql" or connection.settings_dict["ENGINE"] != "unionhall.pgbackend",
                                reason="the backend of PostgreSQL with prepared statements")  # fmt: skip


def test_an_in_of_seventy_thousand_values_runs_and_finds_what_it_should(people):
    wanted = [p.pk for p in (people.alice, people.bob)]
    ids = [*range(10_000_000, 10_070_000), *wanted]
    assert len(ids) > 65_535
    assert sorted(Member.objects.filter(pk__in=ids).values_list("pk", flat=True)) == sorted(wanted)


def test_a_bulk_create_of_more_parameters_than_the_protocol_carries_is_written_in_the_callers_transaction(db):
    now = timezone.now()
    rows = [Content(subject=f"s{i}", text="t", created_at=now) for i in range(9_000)]  # 9 columns a row: 81,000 parameters
    Content.objects.bulk_create(rows)
    assert Content.objects.count() == 9_000  # seen by the next statement: the same connection, the same transaction


def test_ordinary_statements_stay_bound_on_the_server(db):
    from django.db.backends.postgresql.base import Cursor as ClientBinding

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::int + %s::int", [1, 2])
        assert cursor.fetchone() == (3,) and not isinstance(cursor.cursor, ClientBinding)
        cursor.execute(f"SELECT count(*) FROM (VALUES {', '.join(['(%s)'] * 70_000)}) v", list(range(70_000)))
        assert cursor.fetchone() == (70_000,) and isinstance(cursor.cursor, ClientBinding)  # this wrapper moved for it
    with connection.cursor() as cursor:  # the next is bound on the server again
        assert not isinstance(cursor.cursor, ClientBinding)


def test_an_iterator_over_seventy_thousand_values_still_streams_from_a_named_cursor(people, monkeypatch):
    """.iterator() reads through a named (server-side) cursor; bound on the
    client, it must stay one, not fetch every row at once (review finding)."""
    from django.db import transaction

    from unionhall.pgbackend import base as pgbackend

    used = []
    real = pgbackend._BindsLargeStatementsOnTheClient._execute

    def spy(self, sql, params, *rest):
        result = real(self, sql, params, *rest)
        used.append((type(self.cursor).__name__, getattr(self.cursor, "name", None)))
        return result

    monkeypatch.setattr(pgbackend._BindsLargeStatementsOnTheClient, "_execute", spy)
    ids = [*range(10_000_000, 10_070_000), people.alice.pk]
    with transaction.atomic():
        assert [m.pk for m in Member.objects.filter(pk__in=ids).iterator(chunk_size=100)] == [people.alice.pk]
    assert any(kind == "ServerSideCursor" and name for kind, name in used), used

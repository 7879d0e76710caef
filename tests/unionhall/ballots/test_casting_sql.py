"""The casting ballot read by plain SQL (unionhall.plainsql) is the ballot the
ORM reads: its columns converted as the ORM converts them, the rest deferred."""

import pytest
from django.db import connection

from unionhall.ballots.casting import CASTING_FIELDS, ballot_for_casting
from unionhall.ballots.models import Ballot
from unionhall.plainsql import Reader


def test_the_casting_ballot_reads_as_the_orm_reads_it(open_ballot):
    plain = ballot_for_casting(open_ballot.slug)
    orm = Ballot.objects.only(*CASTING_FIELDS).get(slug=open_ballot.slug)
    for name in CASTING_FIELDS:
        assert getattr(plain, Ballot._meta.get_field(name).attname) == getattr(orm, Ballot._meta.get_field(name).attname), name
    assert isinstance(plain.manifest, dict) and plain.opens_at.tzinfo is not None
    assert plain.get_deferred_fields() == orm.get_deferred_fields()
    assert plain.trustee_threshold == open_ballot.trustee_threshold  # a deferred field loads when read
    assert ballot_for_casting("no-such-ballot") is None


def test_a_reader_refuses_a_name_that_is_not_a_column():
    with pytest.raises(Exception, match="not columns of Ballot"):
        Reader(Ballot, ["questions"])
    assert Reader(Ballot, ["slug", "id"]).columns() == f"{connection.ops.quote_name('id')}, {connection.ops.quote_name('slug')}"

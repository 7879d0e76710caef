"""Migration 0007: names' search keys lose their accents, so members already on
the register are found by their plain spelling, and a pseudonym cannot pass for them."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.unionhall.conftest import make_member
from unionhall.members.models import Member


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_keys_kept_with_accents_are_folded(transactional_db, union):
    jose = make_member("J1", union.north, first_name="José", last_name="Núñez")
    plain = make_member("P1", union.north, first_name="Ann", last_name="Lee")
    Member.objects.filter(pk=jose.pk).update(first_name_key="josé", last_name_key="núñez")  # as the old name_key kept them
    try:
        migrate([("members", "0006_member_lapsed_on_index")])
        migrate([("members", "0007_name_keys_without_accents")])
        assert Member.objects.filter(pk=jose.pk).values_list("first_name_key", "last_name_key").get() == ("jose", "nunez")
        assert Member.objects.filter(pk=plain.pk).values_list("first_name_key", "last_name_key").get() == ("ann", "lee")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

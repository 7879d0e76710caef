"""Migration 0009: a letter's stored sketch becomes keyed per campaign, as
services.sketch_of makes it; a forgotten letter's old sketch goes."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from unionhall.campaigns import likeness, services
from unionhall.campaigns.models import Letter, LetterSketch

from .test_letters import write_and_confirm


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_sketches_are_recomputed_keyed_and_a_forgotten_letters_go(transactional_db, people, campaign):
    kept = write_and_confirm(people.alice, campaign)
    gone = write_and_confirm(people.bob, campaign, body="Dear MP,\nA quite different letter about the state of the Quay office roof, "
                             "which has leaked onto the interview room desks every wet week since the spring and nobody has fixed it.\n"
                             "Yours sincerely,\nBob Baker", name="Bob Baker")  # fmt: skip
    LetterSketch.objects.all().delete()
    for letter in (kept, gone):  # as before: unkeyed hashes
        LetterSketch.objects.bulk_create(LetterSketch(campaign_id=letter.campaign_id, letter=letter, hash=h) for h in likeness.sketch(likeness.shingles(letter.body)))
    Letter.objects.filter(pk=gone.pk).update(body="")  # forgotten before the migration
    try:
        migrate([("campaigns", "0008_audience_employers_grades")])
        migrate([("campaigns", "0009_keyed_letter_sketches")])
        kept.refresh_from_db()
        assert sorted(LetterSketch.objects.filter(letter=kept).values_list("hash", flat=True)) == list(services.sketch_of(kept))
        assert not LetterSketch.objects.filter(letter=gone).exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_migration_hashes_as_the_app_does_look_alike_and_accented_letters_included(db, campaign):
    """The migration carries its own copy of the hashing: it must agree with sketch_of (review finding: it missed look-alikes)."""
    import importlib

    migration = importlib.import_module("unionhall.campaigns.migrations.0009_keyed_letter_sketches")
    body = ("Dеar MP,\n\nMу саsеlоаd is sіxtу-twо саsеs аnd I саnnоt suреrvіsе thеm рrореrlу; ŁÓDŹ ofﬁce workers agree. "
            "Please press the minister to fund the staff we need.\n\nYоurs sincerely,\nAlice")
    assert migration._sketch(body, services.sketch_key(campaign.pk)) == list(services.sketch_of(Letter(campaign=campaign, body=body)))

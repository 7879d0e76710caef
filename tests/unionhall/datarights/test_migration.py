"""Migration 0004: an installation made while equality answers had a period of
0 days (never applied) gets the three months after leaving, unless HQ set the
period itself."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("datarights", "0003_register_export_lists_unconstrained")]
AFTER = [("datarights", "0004_equality_data_three_months_after_leaving")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.parametrize("set_by_hq", [False, True])
def test_equality_answers_get_three_months_after_leaving_unless_hq_chose_the_period(set_by_hq, transactional_db):
    old = migrate(BEFORE)
    try:
        hq = old.get_model("members", "User").objects.create(email="hq@example.org") if set_by_hq else None
        RetentionPeriod = old.get_model("datarights", "RetentionPeriod")
        RetentionPeriod.objects.filter(key="equality_data").delete()
        RetentionPeriod.objects.create(key="equality_data", days=0, legal_reason="Kept while you consent.", updated_at=timezone.now(), updated_by=hq)
        new = migrate(AFTER)
        period = new.get_model("datarights", "RetentionPeriod").objects.get(key="equality_data")
        assert period.days == (0 if set_by_hq else 90)
        assert ("three months after you leave" in period.legal_reason) is not set_by_hq
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

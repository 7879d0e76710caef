"""Where ballots' services were, before they were split by phase (issue 10).

Nothing in ``src/`` imports this module: the engine's own code imports the
phase modules, and other apps use ``ballots.api``. It stays only for callers
outside the app's code that still name it (``bench/``, ``tests/browser/``),
and goes once they import from the modules below:

- setup.py    ballot_create, ballot_manifest, ballot_set_keys, ballot_open
- roll.py     eligible_members, new_alias, roll_add, roll_remove, roll_changes, hold_open, MIN_AREA_SIZE, OTHER_AREAS
- casting.py  check_cast_ballot, do_cast_ballot, spoil_ballot, CastCheck (and the tracker email, _send_tracker)
- board.py    board, not_counted, audited_ballots
- counting.py ballot_close, trustee_post_shares, ballot_open_areas, may_decrypt, areas_can_open, tally_for, results
- record.py   ballot_record
"""

from unionhall.ballots.board import audited_ballots, board, not_counted
from unionhall.ballots.casting import TRACKER_FIELDS, CastCheck, check_cast_ballot, do_cast_ballot, spoil_ballot
from unionhall.ballots.counting import (
    AreaResult, QuestionResult, areas_can_open, ballot_close, ballot_open_areas, may_decrypt, results, tally_for, trustee_post_shares,
)  # fmt: skip
from unionhall.ballots.record import ballot_record
from unionhall.ballots.roll import MIN_AREA_SIZE, OTHER_AREAS, eligible_members, new_alias, roll_add, roll_changes, roll_remove
from unionhall.ballots.setup import ballot_create, ballot_manifest, ballot_open, ballot_set_keys

__all__ = [
    "MIN_AREA_SIZE", "OTHER_AREAS", "TRACKER_FIELDS", "AreaResult", "CastCheck", "QuestionResult", "areas_can_open",
    "audited_ballots", "ballot_close", "ballot_create", "ballot_manifest", "ballot_open", "ballot_open_areas", "ballot_record",
    "ballot_set_keys", "board", "check_cast_ballot", "do_cast_ballot", "eligible_members", "may_decrypt", "new_alias",
    "not_counted", "results", "roll_add", "roll_changes", "roll_remove", "spoil_ballot", "tally_for", "trustee_post_shares",
]  # fmt: skip

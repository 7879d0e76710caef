"""The record's sections about how it was made rather than what was cast
(spec §6.7, §6.8): whether the headline tally is decrypted, and the key
ceremony's commit-before-reveal digests and the tie-lot seed.

:func:`finish` is applied to what :func:`votecrypt.record.build_record` makes:
it also puts the board in its specified order (by tracker, §6.4).
"""
from __future__ import annotations

from typing import Any, Mapping

KEYS = frozenset({"headline", "ceremony"})
HEADLINE = ("decrypted", "sealed")


def finish(record: dict[str, Any], ceremony: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Add ``headline`` and ``ceremony`` and sort the board by tracker."""
    record["board"] = sorted(record["board"], key=lambda e: e["tracker"])
    head = record["tallies"][0] if record["tallies"] else None
    record["headline"] = "decrypted" if head is not None and head.get("counts") is not None else "sealed"
    record["ceremony"] = dict(ceremony) if ceremony is not None else None
    return record

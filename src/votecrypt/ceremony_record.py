"""The record's sections about how it was made rather than what was cast
(spec §6.7, §6.8): whether the headline tally is decrypted, and the key
ceremony's commit-before-reveal digests with the tie-lot seed.

:func:`finish` is applied to what :func:`votecrypt.record.build_record` makes:
it also puts the board in its specified order (by tracker, §6.4). The other
functions are the JSON-level helpers the trustee tool, the server and the
verifier share.
"""
from __future__ import annotations

import re
import secrets
from typing import Any, Mapping, Sequence

from .manifest import Manifest
from .threshold import TrusteeError, TrusteePublic, commitment_digest as _digest, lot_seed as _lot, seed_commitment as _seed

KEYS = frozenset({"headline", "ceremony"})
HEADLINE = ("decrypted", "sealed")
SEED_REVEAL = "seed_reveal"  # the key beside the areas in a trustee's shares file: their tie-lot value
_HEX32 = re.compile(r"[0-9a-f]{64}")


def finish(record: dict[str, Any], ceremony: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Add ``headline`` and ``ceremony`` and sort the board by tracker."""
    record["board"] = sorted(record["board"], key=lambda e: e["tracker"])
    head = record["tallies"][0] if record["tallies"] else None
    record["headline"] = "decrypted" if head is not None and head.get("counts") is not None else "sealed"
    record["ceremony"] = dict(ceremony) if ceremony is not None else None
    return record


def is_hex32(x: Any) -> bool:
    return isinstance(x, str) and _HEX32.fullmatch(x) is not None


def new_seed_value() -> str:
    """A trustee's secret contribution to the tie-lot seed: 32 random bytes, hex."""
    return secrets.token_hex(32)


def commitment_digest(manifest: Mapping[str, Any], public: Mapping[str, Any]) -> str:
    """The round-1 digest of a trustee's round-2 public data (§6.2.1)."""
    m = Manifest.from_json(manifest)
    return _digest(m.fingerprint, TrusteePublic.from_json(public, m.threshold)).hex()


def seed_commitment(manifest: Mapping[str, Any], index: int, value: str) -> str:
    if not is_hex32(value):
        raise TrusteeError("a seed value is 64 lower-case hex characters")
    return _seed(Manifest.from_json(manifest).fingerprint, index, bytes.fromhex(value)).hex()


def lot_seed(manifest: Mapping[str, Any], reveals: Mapping[int, str]) -> str:
    return _lot(Manifest.from_json(manifest).fingerprint, {int(i): bytes.fromhex(v) for i, v in reveals.items()}).hex()


def ceremony_section(manifest: Mapping[str, Any], trustees: Sequence[Mapping[str, Any]], headline_decrypted: bool) -> dict[str, Any]:
    """The record's ``ceremony`` (§6.8) from each trustee's ``index``,
    ``commitment_digest``, ``seed_commitment`` and ``seed_reveal`` (None if
    not revealed). The lot seed exists once the headline is decrypted."""
    rows = [{"index": t["index"], "commitment_digest": t["commitment_digest"], "seed_commitment": t["seed_commitment"],
             "seed_reveal": t.get("seed_reveal") or None} for t in sorted(trustees, key=lambda t: t["index"])]  # fmt: skip
    reveals = {r["index"]: r["seed_reveal"] for r in rows if r["seed_reveal"]}
    return {"trustees": rows, "lot_seed": lot_seed(manifest, reveals) if headline_decrypted and reveals else None}

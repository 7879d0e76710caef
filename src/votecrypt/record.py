"""The election record (spec §6): one JSON document holding everything the
verifier needs.  Built here, checked by :mod:`votecrypt.verify`."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from .ballot import Election, EncryptedBallot, parse_ballot, tracker
from .elgamal import Ciphertext, dlog
from .group import GroupError
from .hash import VERSION, digest
from .manifest import Manifest
from .tally import Accumulator
from .threshold import DecryptionShare, TrusteePublic, combine


def roll_commitment(voters: Sequence[Sequence[str]]) -> bytes:
    """SHA-256 transcript ("roll", size, alias_1, area_1, ...) over voters sorted by alias."""
    items: list[Any] = [len(voters)]
    for alias, area in sorted(voters):
        items += [alias, area]
    return digest("roll", *items)


def roll_json(roll: Mapping[str, str]) -> dict[str, Any]:
    """``roll`` maps alias -> area ("" for none).  Aliases only, never names."""
    voters = sorted([a, r] for a, r in roll.items())
    return {"size": len(voters), "commitment": roll_commitment(voters).hex(), "voters": voters}


def board_entry(ballot_json: dict[str, Any], ballot: EncryptedBallot, area: str,
                superseded: bool = False) -> dict[str, Any]:
    return {"ballot": ballot_json, "area": area, "tracker": tracker(ballot), "superseded": superseded}


def accumulate(election: Election, board: Sequence[dict[str, Any]]) -> Accumulator:
    acc = Accumulator(len(election.manifest.slots))
    for e in board:
        if not e["superseded"]:
            acc.add(parse_ballot(election, e["ballot"]), e["area"])
    return acc


def tallies_json(acc: Accumulator) -> list[dict[str, Any]]:
    return [{"area": a, "ballots": n, "ct": [c.to_json() for c in cts]} for a, n, cts in acc.tallies()]


def tally_ciphertexts(t: Mapping[str, Any]) -> tuple[Ciphertext, ...]:
    return tuple(Ciphertext.from_json(c, allow_identity=True) for c in t["ct"])


def decode_counts(m: Manifest, t: Mapping[str, Any], shares: Sequence[DecryptionShare]) -> list[int]:
    """Combine verified shares and solve the discrete logs (≤ ballots each)."""
    pts = combine(tally_ciphertexts(t), shares, m.threshold)
    counts = [dlog(p, t["ballots"] + 1) for p in pts]
    if any(c is None for c in counts):
        raise GroupError("decryption-failed", "a total is out of range: wrong or too few shares")
    return counts  # type: ignore[return-value]


def build_record(election: Election, trustees: Sequence[TrusteePublic], roll: Mapping[str, str],
                 board: Sequence[dict[str, Any]], tallies: Sequence[dict[str, Any]],
                 shares: Mapping[str, Sequence[DecryptionShare]]) -> dict[str, Any]:
    """``tallies`` from :func:`tallies_json`; ``shares[area]`` the decryption
    shares published for that tally.  Counts are computed here.  A tally with
    no shares is *sealed*: its sum is in the record (anyone can recompute it)
    but it has not been decrypted, so ``shares`` is empty and ``counts`` null."""
    out = []
    for t in tallies:
        sh = shares.get(t["area"], ())
        counts = decode_counts(election.manifest, t, sh) if sh else None
        out.append({**t, "shares": [s.to_json() for s in sh], "counts": counts})
    return {"version": VERSION, "manifest": election.manifest.to_json(),
            "fingerprint": election.fingerprint.hex(), "joint_key": election.key.hex(),
            "trustees": [p.to_json() for p in sorted(trustees, key=lambda p: p.index)],
            "roll": roll_json(roll), "board": list(board), "tallies": out}

"""The election record (spec §6): one JSON document holding everything the
verifier needs.  Built here, checked by :mod:`votecrypt.verify`.

The board holds the counted ballots only.  A ballot replaced by the voter's
later one, or withdrawn with its voter from the roll, is listed by tracker
alone in ``not_counted``: publishing it with its alias would show who voted
twice.  Ballots opened by a Benaloh audit are published as ciphertexts with their
choices and nonces (no alias, no proofs), so any device can check the booth.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from .ballot import Election, EncryptedBallot, audit_code, parse_ballot, tracker
from .elgamal import Ciphertext, dlog
from .group import GroupError
from .hash import digest
from .manifest import Manifest
from .tally import Accumulator
from .threshold import DecryptionShare, TrusteePublic, combine


RECORD_VERSION = "votecrypt-record/4"  # /4: headline state, ceremony digests and lot seed, voter credentials
NOT_COUNTED_WHY = ("replaced", "withdrawn", "revoked")  # revoked: signed with a credential revoked later (§10.3)
ROLL_CHANGES = ("added", "removed")


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


def board_entry(ballot_json: dict[str, Any], ballot: EncryptedBallot, area: str) -> dict[str, Any]:
    return {"ballot": ballot_json, "area": area, "tracker": tracker(ballot)}


def audited_entry(election: Election, ballot: EncryptedBallot, secrets: Mapping[str, Any]) -> dict[str, Any]:
    """An audited (spoilt) ballot as published: its check code, its ciphertexts
    and the revealed choices and nonces; not its alias or proofs, which would
    tie the checked choice to a voter."""
    cts = [q.ciphertexts for q in ballot.questions]
    return {"code": audit_code(election, cts), "ct": [[c.to_json() for c in q] for q in cts],
            "choices": secrets["choices"], "nonces": secrets["nonces"]}


def accumulate(election: Election, board: Sequence[dict[str, Any]]) -> Accumulator:
    acc = Accumulator(len(election.manifest.slots))
    for e in board:
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
                 shares: Mapping[str, Sequence[DecryptionShare]], *,
                 not_counted: Sequence[dict[str, str]] = (), audited: Sequence[dict[str, Any]] = (),
                 roll_changes: Sequence[dict[str, str]] = (), postal: dict[str, Any] | None = None,
                 credentials: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``tallies`` from :func:`tallies_json`; ``shares[area]`` the decryption
    shares published for that tally.  Counts are computed here.  A tally with
    no shares is *sealed*: its sum is in the record (anyone can recompute it)
    but it has not been decrypted, so ``shares`` is empty and ``counts`` null.
    ``not_counted``: ``{"tracker", "why"}``; ``audited``: from
    :func:`audited_entry`; ``roll_changes``: ``{"alias", "change", "reason"}``
    for each voter added to or removed from the roll after it froze;
    ``postal``: the independent scrutineer's count of returned postal papers
    in a hybrid ballot (spec §6.6), or None; ``credentials``: see
    :func:`credentials_json` (spec §10.3), or None for a ballot run without them."""
    out = []
    for t in tallies:
        sh = shares.get(t["area"], ())
        counts = decode_counts(election.manifest, t, sh) if sh else None
        out.append({**t, "shares": [s.to_json() for s in sh], "counts": counts})
    return {"version": RECORD_VERSION, "manifest": election.manifest.to_json(),
            "fingerprint": election.fingerprint.hex(), "joint_key": election.key.hex(),
            "trustees": [p.to_json() for p in sorted(trustees, key=lambda p: p.index)],
            "roll": roll_json(roll), "roll_changes": sorted(roll_changes, key=lambda c: c["alias"]),
            "board": sorted(board, key=lambda e: e["tracker"]), "not_counted": sorted(not_counted, key=lambda n: n["tracker"]),
            "audited": sorted(audited, key=lambda a: a["code"]), "tallies": out, "postal": postal,
            **({} if credentials is None else {"credentials": credentials_json(board, **credentials)})}


def credentials_json(board: Sequence[dict[str, Any]], *, authority_name: str, authority_key: str,
                     roll_commitment: str, roll_size: int, list: Sequence[str], signature: Sequence[str],
                     revocations: Sequence[Mapping[str, Any]], signed: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The record's ``credentials`` section (spec §10.3). ``list`` and
    ``signature``: the authority's uploaded list and its signature, for the
    frozen roll ``roll_commitment``/``roll_size``; ``revocations`` in the order
    issued (``credential``, ``replacement``, ``reason``, ``signature``);
    ``signed``: tracker -> {"credential", "signature"} for each counted ballot,
    listed here in board (tracker) order (a counted ballot with no signature is
    left out, and the verifier refuses the record)."""
    ordered = sorted(board, key=lambda e: e["tracker"])
    return {"authority": {"name": authority_name, "key": authority_key},
            "roll_commitment": roll_commitment, "roll_size": roll_size, "list": sorted(list),
            "signature": [*signature],
            "revocations": [{"credential": r["credential"], "replacement": r["replacement"], "reason": r["reason"],
                             "signature": [*r["signature"]]} for r in revocations],
            "ballots": [{"tracker": e["tracker"], "credential": signed[e["tracker"]]["credential"],
                         "signature": [*signed[e["tracker"]]["signature"]]} for e in ordered if e["tracker"] in signed]}

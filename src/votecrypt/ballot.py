"""Encrypted ballots, their verification, Benaloh audit, weeding and trackers (spec §6.3).

A ballot carries, per question, one ciphertext per option with a [0, 1] range
proof, plus a [min, max] range proof on the homomorphic sum of the question's
ciphertexts (omitted when implied: min = 0 and max >= number of options).
A *binary* question (exactly one of two options, e.g. yes/no) carries a single
ciphertext, 1 = the first option, with its [0, 1] proof and no sum proof.

Proof contexts (spec §5.1):
  option i of question q:  (F, alias, q, i)     with the joint key K inside the proof
  sum of question q:       (F, alias, q, "sum")
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import reduce
from typing import Any, Sequence

from .elgamal import Ciphertext, encrypt
from .group import L, GroupError, decode_scalar, encode_scalar
from .hash import VERSION, digest
from .manifest import Manifest
from .proofs import Proof, prove_range, verify_range
from .rng import Rng


class BallotError(ValueError):
    """``reason`` is one of: malformed, malformed-point, non-canonical,
    scalar-range, malformed-proof, wrong-election, wrong-voter, bad-proof,
    audit-mismatch.  ``where`` names the field (e.g. ``q1.option[0].proof``)."""

    def __init__(self, reason: str, where: str = "", detail: str = ""):
        super().__init__(f"{reason} at {where or 'ballot'}" + (f": {detail}" if detail else ""))
        self.reason, self.where = reason, where


@dataclass(frozen=True)
class Election:
    """What a ballot is bound to: the manifest and the joint public key K."""

    manifest: Manifest
    key: bytes

    @property
    def fingerprint(self) -> bytes:
        return self.manifest.fingerprint


@dataclass(frozen=True, slots=True)
class EncryptedQuestion:
    id: str
    ciphertexts: tuple[Ciphertext, ...]
    proofs: tuple[Proof, ...]
    sum_proof: Proof | None


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    election: bytes  # manifest fingerprint F
    alias: str
    questions: tuple[EncryptedQuestion, ...]

    def to_json(self) -> dict[str, Any]:
        return {"version": VERSION, "election": self.election.hex(), "alias": self.alias,
                "questions": [{"id": q.id, "ct": [c.to_json() for c in q.ciphertexts],
                               "proofs": [p.to_json() for p in q.proofs],
                               "sum": q.sum_proof.to_json() if q.sum_proof else None}
                              for q in self.questions]}


def _sum(cts: Sequence[Ciphertext]) -> Ciphertext:
    return reduce(lambda a, b: a + b, cts)


def encrypt_ballot(election: Election, alias: str, choices: Sequence[Sequence[int]],
                   rng: Rng) -> tuple[EncryptedBallot, list[list[int]]]:
    """Encrypt ``choices[q][o]`` in {0, 1}.  Returns the ballot and the nonces,
    which the booth keeps only to reveal them if the voter audits (Benaloh)."""
    m, F, K = election.manifest, election.fingerprint, election.key
    if len(choices) != len(m.questions):
        raise ValueError("one choice vector per question")
    out, nonces = [], []
    for q, sel in zip(m.questions, choices):
        sel = q.encoded(sel)
        rs = [rng.scalar() for _ in sel]
        cts = tuple(encrypt(x, r, K) for x, r in zip(sel, rs))
        proofs = tuple(prove_range((F, alias, q.id, i), K, c, x, r, 0, 1, rng)
                       for i, (c, x, r) in enumerate(zip(cts, sel, rs)))
        sp = None
        if q.needs_sum_proof:
            sp = prove_range((F, alias, q.id, "sum"), K, _sum(cts), sum(sel), sum(rs) % L,
                             q.min_selections, q.max_selections, rng)
        out.append(EncryptedQuestion(q.id, cts, proofs, sp))
        nonces.append(rs)
    return EncryptedBallot(F, alias, tuple(out)), nonces


def parse_ballot(election: Election, d: Any, alias: str | None = None) -> EncryptedBallot:
    """Strictly decode a submitted ballot (no proof checks)."""
    where = "ballot"
    try:
        if d.get("version") != VERSION or set(d) != {"version", "election", "alias", "questions"}:
            raise BallotError("malformed", "version", "unknown version or fields")
        if d["election"] != election.fingerprint.hex():
            raise BallotError("wrong-election", "election")
        if not isinstance(d["alias"], str) or (alias is not None and d["alias"] != alias):
            raise BallotError("wrong-voter", "alias")
        qs = election.manifest.questions
        if not isinstance(d["questions"], list) or len(d["questions"]) != len(qs):
            raise BallotError("malformed", "questions", "question count")
        out = []
        for q, dq in zip(qs, d["questions"]):
            where = q.id
            if dq.get("id") != q.id or set(dq) != {"id", "ct", "proofs", "sum"}:
                raise BallotError("malformed", where, "question id or fields")
            n = q.width
            if len(dq["ct"]) != n or len(dq["proofs"]) != n:
                raise BallotError("malformed", where, "option count")
            cts = []
            for i, c in enumerate(dq["ct"]):
                where = f"{q.id}.option[{i}].ct"
                cts.append(Ciphertext.from_json(c))
            proofs = []
            for i, p in enumerate(dq["proofs"]):
                where = f"{q.id}.option[{i}].proof"
                proofs.append(Proof.from_json(p, 2))
            where = f"{q.id}.sum"
            sp = None
            if q.needs_sum_proof:
                sp = Proof.from_json(dq["sum"], q.max_selections - q.min_selections + 1)
            elif dq["sum"] is not None:
                raise BallotError("malformed", where, "unexpected sum proof")
            out.append(EncryptedQuestion(q.id, tuple(cts), tuple(proofs), sp))
        return EncryptedBallot(election.fingerprint, d["alias"], tuple(out))
    except GroupError as e:
        raise BallotError(e.reason, where, str(e)) from None
    except (AttributeError, TypeError, KeyError) as e:
        raise BallotError("malformed", where, repr(e)) from None


def check_proofs(election: Election, b: EncryptedBallot) -> None:
    F, K = election.fingerprint, election.key
    for q, eq in zip(election.manifest.questions, b.questions):
        for i, (c, p) in enumerate(zip(eq.ciphertexts, eq.proofs)):
            if not verify_range((F, b.alias, q.id, i), K, c, p, 0, 1):
                raise BallotError("bad-proof", f"{q.id}.option[{i}].proof")
        if eq.sum_proof and not verify_range((F, b.alias, q.id, "sum"), K, _sum(eq.ciphertexts),
                                             eq.sum_proof, q.min_selections, q.max_selections):
            raise BallotError("bad-proof", f"{q.id}.sum")


def verify_ballot(election: Election, d: Any, alias: str | None = None) -> EncryptedBallot:
    """Decode and fully verify a submitted ballot; raises :class:`BallotError`."""
    b = parse_ballot(election, d, alias)
    check_proofs(election, b)
    return b


def audit_ballot(election: Election, d: Any, choices: Sequence[Sequence[int]],
                 nonces: Sequence[Sequence[Any]]) -> None:
    """Benaloh challenge: a ballot the voter chose *not* to cast is opened; check
    the choices are a valid selection and each ciphertext re-encrypts from
    (plaintext, nonce): one nonce per ciphertext.  Raises on mismatch."""
    b = parse_ballot(election, d)
    audit_ciphertexts(election, [q.ciphertexts for q in b.questions], choices, nonces)


def audit_ciphertexts(election: Election, cts: Sequence[Sequence[Ciphertext]],
                      choices: Sequence[Sequence[int]], nonces: Sequence[Sequence[Any]]) -> None:
    """The re-encryption check of :func:`audit_ballot`, on the ciphertexts alone."""
    try:
        for q, qcts, sel, rs in zip(election.manifest.questions, cts, choices, nonces, strict=True):
            for i, (c, x, r) in enumerate(zip(qcts, q.encoded(sel), rs, strict=True)):
                r = decode_scalar(r) if isinstance(r, str) else r
                if x not in (0, 1) or not r or encrypt(x, r, election.key) != c:
                    raise BallotError("audit-mismatch", f"{q.id}.option[{i}]")
    except ValueError as e:
        if isinstance(e, BallotError):
            raise
        raise BallotError("audit-mismatch", "ballot", str(e)) from None


def audit_code(election: Election, cts: Sequence[Sequence[Ciphertext]]) -> str:
    """How an audited ballot is found on the board: like a tracker, but over the
    election and the ciphertexts only (the alias and proofs are not published)."""
    items: list[Any] = [election.fingerprint]
    for qcts in cts:
        items.append(len(qcts))
        for c in qcts:
            items += [c.alpha, c.beta]
    s = base64.b32encode(digest("audited", *items)[:10]).decode()
    return "-".join(s[i:i + 4] for i in range(0, 16, 4))


def encode_nonces(nonces: Sequence[Sequence[int]]) -> list[list[str]]:
    return [[encode_scalar(r) for r in rs] for rs in nonces]


def ballot_fingerprint(b: EncryptedBallot) -> bytes:
    """Canonical hash of a ballot's ciphertexts and proofs (spec §6.4): the
    server refuses a ballot whose fingerprint or any ``alpha`` is on the board."""
    items: list[Any] = [b.election, b.alias]
    for q in b.questions:
        items.append(q.id)
        for c, p in zip(q.ciphertexts, q.proofs):
            items += [c.alpha, c.beta, *(s.to_bytes(32, "little") for s in p.scalars)]
        if q.sum_proof:
            items += [s.to_bytes(32, "little") for s in q.sum_proof.scalars]
    return digest("ballot", *items)


def replay_keys(b: EncryptedBallot) -> frozenset[bytes]:
    """Every ``alpha = r·G``; honest booths never repeat one."""
    return frozenset(c.alpha for q in b.questions for c in q.ciphertexts)


def tracker(b: EncryptedBallot) -> str:
    """16 base32 characters (80 bits) of SHA-256 over the fingerprint, in groups of 4."""
    return tracker_of(ballot_fingerprint(b))


def tracker_of(fingerprint: bytes) -> str:
    s = base64.b32encode(digest("tracker", fingerprint)[:10]).decode()
    return "-".join(s[i:i + 4] for i in range(0, 16, 4))

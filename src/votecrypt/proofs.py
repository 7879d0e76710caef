"""Sigma protocols made non-interactive by Fiat-Shamir (spec §5).

All proofs are stored in *compact* form — challenges and responses only; the
verifier recomputes the commitments and re-derives the challenge from the
transcript.  ``ctx`` is the statement's binding context (election
fingerprint, joint key, voter alias, question id, option index, ...) and is
hashed before everything else, so a proof moved to another election, key,
voter or position no longer matches its challenge.

* :func:`prove_range` — disjunctive Chaum-Pedersen (Cramer-Damgård-
  Schoenmakers): ``ct`` encrypts some ``j`` in ``[lo, hi]``.  ``[0, 1]`` is
  the per-option selection proof; ``[min, max]`` on a question's summed
  ciphertext is the selection-count proof; ``lo == hi`` is plain CP.
* :func:`prove_dleq` — Chaum-Pedersen: ``log_G X == log_H Y`` (decryption shares).
* :func:`prove_dlog` — Schnorr proof of knowledge of ``log_G X`` (DKG).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from .elgamal import Ciphertext
from .group import L, GroupError, decode_scalar, encode_scalar, mul, mul_base, sub
from .hash import challenge
from .rng import Rng


@dataclass(frozen=True, slots=True)
class Proof:
    """Compact proof: ``scalars`` = (c_0, v_0, c_1, v_1, ...), one pair per branch."""

    scalars: tuple[int, ...]

    def to_json(self) -> list[str]:
        return [encode_scalar(s) for s in self.scalars]

    @classmethod
    def from_json(cls, data: Any, pairs: int) -> "Proof":
        if not isinstance(data, list) or len(data) != 2 * pairs:
            raise GroupError("malformed-proof", f"expected {2 * pairs} scalars")
        return cls(tuple(decode_scalar(x) for x in data))


@lru_cache(maxsize=4096)
def _jG(j: int) -> bytes:
    return mul_base(j)


def _range_commitments(key: bytes, ct: Ciphertext, j: int, c: int, v: int) -> tuple[bytes, bytes]:
    # a = v·G - c·alpha ;  b = v·K - c·(beta - j·G)
    beta_j = ct.beta if j == 0 else sub(ct.beta, _jG(j))
    return sub(mul_base(v), mul(c, ct.alpha)), sub(mul(v, key), mul(c, beta_j))


def prove_range(ctx: Sequence[Any], key: bytes, ct: Ciphertext, m: int, r: int,
                lo: int, hi: int, rng: Rng) -> Proof:
    if not lo <= m <= hi:
        raise ValueError("plaintext outside the proven range")
    while True:
        w = rng.scalar()
        cs, vs, commits = {}, {}, []
        for j in range(lo, hi + 1):
            if j == m:
                commits += [mul_base(w), mul(w, key)]
            else:
                cs[j], vs[j] = rng.scalar(), rng.scalar()
                commits += _range_commitments(key, ct, j, cs[j], vs[j])
        c = challenge("range", *ctx, key, ct.alpha, ct.beta, lo, hi, *commits)
        cs[m] = (c - sum(cs.values())) % L
        vs[m] = (w + cs[m] * r) % L
        if cs[m] and vs[m]:  # zero would make libsodium refuse; resample (p ≈ 2^-251)
            return Proof(tuple(x for j in range(lo, hi + 1) for x in (cs[j], vs[j])))


def verify_range(ctx: Sequence[Any], key: bytes, ct: Ciphertext, proof: Proof,
                 lo: int, hi: int) -> bool:
    s = proof.scalars
    if len(s) != 2 * (hi - lo + 1):
        return False
    commits: list[bytes] = []
    for i, j in enumerate(range(lo, hi + 1)):
        commits += _range_commitments(key, ct, j, s[2 * i], s[2 * i + 1])
    c = challenge("range", *ctx, key, ct.alpha, ct.beta, lo, hi, *commits)
    return sum(s[0::2]) % L == c


def prove_dleq(domain: str, ctx: Sequence[Any], x: int, h: bytes, X: bytes, Y: bytes,
               rng: Rng) -> Proof:
    """Prove ``X = x·G`` and ``Y = x·H``."""
    while True:
        w = rng.scalar()
        c = challenge(domain, *ctx, h, X, Y, mul_base(w), mul(w, h))
        v = (w + c * x) % L
        if c and v:
            return Proof((c, v))


def verify_dleq(domain: str, ctx: Sequence[Any], h: bytes, X: bytes, Y: bytes, proof: Proof) -> bool:
    c, v = proof.scalars
    a = sub(mul_base(v), mul(c, X))
    b = sub(mul(v, h), mul(c, Y))
    return challenge(domain, *ctx, h, X, Y, a, b) == c


def prove_dlog(domain: str, ctx: Sequence[Any], x: int, X: bytes, rng: Rng) -> Proof:
    """Schnorr proof of knowledge of ``x`` with ``X = x·G``."""
    while True:
        w = rng.scalar()
        c = challenge(domain, *ctx, X, mul_base(w))
        v = (w + c * x) % L
        if c and v:
            return Proof((c, v))


def verify_dlog(domain: str, ctx: Sequence[Any], X: bytes, proof: Proof) -> bool:
    c, v = proof.scalars
    return challenge(domain, *ctx, X, sub(mul_base(v), mul(c, X))) == c


__all__ = ["Proof", "prove_range", "verify_range", "prove_dleq", "verify_dleq",
           "prove_dlog", "verify_dlog"]

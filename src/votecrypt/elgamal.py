"""Exponential ElGamal over ristretto255 (spec §4).

``Enc_K(m; r) = (alpha, beta) = (r·G, m·G + r·K)``.  The message lives in the
exponent so ciphertexts add homomorphically; decryption yields ``m·G`` and the
small integer ``m`` is recovered by :func:`dlog` (baby-step giant-step).
``r`` is never 0 (see :mod:`votecrypt.rng`), so a voter's ``alpha``/``beta``
are never the identity even when ``m = 0``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .group import G, IDENTITY, GroupError, add, decode_point, mul, mul_base, sub


@dataclass(frozen=True, slots=True)
class Ciphertext:
    alpha: bytes
    beta: bytes

    def __add__(self, other: "Ciphertext") -> "Ciphertext":
        return Ciphertext(add(self.alpha, other.alpha), add(self.beta, other.beta))

    def to_json(self) -> list[str]:
        return [self.alpha.hex(), self.beta.hex()]

    @classmethod
    def from_json(cls, data, *, allow_identity: bool = False) -> "Ciphertext":
        if not isinstance(data, list) or len(data) != 2:
            raise GroupError("malformed-ciphertext", "expected [alpha, beta]")
        return cls(decode_point(data[0], allow_identity=allow_identity),
                   decode_point(data[1], allow_identity=allow_identity))


ZERO = Ciphertext(IDENTITY, IDENTITY)  # neutral element for sums; never serialised by voters


def encrypt(m: int, r: int, key: bytes) -> Ciphertext:
    return Ciphertext(mul_base(r), add(mul_base(m), mul(r, key)))


def decrypt_to_point(ct: Ciphertext, secret: int) -> bytes:
    return sub(ct.beta, mul(secret, ct.alpha))


class DlogTable:
    """Baby-step giant-step for ``m·G`` with ``0 <= m < bound``.

    The baby table holds ``ceil(sqrt(bound))`` points (32-byte key + int in a
    dict, ~150 bytes each): 3,163 entries ≈ 0.5 MB for the default bound of
    10,000,000; build ≈ 0.1 s, worst lookup ≈ 3,163 point subtractions ≈ 0.1 s.
    Built lazily on first use and cached per bound.
    """

    _cache: dict[int, "DlogTable"] = {}

    def __init__(self, bound: int):
        self.bound = bound
        self.m = max(1, math.isqrt(bound - 1) + 1)
        self.baby: dict[bytes, int] = {}
        p = IDENTITY
        for j in range(self.m):
            self.baby[p] = j
            p = add(p, G)
        self.giant = mul_base(self.m)

    @classmethod
    def get(cls, bound: int) -> "DlogTable":
        if bound not in cls._cache:
            cls._cache[bound] = cls(bound)
        return cls._cache[bound]

    def solve(self, point: bytes) -> int | None:
        p = point
        for i in range(self.m):
            j = self.baby.get(p)
            if j is not None:
                x = i * self.m + j
                return x if x < self.bound else None
            p = sub(p, self.giant)
        return None


DEFAULT_BOUND = 10_000_000


def dlog(point: bytes, bound: int = DEFAULT_BOUND) -> int | None:
    """The m in [0, bound) with m·G == point, or None."""
    return DlogTable.get(bound).solve(point)

"""Randomness seam: every function that needs randomness takes an ``rng``.

Production uses :class:`SystemRng` (``secrets``).  :class:`SeededRng` is a
SHA-512 counter stream for tests and benchmarks only: its output is public
to anyone who knows the seed, which would reveal votes.
"""
from __future__ import annotations

import hashlib
import secrets
from typing import Protocol

from .group import L


class Rng(Protocol):
    def scalar(self) -> int:
        """A uniform non-zero scalar mod L."""


def _nonzero(b: bytes) -> int:
    return int.from_bytes(b, "little") % (L - 1) + 1  # 512 bits -> bias < 2^-250


class SystemRng:
    def scalar(self) -> int:
        return _nonzero(secrets.token_bytes(64))


class SeededRng:
    def __init__(self, seed: bytes | str | int):
        self._seed = str(seed).encode() if not isinstance(seed, bytes) else seed
        self._n = 0

    def scalar(self) -> int:
        self._n += 1
        return _nonzero(hashlib.sha512(self._seed + self._n.to_bytes(8, "big")).digest())


def default_rng(rng: Rng | None) -> Rng:
    return rng if rng is not None else SystemRng()

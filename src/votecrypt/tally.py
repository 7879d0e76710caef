"""Homomorphic tallies, headline and per area (spec §6.5).

A tally is one ciphertext per slot (question, option in manifest order): the
sum of that slot's ciphertexts over the cast (non-superseded) ballots.  The
headline tally (area "") is the sum of the area tallies.  Areas with no cast
ballot have no tally.  A sum can be the identity (e.g. two colluding voters
choosing r and -r), so tally ciphertexts and decryption shares are decoded
with ``allow_identity``; they are recomputed by the verifier anyway.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .ballot import EncryptedBallot
from .elgamal import ZERO, Ciphertext


@dataclass
class Accumulator:
    slots: int
    sums: dict[str, list[Ciphertext]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, ballot: EncryptedBallot, area: str) -> None:
        cts = [c for q in ballot.questions for c in q.ciphertexts]
        cur = self.sums.setdefault(area, [ZERO] * self.slots)
        self.sums[area] = [a + b for a, b in zip(cur, cts)]
        self.counts[area] = self.counts.get(area, 0) + 1

    def merge(self, other: "Accumulator") -> None:
        for area, cts in other.sums.items():
            cur = self.sums.setdefault(area, [ZERO] * self.slots)
            self.sums[area] = [a + b for a, b in zip(cur, cts)]
            self.counts[area] = self.counts.get(area, 0) + other.counts[area]

    def tallies(self) -> list[tuple[str, int, tuple[Ciphertext, ...]]]:
        """[(area, ballots, ciphertexts)], headline ("") first, then areas sorted."""
        if not self.counts:
            return []
        head = [ZERO] * self.slots
        for cts in self.sums.values():
            head = [a + b for a, b in zip(head, cts)]
        out = [("", sum(self.counts.values()), tuple(head))]
        return out + [(a, self.counts[a], tuple(self.sums[a])) for a in sorted(self.sums) if a]

"""Election manifest (spec §6.1) and its fingerprint.

The fingerprint ``F = SHA-256(transcript("manifest", canonical_json(manifest)))``
is the first item of every proof context, which is what makes a proof from
another election fail.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

from .hash import VERSION, canonical_json, digest


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    options: tuple[str, ...]
    min_selections: int
    max_selections: int

    @property
    def binary(self) -> bool:
        """Exactly one of two options (yes/no): one ciphertext, 1 = the first option."""
        return len(self.options) == 2 and self.min_selections == self.max_selections == 1

    @property
    def width(self) -> int:
        """Ciphertexts (and tally slots) for this question."""
        return 1 if self.binary else len(self.options)

    @property
    def needs_sum_proof(self) -> bool:
        """Per-option 0/1 proofs already bound the sum to [0, n]; a binary
        question's single 0/1 proof is the whole statement."""
        return not (self.binary or (self.min_selections == 0
                                    and self.max_selections >= len(self.options)))

    def encoded(self, sel: Sequence[int]) -> list[int]:
        """The 0/1 plaintexts encrypted for a selection (one per option, or
        ``[first option chosen]`` if binary); raises ValueError if invalid."""
        if len(sel) != len(self.options) or any(type(x) is not int or x not in (0, 1) for x in sel):
            raise ValueError(f"question {self.id}: choices must be 0/1 per option")
        if not self.min_selections <= sum(sel) <= self.max_selections:
            raise ValueError(f"question {self.id}: selection count out of range")
        return list(sel[:self.width])

    def option_counts(self, counts: Sequence[int], ballots: int) -> list[int]:
        """Per-option totals from this question's decrypted slot counts."""
        return [counts[0], ballots - counts[0]] if self.binary else list(counts)


@dataclass(frozen=True)
class Manifest:
    election_id: str
    title: str
    questions: tuple[Question, ...]
    trustees: int
    threshold: int

    def __post_init__(self) -> None:
        ids = [q.id for q in self.questions]
        if not ids or len(set(ids)) != len(ids):
            raise ManifestError("questions must be non-empty with unique ids")
        for q in self.questions:
            if not q.options or not 0 <= q.min_selections <= q.max_selections <= len(q.options):
                raise ManifestError(f"question {q.id}: need 0 <= min <= max <= options")
        if not 1 <= self.threshold <= self.trustees:
            raise ManifestError("need 1 <= threshold <= trustees")

    @property
    def slots(self) -> list[tuple[int, int]]:
        """(question, option) per ciphertext in manifest order: the order of tally
        vectors.  A binary question has one slot, (question, 0)."""
        return [(qi, oi) for qi, q in enumerate(self.questions) for oi in range(q.width)]

    def option_counts(self, counts: Sequence[int], ballots: int) -> list[list[int]]:
        """Per question, per option totals from a tally's slot counts."""
        out, i = [], 0
        for q in self.questions:
            out.append(q.option_counts(counts[i:i + q.width], ballots))
            i += q.width
        return out

    def to_json(self) -> dict[str, Any]:
        return {"version": VERSION, "election_id": self.election_id, "title": self.title,
                "trustees": self.trustees, "threshold": self.threshold,
                "questions": [{"id": q.id, "title": q.title, "options": list(q.options),
                               "min_selections": q.min_selections,
                               "max_selections": q.max_selections} for q in self.questions]}

    @classmethod
    def from_json(cls, d: Any) -> "Manifest":
        try:
            if d["version"] != VERSION:
                raise ManifestError(f"unsupported version {d['version']!r}")
            qs = tuple(Question(_s(q["id"]), _s(q["title"]), tuple(_s(o) for o in q["options"]),
                                _i(q["min_selections"]), _i(q["max_selections"]))
                       for q in d["questions"])
            m = cls(_s(d["election_id"]), _s(d["title"]), qs, _i(d["trustees"]), _i(d["threshold"]))
        except (KeyError, TypeError) as e:
            raise ManifestError(f"malformed manifest: {e!r}") from None
        if m.to_json() != d:
            raise ManifestError("manifest has unknown or non-canonical fields")
        return m

    @cached_property
    def fingerprint(self) -> bytes:
        return digest("manifest", canonical_json(self.to_json()))


def _s(x: Any) -> str:
    if not isinstance(x, str):
        raise TypeError("expected string")
    return x


def _i(x: Any) -> int:
    if not isinstance(x, int) or isinstance(x, bool) or x < 0:
        raise TypeError("expected non-negative integer")
    return x

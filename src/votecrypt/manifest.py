"""Election manifest (spec §6.1) and its fingerprint.

The fingerprint ``F = SHA-256(transcript("manifest", canonical_json(manifest)))``
is the first item of every proof context, which is what makes a proof from
another election fail.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

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
    def needs_sum_proof(self) -> bool:
        """Per-option 0/1 proofs already bound the sum to [0, n]."""
        return not (self.min_selections == 0 and self.max_selections >= len(self.options))


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
        """(question, option) pairs in manifest order: the order of tally vectors."""
        return [(qi, oi) for qi, q in enumerate(self.questions) for oi in range(len(q.options))]

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

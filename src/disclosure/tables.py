"""Tables as the union publishes them: counts or magnitudes, with margins.

A table has one to three dimensions (branch, grade, an answer...), each with
its categories in the order they are to be shown. Its *cells* are every
combination of categories, and its *margins* are the same combinations with
one or more dimensions replaced by ``TOTAL``: row totals, column totals and the
grand total. Callers give only the inner cells; margins are always computed
here, so a table can never disagree with its own totals.

Two kinds:

- a *frequency* table counts people (``measure`` says who: "respondents");
- a *magnitude* table sums a numeric answer (``measure``: "caseload") over the
  people in each cell, keeping for each cell the total, the number of
  contributors and the largest few contributions, which the dominance rules
  need. Its contributor counts form a frequency table of their own
  (``count_measure``), protected and published beside the sums.

Tables with the same kind and measure that share a dimension are *linked*:
their common margins are the same published figures (branch × grade and
branch × employer both publish each branch's total), and protection works on
all of them together.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import product

TOTAL = "Total"
MAX_DIMENSIONS = 3
LARGEST_KEPT = 5  # contributions kept per cell: enough for an (n, k) rule with n <= 5

Key = tuple[str, ...]
Number = int | Fraction


class TableError(ValueError):
    """A table that cannot be protected as given; the message says why."""


def exact(value: object, what: str = "value") -> Fraction:
    """``value`` as an exact Fraction: ints, Decimals, Fractions and numeric strings.

    Floats are read through their shortest decimal form (``0.1`` is one tenth).
    """
    if isinstance(value, bool):
        raise TableError(f"{what} {value!r} is not a number")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TableError(f"{what} {value!r} is not a finite number")
        return Fraction(value)
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except ArithmeticError:
            raise TableError(f"{what} {value!r} is not a number") from None
        if not d.is_finite():
            raise TableError(f"{what} {value!r} is not a finite number")
        return Fraction(d)
    raise TableError(f"{what} {value!r} is not a number")


@dataclass(frozen=True)
class Magnitude:
    """What a magnitude cell needs: its ``total``, its ``count`` of contributors
    and its ``largest`` contributions (up to ``LARGEST_KEPT``, largest first)."""

    total: Fraction
    count: int
    largest: tuple[Fraction, ...]

    @classmethod
    def of(cls, contributions: Iterable[object]) -> Magnitude:
        # Whole numbers stay ints (exact, and far faster than Fractions).
        values = [v if type(v) is int else exact(v, "contribution") for v in contributions]
        if any(v < 0 for v in values):
            raise TableError("contributions must not be negative (caseloads, hours and pay are not)")
        return cls(Fraction(sum(values)), len(values), tuple(Fraction(v) for v in heapq.nlargest(LARGEST_KEPT, values)))

    @classmethod
    def merge(cls, parts: Iterable[Magnitude]) -> Magnitude:
        parts = list(parts)
        largest = heapq.nlargest(LARGEST_KEPT, (v for p in parts for v in p.largest))
        return cls(sum((p.total for p in parts), Fraction(0)), sum(p.count for p in parts), tuple(largest))


@dataclass(frozen=True)
class Table:
    """A table to protect. Build one with ``Table.frequency`` or ``Table.magnitude``.

    ``cells`` maps every *inner* key (one category per dimension) to an int
    count (frequency) or a ``Magnitude``; keys absent from the input are zero.
    ``answer`` optionally names the dimension that holds survey answers, so
    the audit can warn where a whole group gave the same answer.
    """

    name: str
    dims: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    cells: Mapping[Key, object]
    kind: str = "frequency"
    measure: str = "respondents"
    count_measure: str = ""
    answer: str | None = None

    @classmethod
    def frequency(
        cls,
        name: str,
        dims: Sequence[str],
        counts: Mapping[Sequence[str], int] | Iterable[tuple[Sequence[str], int]],
        *,
        categories: Sequence[Sequence[str]] | None = None,
        measure: str = "respondents",
        answer: str | None = None,
    ) -> Table:
        """A count table from ``{(category, ...): count}`` (or pairs).

        Categories appear in the order given by ``categories`` or, without it,
        in the order first met in ``counts``. Repeated keys add up.
        """
        items = counts.items() if isinstance(counts, Mapping) else counts
        acc: dict[Key, int] = {}
        for key, count in items:
            key = _key(key, len(dims))
            if isinstance(count, bool) or not isinstance(count, int):
                raise TableError(f"count for {_label(key)} must be a whole number, not {count!r}")
            if count < 0:
                raise TableError(f"count for {_label(key)} is negative ({count})")
            acc[key] = acc.get(key, 0) + count
        return cls._build(name, dims, acc, categories, "frequency", measure, "", answer, 0)

    @classmethod
    def magnitude(
        cls,
        name: str,
        dims: Sequence[str],
        contributions: Mapping[Sequence[str], Iterable[object]] | Iterable[tuple[Sequence[str], object]],
        *,
        categories: Sequence[Sequence[str]] | None = None,
        measure: str = "value",
        count_measure: str | None = None,
        answer: str | None = None,
    ) -> Table:
        """A magnitude table from ``{(category, ...): [value, ...]}``, or from
        ``(key, value)`` pairs, one per contributor (microdata).

        ``count_measure`` names the frequency layer its contributor counts join
        (default: "<measure> answers", linked with nothing else); give
        "respondents" if every respondent answered and a frequency table of
        respondents is published too, so the two are protected together.
        """
        acc: dict[Key, list[object]] = {}
        if isinstance(contributions, Mapping):
            for key, values in contributions.items():
                acc.setdefault(_key(key, len(dims)), []).extend(values)
        else:
            for key, value in contributions:
                acc.setdefault(_key(key, len(dims)), []).append(value)
        cells = {k: Magnitude.of(v) for k, v in acc.items()}
        count_measure = count_measure or f"{measure} answers"
        return cls._build(name, dims, cells, categories, "magnitude", measure, count_measure, answer, None)

    @classmethod
    def _build(cls, name, dims, cells, categories, kind, measure, count_measure, answer, zero) -> Table:
        dims = tuple(str(d) for d in dims)
        if not name:
            raise TableError("a table needs a name")
        if not 1 <= len(dims) <= MAX_DIMENSIONS:
            raise TableError(f"table {name!r} has {len(dims)} dimensions; 1 to {MAX_DIMENSIONS} are supported")
        if len(set(dims)) != len(dims):
            raise TableError(f"table {name!r} names a dimension twice")
        if answer is not None and answer not in dims:
            raise TableError(f"table {name!r}: answer dimension {answer!r} is not one of {dims}")
        if categories is None:
            seen: list[dict[str, None]] = [{} for _ in dims]
            for key in cells:
                for d, c in enumerate(key):
                    seen[d].setdefault(c)
            cats = tuple(tuple(s) for s in seen)
        else:
            cats = tuple(tuple(str(c) for c in cs) for cs in categories)
            if len(cats) != len(dims):
                raise TableError(f"table {name!r}: {len(cats)} category lists for {len(dims)} dimensions")
            for d, cs in enumerate(cats):
                unknown = {k[d] for k in cells} - set(cs)
                if unknown:
                    raise TableError(
                        f"table {name!r}: {dims[d]} {min(unknown)!r} is not among the categories given"
                    )
        for d, cs in enumerate(cats):
            if not cs:
                raise TableError(f"table {name!r}: dimension {dims[d]!r} has no categories")
            if len(set(cs)) != len(cs):
                raise TableError(f"table {name!r}: dimension {dims[d]!r} lists a category twice")
            if TOTAL in cs:
                raise TableError(f"table {name!r}: {TOTAL!r} is reserved for margins, not a {dims[d]}")
        full: dict[Key, object] = {}
        for key in product(*cats):
            value = cells.get(key)
            if value is None:
                value = zero if zero is not None else Magnitude(Fraction(0), 0, ())
            full[key] = value
        return cls(name, dims, cats, full, kind, measure, count_measure, answer)

    def cell_keys(self, margins: bool = True) -> list[Key]:
        """Every cell key, inner cells and (by default) margins, row by row."""
        axes = [list(c) + ([TOTAL] if margins else []) for c in self.categories]
        return [tuple(k) for k in product(*axes)]

    def inner_keys(self, key: Key) -> list[Key]:
        """The inner cells a (margin) cell adds up."""
        axes = [list(c) if k == TOTAL else [k] for k, c in zip(key, self.categories)]
        return [tuple(k) for k in product(*axes)]

    def counts(self) -> dict[Key, int]:
        """Every cell's count (for a magnitude table: its contributors), with margins."""
        inner = {k: (v if self.kind == "frequency" else v.count) for k, v in self.cells.items()}
        return _with_margins(self, inner, sum)

    def magnitudes(self) -> dict[Key, Magnitude]:
        """Every magnitude cell, with margins (magnitude tables only)."""
        if self.kind != "magnitude":
            raise TableError(f"table {self.name!r} is a frequency table")
        return _with_margins(self, dict(self.cells), Magnitude.merge)


def _with_margins(table: Table, inner: dict[Key, object], combine) -> dict[Key, object]:
    out: dict[Key, object] = {}
    for key in table.cell_keys():
        out[key] = inner[key] if TOTAL not in key else combine(inner[k] for k in table.inner_keys(key))
    return out


def _key(key: object, n: int) -> Key:
    if isinstance(key, str):
        key = (key,)
    key = tuple(str(k) for k in key)  # type: ignore[arg-type]
    if len(key) != n:
        raise TableError(f"key {key!r} has {len(key)} parts for {n} dimensions")
    return key


def _label(key: Key) -> str:
    return " × ".join(key)


@dataclass(frozen=True)
class Published:
    """A table as someone published it, for ``audit_published``: each cell's
    figure, or ``None`` where it was suppressed. Margins are cells too."""

    name: str
    dims: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    values: Mapping[Key, int | None] = field(default_factory=dict)
    answer: str | None = None

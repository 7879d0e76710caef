"""Linked tables as one system of cells and additive equations.

Every table protected together that counts (or sums) the same thing is a
*face* of one imagined cross-classification over all their dimensions. A cell
is identified by one category or ``T`` (total) per dimension of that union,
so the branch total of branch × grade and of branch × employer is one and the
same cell, and the equations of every table (each row, column or line adds up
to its margin) are lines of that one grid. This is what lets secondary
suppression and the audit see across tables: a cell hidden in one table but
recoverable through another's totals is caught because both tables'
equations are in the same system.

The attacker's linear programme uses only the published tables' equations.
It does not add the fact that an unpublished joint table must exist behind
them (which matters only for tables linked in a cycle, e.g. A × B, B × C and
A × C); docs/disclosure-control.md says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from .lp import Interval, feasible_intervals
from .tables import TOTAL, Key, TableError

T = -1  # the total position of a dimension in an internal key
Number = int | Fraction
IKey = tuple[int, ...]


@dataclass(frozen=True)
class Face:
    """One table's share of a layer: its cells' values (``None``: not known)."""

    table: str
    dims: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    values: Mapping[Key, Number | None]
    answer: str | None = None


class Layer:
    """The cells and equations of linked tables of one kind and measure."""

    def __init__(self, name: str, faces: Sequence[Face], integral: bool) -> None:
        self.name = name
        self.integral = integral
        dims: list[str] = []
        cats: dict[str, tuple[str, ...]] = {}
        owner: dict[str, str] = {}
        for f in faces:
            for d, cs in zip(f.dims, f.categories):
                if d not in cats:
                    dims.append(d)
                    cats[d] = cs
                    owner[d] = f.table
                elif cats[d] != cs:
                    raise TableError(
                        f"tables {owner[d]!r} and {f.table!r} list different categories for {d!r}; "
                        "linked tables must share them exactly (add a 'not stated' category where answers are missing)"
                    )
        self.dims = tuple(dims)
        self.categories = tuple(cats[d] for d in dims)
        self.faces = tuple(faces)
        self.table_dims: list[tuple[int, ...]] = []
        self.value: dict[IKey, Number | None] = {}
        self.members: dict[IKey, list[int]] = {}
        self.cells: list[IKey] = []
        index = {d: i for i, d in enumerate(dims)}
        self._cat_index = [{c: j for j, c in enumerate(cs)} for cs in self.categories]
        for t, f in enumerate(faces):
            dix = tuple(index[d] for d in f.dims)
            self.table_dims.append(dix)
            for label, v in f.values.items():
                key = self.key(label, t)
                if key in self.value:
                    old = self.value[key]
                    if old is None:
                        self.value[key] = v
                    elif v is not None and v != old:
                        first = self.faces[self.members[key][0]].table
                        raise TableError(
                            f"tables {first!r} and {f.table!r} disagree on {self.describe(key)}: {old} and {v}"
                        )
                    self.members[key].append(t)
                else:
                    self.value[key] = v
                    self.members[key] = [t]
                    self.cells.append(key)
        self._equations = self._lines()

    # --- keys -----------------------------------------------------------
    def key(self, label: Key, table: int) -> IKey:
        out = [T] * len(self.dims)
        for d, c in zip(self.table_dims[table], label):
            if c != TOTAL:
                out[d] = self._cat_index[d][c]
        return tuple(out)

    def label(self, key: IKey, table: int) -> Key:
        return tuple(TOTAL if key[d] == T else self.categories[d][key[d]] for d in self.table_dims[table])

    def describe(self, key: IKey) -> str:
        parts = [f"{self.dims[d]}={self.categories[d][c]}" for d, c in enumerate(key) if c != T]
        return ", ".join(parts) if parts else "the grand total"

    def margin_level(self, key: IKey) -> int:
        """How many totals deep the cell is in the widest table that shows it."""
        return max(sum(1 for d in self.table_dims[t] if key[d] == T) for t in self.members[key])

    # --- equations ------------------------------------------------------
    def _lines(self) -> list[tuple[tuple[IKey, ...], IKey]]:
        """Every published equation: ``sum(parts) == total`` along one dimension of one table."""
        seen: set[tuple[IKey, ...]] = set()
        lines = []
        for dix in self.table_dims:
            for d in dix:
                others = [x for x in dix if x != d]
                axes = [list(range(len(self.categories[o]))) + [T] for o in others]
                for combo in product(*axes):
                    base = [T] * len(self.dims)
                    for o, c in zip(others, combo):
                        base[o] = c
                    parts = []
                    for c in range(len(self.categories[d])):
                        k = list(base)
                        k[d] = c
                        parts.append(tuple(k))
                    total = tuple(base)
                    sig = (*parts, total)
                    if sig not in seen:
                        seen.add(sig)
                        lines.append((tuple(parts), total))
        return lines

    @property
    def equations(self) -> list[tuple[tuple[IKey, ...], IKey]]:
        return self._equations

    def intervals(
        self, suppressed: Iterable[IKey], wanted: Iterable[IKey], *, raw: bool = False,
        goals: dict[IKey, tuple[Number, Number]] | None = None,
    ) -> dict[IKey, Interval]:
        """The attacker's feasible interval of each ``wanted`` suppressed cell.

        Every cell not in ``suppressed`` is taken as published at its value.
        Counts' intervals are narrowed to whole numbers unless ``raw``.
        Raises ``lp.Infeasible`` if the published figures cannot all hold.
        ``goals``: see ``lp.feasible_intervals`` (intervals then inner bounds).
        """
        var = {k: i for i, k in enumerate(sorted(set(suppressed)))}
        eqs = []
        for parts, total in self._equations:
            coefs: dict[int, int] = {}
            rhs: Number = 0
            for k, c in [(p, 1) for p in parts] + [(total, -1)]:
                if k in var:
                    coefs[var[k]] = coefs.get(var[k], 0) + c
                else:
                    v = self.value[k]
                    if v is None:
                        raise ValueError(f"{self.describe(k)} is neither published nor suppressed")
                    rhs -= c * v
            eqs.append((coefs, rhs))
        wanted = list(wanted)
        got = feasible_intervals(eqs, [var[k] for k in wanted], {var[k]: g for k, g in (goals or {}).items() if k in var})
        out = {}
        for k in wanted:
            iv = got[var[k]]
            out[k] = iv.integral() if self.integral and not raw else iv
        return out

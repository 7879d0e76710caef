"""The attacker's linear programme, solved exactly.

Given a table's additive equations (each ``sum(coef * x) == rhs``) over the
suppressed cells, with every cell non-negative, ``feasible_intervals`` finds
for each suppressed cell the least and the greatest value it can take: the
*feasible interval* an attacker can work out from what was published. It is
the check behind every claim this package makes, so it is small, exact and
dependency-free: a two-phase tableau simplex over ``fractions.Fraction`` (kept
as ``int`` where exact, which for 0/±1 table equations is almost everywhere),
choosing the entering column by Dantzig's rule, and by Bland's rule whenever
it stalls, so that the degenerate bases these tables are full of can never
make it cycle. Rows are kept sparse, as table equations are.

The system is split into independent components (cells linked by no equation
cannot inform one another), and each component keeps its feasible basis from
one objective to the next, so a cell's minimum and maximum cost a few pivots.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

Number = int | Fraction
INFINITY = math.inf


class Infeasible(ValueError):
    """The equations have no non-negative solution: the figures do not add up."""


@dataclass(frozen=True)
class Interval:
    """The values a cell can take given everything published: ``lo <= x <= hi``.

    ``hi`` is ``math.inf`` when nothing published bounds the cell from above.
    """

    lo: Number
    hi: Number | float

    @property
    def width(self) -> Number | float:
        return self.hi - self.lo

    @property
    def exact(self) -> bool:
        """True when the published figures determine the cell exactly."""
        return self.lo == self.hi

    def integral(self) -> Interval:
        """The interval for a count: an attacker knows counts are whole numbers."""
        lo = math.ceil(self.lo)
        hi = self.hi if self.hi == INFINITY else math.floor(self.hi)
        return Interval(lo, hi)


def _q(x: Number) -> Number:
    """Keep exact values as ``int`` when they are whole (ints are far faster)."""
    if type(x) is Fraction and x.denominator == 1:
        return x.numerator
    return x


def _div(a: Number, p: Number) -> Number:
    if p == 1:
        return a
    if p == -1:
        return -a
    if type(a) is int and type(p) is int and a % p == 0:
        return a // p
    return _q(Fraction(a) / p)


_STALL = 20  # degenerate pivots in a row before Bland's rule takes over


class _Tableau:
    """A sparse simplex tableau in canonical form for ``A x = b, x >= 0``.

    Each row is a dict of its non-zero coefficients (table equations are
    short, and stay sparse as they are pivoted). ``cost`` holds the non-zero
    reduced costs of the current objective (minimised) and ``value`` minus
    the objective's current value.
    """

    def __init__(self, rows: list[dict[int, Number]], rhs: list[Number], basis: list[int]) -> None:
        self.a = rows
        self.b = rhs
        self.basis = basis
        self.cost: dict[int, Number] = {}
        self.value: Number = 0

    @staticmethod
    def _eliminate(row: dict[int, Number], f: Number, prow: dict[int, Number], whole: bool = False) -> None:
        """``row -= f * prow``, keeping entries ints where whole.

        ``whole``: every entry of ``prow`` is an int (the usual case for
        table equations), so with an int ``f`` plain int arithmetic will do.
        Entries that become 0 may stay in the row; they count as absent.
        """
        get = row.get
        if whole and type(f) is int:
            row.update({j: get(j, 0) - f * v for j, v in prow.items()})
            return
        for j, v in prow.items():
            nv = get(j, 0) - f * v
            if type(nv) is Fraction and nv.denominator == 1:
                nv = nv.numerator
            row[j] = nv

    def pivot(self, r: int, col: int) -> None:
        a, b = self.a, self.b
        prow = a[r]
        p = prow[col]
        if p != 1:
            prow = a[r] = {j: _div(v, p) for j, v in prow.items() if v}
            b[r] = _div(b[r], p)
        else:
            prow = a[r] = {j: v for j, v in prow.items() if v}
        whole = all(type(v) is int for v in prow.values())
        br = b[r]
        for i, row in enumerate(a):
            if i != r:
                f = row.get(col)
                if f:
                    self._eliminate(row, f, prow, whole)
                    b[i] = _q(b[i] - f * br)
        f = self.cost.get(col)
        if f:
            self._eliminate(self.cost, f, prow, whole)
            self.value = _q(self.value - f * br)
        self.basis[r] = col

    def set_objective(self, c: Mapping[int, Number]) -> None:
        """Minimise ``sum(c[j] * x[j])``: reduced costs from the current basis."""
        cost = dict(c)
        value: Number = 0
        for i, bj in enumerate(self.basis):
            cb = c.get(bj, 0)
            if cb:
                self._eliminate(cost, cb, self.a[i])
                value = _q(value - cb * self.b[i])
        self.cost = cost
        self.value = value

    def optimise(self, allowed: int, stop_at: Number | None = None) -> bool:
        """Pivot to optimality over columns ``< allowed``.

        Dantzig's rule (most negative reduced cost) while pivots make
        progress; after a run of degenerate pivots, Bland's rule (lowest
        index), which cannot cycle, until the objective moves again.
        Returns False if the objective is unbounded below.

        ``stop_at``: stop as soon as ``value`` (minus the objective at the
        current vertex, which is feasible) reaches it: the caller only needs
        to know that the objective can get that low.
        """
        a, b = self.a, self.b
        stalled = 0
        while True:
            if stop_at is not None and self.value >= stop_at:
                return True
            negative = [(v, j) for j, v in self.cost.items() if v < 0 and j < allowed]
            if not negative:
                return True
            col = min(j for _, j in negative) if stalled >= _STALL else min(negative)[1]
            best_r = None
            best_ratio: Number = 0
            for i, row in enumerate(a):
                v = row.get(col)
                if v is not None and v > 0:
                    ratio = b[i] if v == 1 else Fraction(b[i]) / v
                    if (
                        best_r is None
                        or ratio < best_ratio
                        or (ratio == best_ratio and self.basis[i] < self.basis[best_r])
                    ):
                        best_r, best_ratio = i, ratio
            if best_r is None:
                return False
            stalled = stalled + 1 if best_ratio == 0 else 0
            self.pivot(best_r, col)


def _component_intervals(
    variables: list[int],
    equations: list[tuple[dict[int, Number], Number]],
    wanted: Iterable[int],
    goals: Mapping[int, tuple[Number, Number]] | None = None,
) -> dict[int, Interval]:
    index = {v: k for k, v in enumerate(variables)}
    n = len(variables)
    m = len(equations)
    rows: list[dict[int, Number]] = []
    rhs: list[Number] = []
    for i, (coefs, b) in enumerate(equations):
        sign = -1 if b < 0 else 1
        row = {index[v]: sign * c for v, c in coefs.items()}
        row[n + i] = 1
        rows.append(row)
        rhs.append(_q(sign * b))
    t = _Tableau(rows, rhs, [n + i for i in range(m)])
    # Phase 1: minimise the sum of the artificial variables.
    t.set_objective({n + i: 1 for i in range(m)})
    t.optimise(n + m)
    if t.value != 0:
        raise Infeasible("the published figures have no non-negative solution")
    # Drive artificial variables out of the basis; a row where none of the
    # real columns is non-zero is a redundant equation and goes.
    keep = []
    for r in range(m):
        if t.basis[r] >= n:
            col = min((j for j, v in t.a[r].items() if j < n and v), default=None)
            if col is None:
                continue
            t.pivot(r, col)
        keep.append(r)
    t.a = [{j: v for j, v in t.a[r].items() if j < n and v} for r in keep]
    t.b = [t.b[r] for r in keep]
    t.basis = [t.basis[r] for r in keep]
    # Every vertex visited shows some cells at 0, which is then their least
    # value (cells are >= 0): most minimisations need no pivoting at all.
    wanted = [index[v] for v in wanted]
    floor_zero: set[int] = set()
    pending = set(wanted)

    def note_zeros() -> None:
        basic = {bj: i for i, bj in enumerate(t.basis)}
        for k in list(pending):
            i = basic.get(k)
            if i is None or t.b[i] == 0:
                floor_zero.add(k)
                pending.discard(k)

    note_zeros()
    goal = {index[v]: g for v, g in (goals or {}).items() if v in index}
    highs: dict[int, Number | float] = {}
    for k in wanted:
        t.set_objective({k: -1})
        highs[k] = t.value if t.optimise(n, goal[k][1] if k in goal else None) else INFINITY
        note_zeros()
    out: dict[int, Interval] = {}
    for k in wanted:
        if k in floor_zero:
            lo: Number = 0
        else:
            t.set_objective({k: 1})
            t.optimise(n, -goal[k][0] if k in goal else None)
            lo = -t.value
            note_zeros()
        hi = highs[k]
        out[variables[k]] = Interval(_q(Fraction(lo)), hi if hi == INFINITY else _q(Fraction(hi)))
    return out


def feasible_intervals(
    equations: Sequence[tuple[Mapping[int, Number], Number]],
    wanted: Iterable[int],
    goals: Mapping[int, tuple[Number, Number]] | None = None,
) -> dict[int, Interval]:
    """The feasible interval of each variable in ``wanted``.

    ``equations`` are ``(coefficients, rhs)`` pairs meaning
    ``sum(coefficients[v] * x[v]) == rhs``; every variable is ``>= 0``.
    Equations with no variable must read ``0 == rhs`` (else ``Infeasible``).
    Raises ``Infeasible`` if no non-negative solution exists.

    ``goals`` (optional, ``{variable: (low, high)}``): the caller only needs
    to know whether the variable can reach ``low`` and ``high``. Its
    optimisation stops once a feasible vertex gets there, so its interval
    is then an *inner* bound: feasible throughout, reaching at least the
    goal; where a goal is out of reach the bound is the exact optimum.
    """
    parent: dict[int, int] = {}

    def find(v: int) -> int:
        root = v
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[v] != root:
            parent[v], v = root, parent[v]
        return root

    for coefs, b in equations:
        live = [v for v, c in coefs.items() if c]
        if not live:
            if b != 0:
                raise Infeasible("a published total does not equal the sum of its published parts")
            continue
        first = find(live[0])
        for v in live[1:]:
            r = find(v)
            if r != first:
                parent[r] = first
    wanted = list(dict.fromkeys(wanted))
    groups: dict[int, list[tuple[dict[int, Number], Number]]] = {}
    for coefs, b in equations:
        live = {v: c for v, c in coefs.items() if c}
        if live:
            groups.setdefault(find(next(iter(live))), []).append((live, b))
    want_by_root: dict[int, list[int]] = {}
    out: dict[int, Interval] = {}
    for v in wanted:
        if v in parent:
            want_by_root.setdefault(find(v), []).append(v)
        else:
            out[v] = Interval(0, INFINITY)
    for root, eqs in groups.items():
        members = sorted({v for coefs, _ in eqs for v in coefs})
        targets = want_by_root.get(root, [])
        result = _component_intervals(members, eqs, targets, goals)
        out.update(result)
    # every component is checked for feasibility even if none of its cells is wanted
    return {v: out[v] for v in wanted}

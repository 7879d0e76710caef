"""The attacker's linear programme, solved exactly.

Given a table's additive equations (each ``sum(coef * x) == rhs``) over the
suppressed cells, with every cell non-negative, ``feasible_intervals`` finds
for each suppressed cell the least and the greatest value it can take: the
*feasible interval* an attacker can work out from what was published. It is
the check behind every claim this package makes, so it is small, exact and
dependency-free: a two-phase tableau simplex over ``fractions.Fraction`` (kept
as ``int`` where exact, which for 0/±1 table equations is almost everywhere),
with Bland's rule so that the degenerate bases these tables are full of can
never make it cycle.

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


class _Tableau:
    """A simplex tableau in canonical form for ``A x = b, x >= 0``.

    Rows are dense lists; pivots touch only the pivot row's non-zero columns.
    ``cost`` is the reduced-cost row of the current objective (minimised) and
    ``value`` minus the objective's current value.
    """

    def __init__(self, rows: list[list[Number]], rhs: list[Number], n: int) -> None:
        self.n = n
        self.a = rows
        self.b = rhs
        self.basis: list[int] = []
        self.cost: list[Number] = [0] * n
        self.value: Number = 0

    def pivot(self, r: int, col: int) -> None:
        a, b = self.a, self.b
        prow = a[r]
        p = prow[col]
        if p != 1:
            prow = a[r] = [_div(v, p) for v in prow]
            b[r] = _div(b[r], p)
        nz = [j for j, v in enumerate(prow) if v]
        br = b[r]
        for i, row in enumerate(a):
            if i == r:
                continue
            f = row[col]
            if f:
                for j in nz:
                    row[j] = _q(row[j] - f * prow[j])
                b[i] = _q(b[i] - f * br)
        f = self.cost[col]
        if f:
            cost = self.cost
            for j in nz:
                cost[j] = _q(cost[j] - f * prow[j])
            self.value = _q(self.value - f * br)
        self.basis[r] = col

    def set_objective(self, c: Mapping[int, Number]) -> None:
        """Minimise ``sum(c[j] * x[j])``: reduced costs from the current basis."""
        cost = [0] * self.n
        for j, v in c.items():
            cost[j] = v
        value: Number = 0
        for i, bj in enumerate(self.basis):
            cb = c.get(bj, 0)
            if cb:
                row = self.a[i]
                for j, v in enumerate(row):
                    if v:
                        cost[j] = _q(cost[j] - cb * v)
                value = _q(value - cb * self.b[i])
        self.cost = cost
        self.value = value

    def optimise(self, allowed: int) -> bool:
        """Pivot to optimality over columns ``< allowed`` (Bland's rule).

        Returns False if the objective is unbounded below.
        """
        a, b, cost = self.a, self.b, self.cost
        while True:
            col = next((j for j in range(allowed) if cost[j] < 0), None)
            if col is None:
                return True
            best_r = None
            best_ratio: Number = 0
            for i, row in enumerate(a):
                v = row[col]
                if v > 0:
                    ratio = Fraction(b[i]) / v if type(v) is not int or v != 1 else b[i]
                    if (
                        best_r is None
                        or ratio < best_ratio
                        or (ratio == best_ratio and self.basis[i] < self.basis[best_r])
                    ):
                        best_r, best_ratio = i, ratio
            if best_r is None:
                return False
            self.pivot(best_r, col)


def _component_intervals(
    variables: list[int],
    equations: list[tuple[dict[int, Number], Number]],
    wanted: Iterable[int],
) -> dict[int, Interval]:
    index = {v: k for k, v in enumerate(variables)}
    n = len(variables)
    m = len(equations)
    rows: list[list[Number]] = []
    rhs: list[Number] = []
    for i, (coefs, b) in enumerate(equations):
        sign = -1 if b < 0 else 1
        row: list[Number] = [0] * (n + m)
        for v, c in coefs.items():
            row[index[v]] = sign * c
        row[n + i] = 1
        rows.append(row)
        rhs.append(_q(sign * b))
    t = _Tableau(rows, rhs, n + m)
    t.basis = [n + i for i in range(m)]
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
            col = next((j for j in range(n) if t.a[r][j] != 0), None)
            if col is None:
                continue
            t.pivot(r, col)
        keep.append(r)
    t.a = [t.a[r][:n] for r in keep]
    t.b = [t.b[r] for r in keep]
    t.basis = [t.basis[r] for r in keep]
    t.n = n
    out: dict[int, Interval] = {}
    for v in wanted:
        k = index[v]
        t.set_objective({k: 1})
        t.optimise(n)
        lo = -t.value
        t.set_objective({k: -1})
        hi: Number | float = t.value if t.optimise(n) else INFINITY
        out[v] = Interval(_q(Fraction(lo)), hi if hi == INFINITY else _q(Fraction(hi)))
    return out


def feasible_intervals(
    equations: Sequence[tuple[Mapping[int, Number], Number]],
    wanted: Iterable[int],
) -> dict[int, Interval]:
    """The feasible interval of each variable in ``wanted``.

    ``equations`` are ``(coefficients, rhs)`` pairs meaning
    ``sum(coefficients[v] * x[v]) == rhs``; every variable is ``>= 0``.
    Equations with no variable must read ``0 == rhs`` (else ``Infeasible``).
    Raises ``Infeasible`` if no non-negative solution exists.
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
        result = _component_intervals(members, eqs, targets)
        out.update(result)
    # every component is checked for feasibility even if none of its cells is wanted
    return {v: out[v] for v in wanted}

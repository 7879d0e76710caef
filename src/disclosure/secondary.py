"""Secondary (complementary) suppression by hypercubes, checked by the LP.

A hidden cell is only hidden if the published figures leave it room to move.
Room comes from *hypercubes*: pick, in every dimension, a second category (or
the total) besides the sensitive cell's own, and the corners of the box so
made can be shifted by +e and -e in a pattern that keeps every row, column
and margin adding up (in two dimensions a rectangle: +e, -e along a row, -e,
+e on the row below; a corner on a total moves with the cells it adds up).
If every corner of such a box is suppressed, the attacker cannot tell the
true table from the shifted one, for any e up to the smallest value among
the corners that go down. This is the idea of tau-Argus's hypercube method
(GHMITER, Repsilber); here the box is drawn in the joint grid of all linked
tables, so a box that moves a shared branch total carries on into every
other table that shows that total, and only its corners that some published
table shows count.

For each sensitive cell and each direction (up by its upper protection
level, down by its lower one) the cheapest box is chosen: cells already
hidden cost nothing, others cost their value, and any total costs more than
every inner cell together, so totals are hidden only when nothing else will
do. Ties go to the first box in a fixed order: the result is deterministic.
When one box cannot give enough room, boxes are added, each using what room
the earlier ones left (so their shifts can be made together).

Zeros are never hidden (they are shown as true zeros), so a box through a
zero is not used. Whatever the boxes promise, the exact LP of the audit has
the last word; a cell it still finds short of protection causes the layer's
every non-zero cell, and at last every cell, to be hidden (which always
protects), and that is reported.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from fractions import Fraction
from itertools import product

from .layer import IKey, Layer, T
from .status import Sensitive

Number = int | Fraction
MAX_BOXES = 64  # boxes added for one cell and direction before falling back


def protected(x: Number, sens: Sensitive, iv) -> bool:
    """Whether interval ``iv`` gives a cell of value ``x`` its protection levels."""
    return iv.lo <= x - sens.lower and iv.hi >= x + sens.upper


def _cheapest_first(options: list[list[tuple[float, int]]]):
    """Every combination of one option per list, by increasing total cost.

    Ties come in the order ``itertools.product`` would give them, so the
    search is deterministic; combinations are made only as they are needed.
    """
    order = [sorted(range(len(opts)), key=lambda i, o=opts: (o[i][0], i)) for opts in options]
    if any(not o for o in order):
        return
    start = (0,) * len(options)

    def item(idx):
        picks = [order[d][i] for d, i in enumerate(idx)]
        return (sum(options[d][p][0] for d, p in enumerate(picks)), tuple(picks), idx)

    heap = [item(start)]
    seen = {start}
    while heap:
        bound, picks, idx = heapq.heappop(heap)
        yield bound, tuple(options[d][p][1] for d, p in enumerate(picks))
        for d in range(len(idx)):
            if idx[d] + 1 < len(order[d]):
                nxt = idx[:d] + (idx[d] + 1,) + idx[d + 1 :]
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, item(nxt))


class _Search:
    def __init__(self, layer: Layer, suppressed: set[IKey]) -> None:
        self.layer = layer
        self.suppressed = suppressed
        self.nd = len(layer.dims)
        self.tsets = [set(d) for d in layer.table_dims]
        self.outside = [[e for e in range(self.nd) if e not in s] for s in self.tsets]
        total = sum(v for v in layer.value.values() if v) + 1
        # Costs rank boxes only, so floats are exact enough and far faster to compare.
        self.cost = {k: float((layer.value[k] or 0) + layer.margin_level(k) * total) for k in layer.cells}

    def corners(self, choices: list[tuple[int, ...]]) -> dict[IKey, int]:
        """Published corners of the box and their shift (+1 or -1), up to one common sign.

        Undecided dimensions (a single choice, the total) multiply every
        corner's shift by the same -1, so only decided ones are looked at.
        """
        decided = [e for e in range(self.nd) if len(choices[e]) == 2]
        out: dict[IKey, int] = {}
        base = [T] * self.nd
        for t in range(len(self.tsets)):
            tset = self.tsets[t]
            if any(e not in tset and T not in choices[e] for e in decided):
                continue
            axes = [choices[e] if e in tset else (T,) for e in decided]
            for combo in product(*axes):
                key_list = list(base)
                coef = 1
                for e, c in zip(decided, combo):
                    key_list[e] = c
                    if (c == T) != (c != choices[e][0]):
                        coef = -coef
                key = tuple(key_list)
                if key not in out:
                    out[key] = coef
        return out

    def score(self, s: IKey, corners: dict[IKey, int], up: bool, residual: Mapping[IKey, Number]):
        """(valid, capacity, cost) of a box for moving ``s`` up (or down)."""
        value = self.layer.value
        sign = corners[s] if up else -corners[s]
        cap: Number | float = math.inf
        cost = 0.0
        for k, c in corners.items():
            v = value[k]
            if k not in self.suppressed:
                if not v:
                    return False, 0, 0
                cost += self.cost[k]
            if c * sign < 0:  # this corner goes down
                r = residual.get(k, v)
                cap = min(cap, r)
        return True, cap, cost

    def needed_dim(self, choices: list[tuple[int, ...]]) -> int | None:
        """The first undecided dimension some table would leave unbalanced."""
        for t in range(len(self.tsets)):
            if any(T not in choices[e] for e in self.outside[t]):
                continue
            for e in self.layer.table_dims[t]:
                if len(choices[e]) == 1:
                    return e
        return None

    def extend(self, s, choices, up, residual, need):
        """Decide the other dimensions greedily; returns (choices, corners, cap, cost) or None."""
        while True:
            e = self.needed_dim(choices)
            if e is None:
                corners = self.corners(choices)
                ok, cap, cost = self.score(s, corners, up, residual)
                return (choices, corners, cap, cost) if ok and cap > 0 else None
            best = None
            for r in range(len(self.layer.categories[e])):
                trial = list(choices)
                trial[e] = (T, r)
                corners = self.corners(trial)
                ok, cap, cost = self.score(s, corners, up, residual)
                if not ok or cap <= 0:
                    continue
                rank = (0, cost) if cap >= need else (1, -cap, cost)
                if best is None or rank < best[0]:
                    best = (rank, trial)
            if best is None:
                return None
            choices = best[1]

    def best_box(self, s: IKey, up: bool, residual: Mapping[IKey, Number], need: Number):
        """The cheapest box giving ``s`` room ``need`` in one direction (or the roomiest).

        Returns ``(corners, room)`` or ``None`` when no box can be drawn.
        """
        layer = self.layer
        value = layer.value
        own = [d for d in range(self.nd) if s[d] != T]
        # Each own dimension's second choice, with the cost of the box's corner
        # next to the sensitive cell along it (a lower bound on the box's cost);
        # a choice landing on a shown zero can never be part of a box.
        options = []
        for d in own:
            opts = []
            for q in list(range(len(layer.categories[d]))) + [T]:
                if q == s[d]:
                    continue
                key = list(s)
                key[d] = q
                key = tuple(key)
                if key in self.suppressed:
                    opts.append((0.0, q))
                elif value[key]:
                    opts.append((self.cost[key], q))
            options.append(opts)
        best = None
        for bound, combo in _cheapest_first(options):
            if best is not None and best[0][0] == 0 and bound >= best[0][1]:
                break
            corners: dict[IKey, int] = {}
            for picks in product((0, 1), repeat=len(own)):
                key = list(s)
                coef = 1
                for d, q, pick in zip(own, combo, picks):
                    if pick:
                        key[d] = q
                        if q != T:  # the sensitive cell's own category is never the total
                            coef = -coef
                corners[tuple(key)] = coef
            ok, cap, cost = self.score(s, corners, up, residual)
            if not ok or cap <= 0:
                continue
            if best is not None and best[0][0] == 0 and cost >= best[0][1]:
                continue
            choices: list[tuple[int, ...]] = [(T,)] * self.nd
            for d, q in zip(own, combo):
                choices[d] = (s[d], q)
            got = self.extend(s, choices, up, residual, need)
            if got is None:
                continue
            _, corners, cap, full_cost = got
            rank = (0, full_cost) if cap >= need else (1, -cap, full_cost)
            if best is None or rank < best[0]:
                best = (rank, corners, cap)
        return None if best is None else (best[1], best[2])


def hypercubes(layer: Layer, sensitive: Mapping[IKey, Sensitive], suppressed: set[IKey]) -> tuple[set[IKey], list[IKey]]:
    """Add secondary suppressions to ``suppressed`` (changed in place) for every
    sensitive cell; returns (cells added, sensitive cells for which the boxes
    ran out before reaching the protection levels)."""
    search = _Search(layer, suppressed)
    added: set[IKey] = set()
    short: list[IKey] = []
    position = {k: i for i, k in enumerate(layer.cells)}
    order = sorted(sensitive, key=lambda k: (layer.margin_level(k), position[k]))
    for s in order:
        sens = sensitive[s]
        x = layer.value[s]
        for up, need in ((True, sens.upper), (False, min(sens.lower, x))):
            residual: dict[IKey, Number] = {}
            boxes = 0
            while need > 0:
                if boxes == MAX_BOXES:
                    short.append(s)
                    break
                got = search.best_box(s, up, residual, need)
                if got is None:
                    short.append(s)
                    break
                corners, cap = got
                eps = min(cap, need)
                sign = corners[s] if up else -corners[s]
                for k, c in corners.items():
                    if k not in suppressed:
                        suppressed.add(k)
                        added.add(k)
                    if c * sign < 0:
                        residual[k] = residual.get(k, layer.value[k]) - eps
                need -= eps
                boxes += 1
    return added, short

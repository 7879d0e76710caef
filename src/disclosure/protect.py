"""``protect``: primary and secondary suppression of a set of linked tables.

The steps, for each *layer* (tables counting or summing the same thing):

1. primary: every cell a rule finds sensitive is hidden (``rules``);
2. secondary: hypercubes chosen so that every sensitive cell can move by its
   protection levels given everything published (``secondary``);
3. check: the exact LP finds each sensitive cell's feasible interval; any
   short of its levels makes the layer fall back to hiding every non-zero
   cell, then every cell;
4. tidy: a secondary cell the published figures pin down exactly protects
   nothing, so it is shown after all (which cannot change any interval).

The result holds the true figures and why each cell was hidden: it is the
publisher's working copy. ``ProtectedTable.shown`` and the renderers give the
publishable view, where every hidden cell is ``[c]`` alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from .layer import Face, IKey, Layer
from .rules import Rules, assess_count, assess_sum
from .secondary import hypercubes, protected
from .status import Sensitive, Status
from .tables import TOTAL, Key, Magnitude, Table, TableError

Number = int | Fraction
SUPPRESSED = "[c]"  # "confidential", the Government Analysis Function's symbol

SECONDARY_REASON = "hidden so that the hidden cells cannot be worked out from the totals"
# A secondary cell that can move by any amount at all is not exact.
TINY = Fraction(1, 10**9)
FALLBACK_REASON = "hidden with the rest of the table: no smaller pattern protected its small cells"


@dataclass(frozen=True)
class Cell:
    """One cell of a protected table, as the publisher sees it.

    ``value`` is the true count (frequency table) or sum (magnitude table),
    whatever the status; ``count`` and ``count_status`` are a magnitude
    cell's contributors and whether their number is shown.
    """

    key: Key
    value: Number
    status: Status
    reason: str = ""
    count: int | None = None
    count_status: Status | None = None
    count_reason: str = ""

    @property
    def published(self) -> bool:
        return self.status is Status.PUBLISHED

    @property
    def mean(self) -> Fraction | None:
        """The mean per contributor, shown only where the sum and the count both are."""
        if self.count is None or not self.count or self.status.suppressed or self.count_status.suppressed:
            return None
        return Fraction(self.value) / self.count


@dataclass(frozen=True)
class ProtectedTable:
    table: Table
    cells: tuple[Cell, ...]

    @property
    def name(self) -> str:
        return self.table.name

    def cell(self, *key: str) -> Cell:
        if len(key) == 1 and isinstance(key[0], tuple):
            key = key[0]
        return self._index[tuple(key)]

    @cached_property
    def _index(self) -> dict[Key, Cell]:
        return {c.key: c for c in self.cells}

    def shown(self, *key: str) -> str:
        """The cell as published: its figure, or ``[c]``."""
        c = self.cell(*key)
        return SUPPRESSED if c.status.suppressed else format_number(c.value)

    def suppressed(self) -> list[Cell]:
        return [c for c in self.cells if c.status.suppressed]

    def percentage(self, key: Key, along: str) -> Fraction | None:
        """``key``'s share (per cent) of its total along dimension ``along``.

        ``None`` unless the cell and that total are both shown, so a
        percentage never reveals a hidden figure.
        """
        d = self.table.dims.index(along)
        base = tuple(TOTAL if i == d else k for i, k in enumerate(key))
        c, b = self.cell(key), self.cell(base)
        if c.status.suppressed or b.status.suppressed or not b.value:
            return None
        return Fraction(c.value) * 100 / b.value


@dataclass(frozen=True)
class Protected:
    """The outcome of ``protect``: every table with each cell's status, the
    rules applied, and notes (fallbacks, if any were needed)."""

    tables: tuple[ProtectedTable, ...]
    rules: Rules
    notes: tuple[str, ...] = field(default=())

    def table(self, name: str) -> ProtectedTable:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


def format_number(v: Number) -> str:
    """An exact figure as text: whole numbers plainly, others to 2 decimals."""
    if isinstance(v, Fraction) and v.denominator != 1:
        return f"{float(v):.2f}"
    return str(int(v))


def layers_of(tables: Sequence[Table]) -> dict[str, tuple[list[Face], list[tuple[int, str]]]]:
    """Group tables' faces into layers: name -> (faces, (table index, part))."""
    out: dict[str, tuple[list[Face], list[tuple[int, str]]]] = {}
    # Tables in name order, so the result does not depend on the order given.
    for i, t in sorted(enumerate(tables), key=lambda it: it[1].name):
        if t.kind == "frequency":
            parts = [(f"count of {t.measure}", "count", t.counts())]
        elif t.kind == "magnitude":
            mags = t.magnitudes()
            parts = [
                (f"sum of {t.measure}", "sum", {k: m.total for k, m in mags.items()}),
                (f"count of {t.count_measure}", "contributors", {k: m.count for k, m in mags.items()}),
            ]
        else:
            raise TableError(f"table {t.name!r}: unknown kind {t.kind!r}")
        for layer, part, values in parts:
            faces, refs = out.setdefault(layer, ([], []))
            faces.append(Face(t.name, t.dims, t.categories, values, t.answer))
            refs.append((i, part))
    return out


def sensitivity(layer: Layer, tables: Sequence[Table], refs, rules: Rules) -> dict[IKey, Sensitive]:
    """Every cell of the layer a primary rule finds sensitive."""
    out: dict[IKey, Sensitive] = {}
    if layer.name.startswith("sum of "):
        mags: dict[IKey, Magnitude] = {}
        for f, (i, _) in enumerate(refs):
            for label, m in tables[i].magnitudes().items():
                mags.setdefault(layer.key(label, f), m)
        for k in layer.cells:
            s = assess_sum(mags[k], rules)
            if s:
                out[k] = s
    else:
        for k in layer.cells:
            s = assess_count(layer.value[k], rules)
            if s:
                out[k] = s
    return out


def _protect_layer(layer: Layer, sensitive: dict[IKey, Sensitive]) -> tuple[set[IKey], set[IKey], list[str]]:
    """Returns (suppressed, fallback cells, notes)."""
    suppressed = set(sensitive)
    notes: list[str] = []
    if not sensitive:
        return suppressed, set(), notes
    hypercubes(layer, sensitive, suppressed)
    fallback: set[IKey] = set()

    def check() -> tuple[list[IKey], dict]:
        """(sensitive cells short of protection, raw intervals of every hidden cell).

        The intervals are inner bounds that stop growing once they prove
        what is asked (see ``lp.feasible_intervals``): a sensitive cell's
        reach to its protection levels, a secondary cell's not being exact
        (any other value at all). That is all this function needs, and it
        saves most of the pivots; ``audit`` still solves every cell fully.
        """
        goals = {}
        for k in suppressed:
            x = layer.value[k]
            if k in sensitive:
                goals[k] = (x - sensitive[k].lower, x + sensitive[k].upper)
            else:
                goals[k] = (x - TINY, x + TINY)
        ivs = layer.intervals(suppressed, sorted(suppressed), raw=True, goals=goals)
        short = []
        for k, s in sensitive.items():
            iv = ivs[k].integral() if layer.integral else ivs[k]
            if not protected(layer.value[k], s, iv):
                short.append(k)
        return short, ivs

    short, ivs = check()
    for stage, pick in (
        ("every non-zero cell", lambda k: bool(layer.value[k])),
        ("every cell, zeros too", lambda k: True),
    ):
        if not short:
            break
        extra = {k for k in layer.cells if pick(k)} - suppressed
        fallback |= extra
        suppressed |= extra
        notes.append(f"{layer.name}: {len(short)} cell(s) needed {stage} hidden to be protected")
        short, ivs = check()
    if short:  # cannot happen: with every cell hidden, every cell can be 0 or unbounded
        raise AssertionError(f"{layer.name}: cells unprotected even with everything hidden")
    # A secondary cell the published figures determine exactly protects
    # nothing, so it is shown: that adds no equation the attacker lacked, and
    # so changes no other cell's interval.
    for k in suppressed - set(sensitive):
        if ivs[k].exact:
            suppressed.discard(k)
            fallback.discard(k)
    return suppressed, fallback, notes


def protect(
    tables: Table | Iterable[Table],
    threshold: int = 10,
    *,
    nk: tuple[int, Number] | None = (2, 85),
    p: Number | None = 10,
    safety_range: Number = 20,
    rules: Rules | None = None,
) -> Protected:
    """Protect ``tables`` together: tables that count or sum the same thing and
    share a dimension are linked, and no hidden cell of one can be worked out
    with the help of another.

    ``threshold`` (default 10; refused below 5), ``nk``, ``p`` and
    ``safety_range`` set the primary rules (see ``Rules``), or pass ``rules``.
    Raises ``TableError`` for tables that cannot be protected as given (linked
    tables that disagree on a shared total, say) and ``ValueError`` for bad
    settings.
    """
    if isinstance(tables, Table):
        tables = [tables]
    tables = list(tables)
    if rules is None:
        rules = Rules(threshold, None if nk is None else (nk[0], Fraction(nk[1])), p, safety_range)
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise TableError("two tables have the same name")
    status: dict[tuple[int, str], dict[Key, tuple[Status, str]]] = {}
    notes: list[str] = []
    for name, (faces, refs) in layers_of(tables).items():
        layer = Layer(name, faces, integral=not name.startswith("sum of "))
        sensitive = sensitivity(layer, tables, refs, rules)
        suppressed, fallback, layer_notes = _protect_layer(layer, sensitive)
        notes.extend(layer_notes)
        for f, ref in enumerate(refs):
            out = status.setdefault(ref, {})
            for label in faces[f].values:
                k = layer.key(label, f)
                if k in sensitive:
                    out[label] = (sensitive[k].status, sensitive[k].reason)
                elif k in fallback:
                    out[label] = (Status.SECONDARY, FALLBACK_REASON)
                elif k in suppressed:
                    out[label] = (Status.SECONDARY, SECONDARY_REASON)
                else:
                    out[label] = (Status.PUBLISHED, "")
    result = []
    for i, t in enumerate(tables):
        cells = []
        if t.kind == "frequency":
            counts = t.counts()
            for key in t.cell_keys():
                st, why = status[(i, "count")][key]
                cells.append(Cell(key, counts[key], st, why))
        else:
            mags = t.magnitudes()
            for key in t.cell_keys():
                st, why = status[(i, "sum")][key]
                cst, cwhy = status[(i, "contributors")][key]
                cells.append(Cell(key, mags[key].total, st, why, mags[key].count, cst, cwhy))
        result.append(ProtectedTable(t, tuple(cells)))
    return Protected(tuple(result), rules, tuple(notes))

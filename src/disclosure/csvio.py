"""Reading tables from CSV files, with errors that name the line.

Three shapes, told apart by the header:

- *long*: a ``count`` column, the others dimensions (1 to 3); one row per
  cell, e.g. ``branch,grade,count`` / ``North,PO,12``;
- *microdata* (magnitudes): a ``value`` column, the others dimensions; one row
  per contributor, e.g. ``branch,grade,value`` / ``North,PO,41`` (a caseload);
- *wide*: anything else. The first header cell names the row dimension, or
  both as ``row/column`` (``branch/grade``); the other header cells are the
  column categories and each row a row category with its counts. One column
  of counts makes a one-dimensional table.

Rows or columns labelled ``Total`` are margins. For ``protect`` they may be
left out (they are computed) or given (they must then add up); for ``audit``
every margin must be there, as published. A hidden figure is written ``[c]``
(also accepted: ``c``, ``[x]``, ``x``, ``*``, ``..``). Blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from itertools import product
from pathlib import Path

from .equality import GroupOutcome
from .tables import TOTAL, Key, Published, Table, TableError, exact

HIDDEN = {"[c]", "c", "[x]", "x", "*", ".."}


class CsvError(ValueError):
    """A bad line in a CSV file: ``line`` is 1-based (0: the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def _rows(text: str) -> list[tuple[int, list[str]]]:
    out = []
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        cells = [c.strip() for c in row]
        if any(cells):
            out.append((reader.line_num, cells))
    if not out:
        raise CsvError(0, "the file is empty")
    return out


def _count(text: str, line: int, hidden_ok: bool) -> int | None:
    if hidden_ok and text.lower() in HIDDEN:
        return None
    t = text.replace(",", "")
    if not t.isdigit():
        what = "a count (a whole number" + (", or [c] for a hidden one)" if hidden_ok else ")")
        raise CsvError(line, f"{text!r} is not {what}")
    return int(t)


def _shape(rows) -> str:
    header = [h.lower() for h in rows[0][1]]
    if "count" in header:
        return "long"
    if "value" in header:
        return "microdata"
    return "wide"


def _wide(rows, hidden_ok: bool):
    line, header = rows[0]
    if len(header) < 2:
        raise CsvError(line, "a wide table needs a label column and at least one column of counts")
    first = header[0].replace("\\", "/")
    names = [p.strip() for p in first.split("/")] if "/" in first else [first]
    cols = header[1:]
    if len(set(cols)) != len(cols):
        raise CsvError(line, "a column heading is repeated")
    if any(not c for c in cols):
        raise CsvError(line, "a column heading is empty")
    inner_cols = [c for c in cols if c != TOTAL]
    one_dim = len(inner_cols) == 1
    if not one_dim and len(names) == 1:
        names.append("column")
    if not names[0]:
        names[0] = "row"
    values: dict[Key, int | None] = {}
    row_labels: list[str] = []
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise CsvError(line, f"{len(cells)} fields where the heading has {len(header)}")
        label = cells[0]
        if not label:
            raise CsvError(line, "the row has no label")
        if label in row_labels:
            raise CsvError(line, f"row {label!r} appears twice")
        row_labels.append(label)
        for col, text in zip(cols, cells[1:]):
            v = _count(text, line, hidden_ok)
            if one_dim:
                key = (label,) if col != TOTAL else None
                if key is None:
                    raise CsvError(rows[0][0], "a one-column table has no Total column; give a Total row")
            else:
                key = (label, col)
            values[key] = (v, line)
    if one_dim:
        dims = (names[0],)
        cats = ([r for r in row_labels if r != TOTAL],)
    else:
        dims = (names[0], names[1])
        cats = ([r for r in row_labels if r != TOTAL], inner_cols)
    return dims, cats, values


def _long(rows, hidden_ok: bool):
    line, header = rows[0]
    lower = [h.lower() for h in header]
    ci = lower.index("count")
    dims = tuple(h for i, h in enumerate(header) if i != ci)
    if not 1 <= len(dims) <= 3:
        raise CsvError(line, f"{len(dims)} dimension columns; 1 to 3 are supported")
    if len(set(dims)) != len(dims) or any(not d for d in dims):
        raise CsvError(line, "dimension columns need distinct, non-empty names")
    values = {}
    cats: list[dict[str, None]] = [{} for _ in dims]
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise CsvError(line, f"{len(cells)} fields where the heading has {len(header)}")
        key = tuple(c for i, c in enumerate(cells) if i != ci)
        if any(not k for k in key):
            raise CsvError(line, "a category is empty")
        if key in values:
            raise CsvError(line, f"cell {' × '.join(key)} appears twice")
        values[key] = (_count(cells[ci], line, hidden_ok), line)
        for d, k in enumerate(key):
            if k != TOTAL:
                cats[d].setdefault(k)
    return dims, [list(c) for c in cats], values


def read_counts(path: str | Path) -> Table:
    """A frequency table (long or wide) to protect. Given margins are checked."""
    path = Path(path)
    rows = _rows(path.read_text(encoding="utf-8-sig"))
    shape = _shape(rows)
    if shape == "microdata":
        raise CsvError(rows[0][0], "this is one row per contributor (a 'value' column): use read_microdata")
    dims, cats, values = (_long if shape == "long" else _wide)(rows, hidden_ok=False)
    inner = {k: v for k, (v, _) in values.items() if TOTAL not in k}
    try:
        table = Table.frequency(path.stem, dims, inner, categories=cats)
    except TableError as e:
        raise CsvError(0, str(e)) from None
    computed = table.counts()
    for key, (v, line) in values.items():
        if TOTAL in key and computed.get(key) != v:
            raise CsvError(
                line, f"{' × '.join(key)} is given as {v} but its cells add up to {computed.get(key)}"
            )
    return table


def read_microdata(path: str | Path, measure: str = "value", count_measure: str | None = None) -> Table:
    """A magnitude table from one row per contributor: dimensions and a ``value``."""
    path = Path(path)
    rows = _rows(path.read_text(encoding="utf-8-sig"))
    line, header = rows[0]
    lower = [h.lower() for h in header]
    if "value" not in lower:
        raise CsvError(line, "no 'value' column")
    vi = lower.index("value")
    dims = tuple(h for i, h in enumerate(header) if i != vi)
    if not 1 <= len(dims) <= 3:
        raise CsvError(line, f"{len(dims)} dimension columns; 1 to 3 are supported")
    pairs = []
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise CsvError(line, f"{len(cells)} fields where the heading has {len(header)}")
        key = tuple(c for i, c in enumerate(cells) if i != vi)
        if TOTAL in key or any(not k for k in key):
            raise CsvError(line, "each row is one contributor: no Total rows and no empty categories")
        try:
            v = exact(cells[vi])
        except TableError as e:
            raise CsvError(line, str(e)) from None
        if v < 0:
            raise CsvError(line, f"value {cells[vi]} is negative")
        pairs.append((key, v))
    try:
        return Table.magnitude(path.stem, dims, pairs, measure=measure, count_measure=count_measure)
    except TableError as e:
        raise CsvError(0, str(e)) from None


def read_published(path: str | Path) -> Published:
    """A table as published, hidden figures as ``[c]``; every margin must be given."""
    path = Path(path)
    rows = _rows(path.read_text(encoding="utf-8-sig"))
    shape = _shape(rows)
    if shape == "microdata":
        raise CsvError(rows[0][0], "a published table has counts, not one row per contributor")
    dims, cats, values = (_long if shape == "long" else _wide)(rows, hidden_ok=True)
    for key in product(*[list(c) + [TOTAL] for c in cats]):
        if tuple(key) not in values:
            raise CsvError(0, f"the published table has no figure for {' × '.join(key)} (margins included)")
    extra = set(values) - {tuple(k) for k in product(*[list(c) + [TOTAL] for c in cats])}
    if extra:
        raise CsvError(values[min(extra)][1], "a cell does not fit the table's grid")
    return Published(path.stem, tuple(dims), tuple(tuple(c) for c in cats), {k: v for k, (v, _) in values.items()})


def read_outcomes(path: str | Path) -> tuple[str, str, str, list[GroupOutcome]]:
    """Equality outcomes: ``group,total,outcome`` per line (any headings).

    Returns (group heading, total heading, outcome heading, rows).
    """
    path = Path(path)
    rows = _rows(path.read_text(encoding="utf-8-sig"))
    line, header = rows[0]
    if len(header) != 3:
        raise CsvError(line, "expected three columns: group, number of people, number with the outcome")
    out = []
    seen = Counter()
    for line, cells in rows[1:]:
        if len(cells) != 3:
            raise CsvError(line, f"{len(cells)} fields where 3 are expected")
        group, total, outcome = cells
        if not group:
            raise CsvError(line, "the group has no name")
        if group == TOTAL:
            continue
        seen[group] += 1
        if seen[group] > 1:
            raise CsvError(line, f"group {group!r} appears twice")
        n, k = _count(total, line, False), _count(outcome, line, False)
        if k > n:
            raise CsvError(line, f"{k} with the outcome out of only {n}")
        out.append(GroupOutcome(group, n, k))
    if not out:
        raise CsvError(0, "no groups")
    return header[0], header[1], header[2], out

"""The audit: what can be worked out about each hidden cell.

For every suppressed cell it solves the attacker's linear programme (every
published figure of every linked table, every equation, every cell >= 0;
counts are whole numbers) for the least and greatest value the cell can take.
That *feasible interval* must contain the cell's *protection interval*: for a
count hidden by the threshold rule, from 0 to the threshold (so a reader can
tell neither that anyone is in it nor that it is small); for a sum, its value
less its lower and plus its upper protection level (see ``rules``).

``audit`` checks a ``Protected`` result with the true figures (the
publisher's check: it recomputes every primary rule rather than trusting the
statuses). ``audit_published`` checks a table someone published, knowing only
what a reader knows; it cannot tell primary from secondary cells, so it fails
any hidden cell it can pin down exactly or show to be under the threshold,
and warns where a small cell could be shown not to be empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from .layer import Face, IKey, Layer, T
from .lp import Infeasible, Interval
from .protect import Protected, format_number, layers_of, sensitivity
from .rules import MINIMUM_THRESHOLD
from .secondary import protected as is_protected
from .tables import TOTAL, Key, Published, TableError

Number = int | Fraction

FAIL = "fail"
WARNING = "warning"
OK = "ok"


@dataclass(frozen=True)
class Finding:
    """One result of the audit.

    ``severity``: "fail" (something can be disclosed), "warning" (a reader
    may learn something a publisher should weigh) or "ok" (a hidden cell that
    is protected; listed so that every hidden cell's interval is on record).
    ``check`` names the test; ``interval`` is the feasible interval found and
    ``required`` the protection interval it had to contain (publisher's audit).
    """

    severity: str
    check: str
    table: str
    key: Key
    measure: str
    message: str
    interval: Interval | None = None
    required: tuple[Number, Number] | None = None

    def to_dict(self) -> dict:
        def num(v):
            return None if v is None else ("inf" if v == float("inf") else format_number(v))

        return {
            "severity": self.severity,
            "check": self.check,
            "table": self.table,
            "cell": list(self.key),
            "measure": self.measure,
            "message": self.message,
            "interval": None if self.interval is None else [num(self.interval.lo), num(self.interval.hi)],
            "required": None if self.required is None else [num(self.required[0]), num(self.required[1])],
        }


def failures(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == FAIL]


def _where(layer: Layer, key: IKey) -> tuple[str, Key]:
    t = layer.members[key][0]
    return layer.faces[t].table, layer.label(key, t)


def _show(v) -> str:
    return "no upper limit" if v == float("inf") else format_number(v)


def audit(protected: Protected) -> list[Finding]:
    """Check a ``protect`` result: every sensitive cell hidden and protected."""
    tables = [pt.table for pt in protected.tables]
    rules = protected.rules
    findings: list[Finding] = []
    for name, (faces, refs) in layers_of(tables).items():
        layer = Layer(name, faces, integral=not name.startswith("sum of "))
        sensitive = sensitivity(layer, tables, refs, rules)
        hidden: dict[IKey, str] = {}
        shown: dict[IKey, str] = {}
        for f, (i, part) in enumerate(refs):
            for cell in protected.tables[i].cells:
                st = cell.status if part != "contributors" else cell.count_status
                (hidden if st.suppressed else shown).setdefault(layer.key(cell.key, f), faces[f].table)
        # A figure shown in any table is published, whatever another table does.
        suppressed = set(hidden) - set(shown)
        for k in sorted(set(hidden) & set(shown)):
            findings.append(
                Finding(WARNING, "shown-elsewhere", hidden[k], layer.label(k, layer.members[k][0]), name,
                        f"hidden in {hidden[k]!r} but shown in {shown[k]!r}")
            )
        for k, s in sensitive.items():
            if k not in suppressed:
                table, label = _where(layer, k)
                findings.append(Finding(FAIL, "published-sensitive", table, label, name, f"shown although {s.reason}"))
        try:
            ivs = layer.intervals(suppressed, sorted(suppressed))
        except Infeasible as e:
            findings.append(Finding(FAIL, "inconsistent", "", (), name, str(e)))
            continue
        position = {k: i for i, k in enumerate(layer.cells)}
        for k in sorted(suppressed, key=position.__getitem__):
            table, label = _where(layer, k)
            iv = ivs[k]
            x = layer.value[k]
            s = sensitive.get(k)
            if s is not None:
                req = (x - s.lower, x + s.upper)
                if is_protected(x, s, iv):
                    findings.append(Finding(OK, "protection", table, label, name, "protected", iv, req))
                else:
                    findings.append(
                        Finding(
                            FAIL, "protection", table, label, name,
                            f"can be narrowed to {_show(iv.lo)} to {_show(iv.hi)}, "
                            f"inside its protection interval {_show(req[0])} to {_show(req[1])}",
                            iv, req,
                        )
                    )
            elif iv.exact:
                findings.append(
                    Finding(WARNING, "exact-secondary", table, label, name,
                            f"hidden but can be worked out exactly ({_show(iv.lo)}): hiding it protects nothing", iv)
                )
            else:
                findings.append(Finding(OK, "protection", table, label, name, "hidden to protect others", iv))
        findings.extend(_group_disclosure(layer, {k for k in layer.cells if k not in suppressed}, name))
    return findings


def _group_disclosure(layer: Layer, shown: set[IKey], measure: str) -> list[Finding]:
    """Warn where a whole published group gave one answer (``Table.answer``)."""
    out = []
    for t, face in enumerate(layer.faces):
        answer = face.answer
        if answer is None:
            continue
        a = layer.dims.index(answer)
        for parts, total in layer.equations:
            if total[a] != T or parts[0][a] == T:
                continue
            if t not in layer.members.get(total, ()) or total not in shown:
                continue
            n = layer.value[total]
            if not n:
                continue
            for p in parts:
                if p in shown and layer.value[p] == n:
                    label = layer.label(total, t)
                    group = ", ".join(f"{d}={c}" for d, c in zip(face.dims, label) if c != TOTAL and d != answer)
                    out.append(
                        Finding(
                            WARNING, "group-disclosure", face.table, layer.label(p, t), measure,
                            f"all {n} in {group or 'the table'} gave the answer "
                            f"{layer.categories[a][p[a]]!r}, so each of them is known to have",
                        )
                    )
    return out


def audit_published(tables: Published | Sequence[Published], threshold: int = 10) -> list[Finding]:
    """Check tables as published (counts, ``None`` where hidden), knowing only
    what any reader knows. Linked tables (sharing a dimension) are checked
    together."""
    if isinstance(tables, Published):
        tables = [tables]
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"threshold {threshold} is below {MINIMUM_THRESHOLD}")
    for t in tables:
        _check_shape(t)
    faces = [Face(t.name, t.dims, t.categories, dict(t.values), t.answer) for t in tables]
    layer = Layer("published counts", faces, integral=True)
    name = layer.name
    findings: list[Finding] = []
    suppressed = [k for k in layer.cells if layer.value[k] is None]
    for k in layer.cells:
        v = layer.value[k]
        if v is not None and 0 < v < threshold:
            table, label = _where(layer, k)
            findings.append(Finding(FAIL, "published-small", table, label, name, f"shows {v}, under the threshold of {threshold}"))
    try:
        ivs = layer.intervals(suppressed, suppressed)
    except Infeasible as e:
        return findings + [Finding(FAIL, "inconsistent", "", (), name, str(e))]
    for k in suppressed:
        table, label = _where(layer, k)
        iv = ivs[k]
        where = f"{_show(iv.lo)} to {_show(iv.hi)}"
        if iv.exact:
            findings.append(Finding(FAIL, "exact", table, label, name, f"can be worked out exactly: it is {_show(iv.lo)}", iv))
        elif iv.hi < threshold:
            findings.append(
                Finding(FAIL, "small", table, label, name, f"can be shown to be under {threshold} (between {where})", iv)
            )
        elif 0 < iv.lo < threshold:
            findings.append(
                Finding(WARNING, "not-empty", table, label, name,
                        f"lies between {where}: if it is under {threshold}, a reader can tell it is not empty", iv)
            )
        else:
            findings.append(Finding(OK, "protection", table, label, name, f"lies between {where}", iv))
    findings.extend(_group_disclosure(layer, {k for k in layer.cells if layer.value[k] is not None}, name))
    return findings


def _check_shape(table: Published) -> None:
    """Raise ``TableError`` unless a published table has every cell and margin."""
    for key in product(*[list(c) + [TOTAL] for c in table.categories]):
        if tuple(key) not in table.values:
            raise TableError(f"table {table.name!r} lacks the cell {' × '.join(key)}")
